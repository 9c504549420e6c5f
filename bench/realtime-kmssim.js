// One kmssim realtime run for the bench, in a process of its own: `kmssim run` on the
// scenario with the strict clock (the requested rate throughout, more than this machine
// sends, so kmssim runs at its capacity), the CLI's default workers (hosts in this process). Its RPC rate is the
// slope of the requests sent over the saturated part of the run — from simulated day 1
// (the clients have booted and activated) to the end of simulated time — read from the
// live view every 100 ms; neither the set-up nor the drain after the end counts. Prints
// one JSON line. Usage: node bench/realtime-kmssim.js [scenario] [--workers N]
import { performance } from "node:perf_hooks";
import { loadScenarioFile } from "../dist/scenario/index.js";
import { runRealtime } from "../dist/realtime/realtime-engine.js";
import { defaultWorkers } from "../dist/cli/machine-limits.js";

const args = process.argv.slice(2);
const workersFlag = args.indexOf("--workers");
const workers = workersFlag >= 0 ? Number(args[workersFlag + 1]) : defaultWorkers(true);
const scenarioPath = args.find((a, k) => !a.startsWith("--") && args[k - 1] !== "--workers") ?? "bench/realtime-load.yaml";
const WINDOW_START_S = 86_400;

const loaded = await loadScenarioFile(scenarioPath);
if (!loaded.ok) {
  console.error(loaded.errors);
  process.exit(2);
}
const endS = loaded.scenario.durationMs / 1000;
/** (wall ms, requests sent) at the first look past the window's start and its end. */
let from = null;
let to = null;
let live = null;
const look = setInterval(() => {
  if (live === null) return;
  const simS = live.simulatedSeconds();
  const sent = live.slices().reduce((a, s) => a + s.sent, 0);
  const sample = { wallMs: performance.now(), sent };
  if (from === null && simS >= WINDOW_START_S) from = sample;
  if (to === null && simS >= endS) to = sample;
}, 100);
const cpuBefore = process.cpuUsage();
const started = performance.now();
const totals = await runRealtime(loaded.scenario, { workers, clock: "strict", onLive: (view) => (live = view) });
clearInterval(look);
const cpu = process.cpuUsage(cpuBefore);
const rpcs = totals.activation.sent + totals.renewal.sent;
if (from === null || to === null || to.wallMs <= from.wallMs) throw new Error("the run ended before its measuring window");
console.log(
  JSON.stringify({
    rate: ((to.sent - from.sent) * 1000) / (to.wallMs - from.wallMs),
    windowSeconds: (to.wallMs - from.wallMs) / 1000,
    rpcs,
    failed: totals.activation.failed + totals.renewal.failed,
    wallSeconds: (performance.now() - started) / 1000,
    cpuMicros: cpu.user + cpu.system,
    workers,
    clients: totals.clientsTotal,
    activated: totals.activatedClients,
    renewalP99Ms: totals.renewal.latency.summary().p99,
    sendLagP99Ms: totals.generator.sendLagMs.p99,
  }),
);
