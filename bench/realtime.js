// Realtime benchmark: kmssim's RPC rate on loopback against a bare baseline measured in
// the same process — plain node:net connect-send-receive-close with the same number of
// requests in flight. Ratio = kmssim RPC/s ÷ baseline RPC/s (target ≥ 0.8).
import net from "node:net";
import { performance } from "node:perf_hooks";
import { loadScenarioFile } from "../dist/scenario/index.js";
import { runRealtime } from "../dist/realtime/realtime-engine.js";

const scenarioPath = process.argv[2] ?? "bench/realtime-load.yaml";
const loaded = await loadScenarioFile(scenarioPath);
if (!loaded.ok) {
  console.error(loaded.errors);
  process.exit(2);
}
const workers = Number(process.env.KMSSIM_BENCH_WORKERS ?? 2);
const totals = await runRealtime(loaded.scenario, { workers });
const rpcs = totals.activation.sent + totals.renewal.sent;
const kmssimRate = rpcs / totals.wallSeconds;
// Little's law: requests in flight = rate × mean latency.
const meanLatencyMs = (totals.activation.latency.summary().mean * totals.activation.sent + totals.renewal.latency.summary().mean * totals.renewal.sent) / Math.max(1, rpcs);
const inFlight = Math.max(1, Math.round((kmssimRate * meanLatencyMs) / 1000));
// The load saturates kmssim on purpose; the baseline gets the same number of requests in
// flight, capped at 256 so it measures the loopback stack, not a connect storm.
const concurrency = Math.min(256, inFlight);
const baselineRate = await bareNetRate(concurrency, 5_000);
const rssMiB = process.resourceUsage().maxRSS / 1024;
console.log(
  [
    `scenario        ${loaded.scenario.name} (${totals.clientsTotal} clients, ${workers} workers)`,
    `kmssim          ${rpcs} RPCs in ${totals.wallSeconds.toFixed(1)} s = ${kmssimRate.toFixed(0)} RPC/s, mean latency ${meanLatencyMs.toFixed(2)} ms, ~${inFlight} in flight`,
    `baseline        ${baselineRate.toFixed(0)} RPC/s (node:net connect-send-receive-close, ${concurrency} in flight)`,
    `ratio           ${(kmssimRate / baselineRate).toFixed(2)}   target ≥ 0.8`,
    `peak RSS        ${rssMiB.toFixed(0)} MiB (main thread + workers)`,
    `activated       ${totals.activatedClients}/${totals.clientsTotal}`,
  ].join("\n"),
);

async function bareNetRate(concurrency, durationMs) {
  const response = Buffer.alloc(38, 1);
  const server = net.createServer((socket) => {
    socket.once("data", () => socket.end(response));
    socket.on("error", () => {});
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  const request = Buffer.alloc(39, 2);
  let done = 0;
  const deadline = performance.now() + durationMs;
  const loop = async () => {
    while (performance.now() < deadline) {
      await new Promise((resolve) => {
        const socket = net.connect(port, "127.0.0.1", () => socket.write(request));
        socket.once("data", () => {
          done++;
          socket.destroy();
          resolve();
        });
        socket.on("error", resolve);
      });
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  const seconds = (performance.now() - started) / 1000;
  await new Promise((resolve) => server.close(resolve));
  return done / seconds;
}
