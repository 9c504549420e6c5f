// Realtime benchmark: kmssim's RPC rate on loopback (strict clock: saturated on purpose)
// against a bare baseline measured in the same run — plain node:net
// connect-send-receive-close with the same number of requests in flight, its server in a
// process of its own. Ratio = kmssim RPC/s ÷ baseline RPC/s (target ≥ 0.8). Then the
// generator's own overhead (CPU per RPC, self-measurement cost) and the rate the adaptive
// clock settles at.
import { fork } from "node:child_process";
import net from "node:net";
import { fileURLToPath, URL } from "node:url";
import { performance } from "node:perf_hooks";
import { loadScenarioFile } from "../dist/scenario/index.js";
import { runRealtime } from "../dist/realtime/realtime-engine.js";
import { LatencyRecorder } from "../dist/results/latency-recorder.js";
import { LagWindow } from "../dist/core/pacing/lag-window.js";

const scenarioPath = process.argv[2] ?? "bench/realtime-load.yaml";
const loaded = await loadScenarioFile(scenarioPath);
if (!loaded.ok) {
  console.error(loaded.errors);
  process.exit(2);
}
const workers = Number(process.env.KMSSIM_BENCH_WORKERS ?? 2);

// Capacity: the strict clock keeps the requested rate, so the load saturates kmssim on purpose.
const cpuBefore = process.cpuUsage();
const totals = await runRealtime(loaded.scenario, { workers, clock: "strict" });
const cpuUsed = process.cpuUsage(cpuBefore);
const rpcs = totals.activation.sent + totals.renewal.sent;
const kmssimRate = rpcs / totals.wallSeconds;
const kmssimCpuPerRpcUs = (cpuUsed.user + cpuUsed.system) / Math.max(1, rpcs);
// Little's law: requests in flight = rate × mean latency.
const meanLatencyMs =
  (totals.activation.latency.summary().mean * totals.activation.sent + totals.renewal.latency.summary().mean * totals.renewal.sent) / Math.max(1, rpcs);
const inFlight = Math.max(1, Math.round((kmssimRate * meanLatencyMs) / 1000));
// The baseline gets the same number of requests in flight, capped at 256 so it measures
// the loopback stack, not a connect storm; its server runs in a process of its own.
const concurrency = Math.min(256, inFlight);
const baseline = await bareNetRate(concurrency, 5_000);

// The model-valid rate: the adaptive clock (default) slows until requests leave on time.
const adaptive = await runRealtime(loaded.scenario, { workers });
const adaptiveRpcs = adaptive.activation.sent + adaptive.renewal.sent;
const g = adaptive.generator;
const s = totals.generator;

// The generator's own bookkeeping per request: one HdrHistogram record and one lag-window record.
const recorder = new LatencyRecorder();
const window = new LagWindow();
const samples = 2_000_000;
const t0 = performance.now();
for (let k = 0; k < samples; k++) {
  const lagMs = (k % 997) * 0.013;
  recorder.recordMs(lagMs);
  window.record(lagMs);
}
const bookkeepingNs = ((performance.now() - t0) * 1e6) / samples;

const rssMiB = process.resourceUsage().maxRSS / 1024;
console.log(
  [
    `scenario        ${loaded.scenario.name} (${totals.clientsTotal} clients, ${workers} workers)`,
    `kmssim strict   ${rpcs} RPCs in ${totals.wallSeconds.toFixed(1)} s = ${kmssimRate.toFixed(0)} RPC/s, mean latency ${meanLatencyMs.toFixed(2)} ms, ~${inFlight} in flight; send lag p99 ${s.sendLagMs.p99} ms, saturated ${s.saturated}`,
    `baseline        ${baseline.rate.toFixed(0)} RPC/s (node:net connect-send-receive-close, ${concurrency} in flight, server in its own process)`,
    `ratio           ${(kmssimRate / baseline.rate).toFixed(2)}   target ≥ 0.8`,
    `cpu per RPC     kmssim ${kmssimCpuPerRpcUs.toFixed(0)} µs (clients, hosts and DNS) · baseline ${baseline.cpuPerRpcUs.toFixed(0)} µs (client and server) · ratio ${(kmssimCpuPerRpcUs / baseline.cpuPerRpcUs).toFixed(2)}`,
    `generator       self-measurement ${bookkeepingNs.toFixed(0)} ns per request (send-lag histogram + lag window) = ${((bookkeepingNs / 1000 / kmssimCpuPerRpcUs) * 100).toFixed(2)} % of kmssim's CPU per RPC`,
    `kmssim adaptive ${adaptiveRpcs} RPCs in ${adaptive.wallSeconds.toFixed(1)} s = ${(adaptiveRpcs / adaptive.wallSeconds).toFixed(0)} RPC/s at ${g.achievedTimeScale.toFixed(0)}× of ${g.requestedTimeScale}× (slowest ${g.minTimeScale.toFixed(0)}×), send lag p99 ${g.sendLagMs.p99} ms, saturated ${g.saturated}`,
    `peak RSS        ${rssMiB.toFixed(0)} MiB (main thread + workers)`,
    `activated       strict ${totals.activatedClients}/${totals.clientsTotal} · adaptive ${adaptive.activatedClients}/${adaptive.clientsTotal}`,
  ].join("\n"),
);

async function bareNetRate(concurrency, durationMs) {
  const server = fork(fileURLToPath(new URL("./bare-server.js", import.meta.url)));
  const { port } = await new Promise((resolve) => server.once("message", resolve));
  const request = Buffer.alloc(39, 2);
  let done = 0;
  const cpuBefore = process.cpuUsage();
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
  const clientCpu = process.cpuUsage(cpuBefore);
  server.send("stop");
  const { cpuMicros } = await new Promise((resolve) => server.once("message", resolve));
  return { rate: done / seconds, cpuPerRpcUs: (clientCpu.user + clientCpu.system + cpuMicros) / Math.max(1, done) };
}
