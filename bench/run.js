// npm run bench — virtual engine on large-fleet.yaml against a bare baseline measured in
// the same process: a typed-array binary heap doing the same number of pushes and pops
// (the classic "hold" model: pop the earliest, push it again later). Ratios, not
// absolute times, are the targets: these machines are small and noisy.
import { performance } from "node:perf_hooks";
import { loadScenarioFile } from "../dist/scenario/index.js";
import { VirtualEngine } from "../dist/sim/virtual-engine.js";
import { buildResult } from "../dist/results/build-result.js";
import { LatencyRecorder } from "../dist/results/latency-recorder.js";

const scenarioPath = process.argv[2] ?? "scenarios/large-fleet.yaml";
const clientsFlag = process.argv.indexOf("--clients");
const clients = clientsFlag > 0 ? Number(process.argv[clientsFlag + 1]) : undefined;

const loaded = await loadScenarioFile(scenarioPath);
if (!loaded.ok) {
  console.error(loaded.errors);
  process.exit(2);
}

const t0 = performance.now();
const engine = new VirtualEngine(loaded.scenario, { clients });
const setupMs = performance.now() - t0;
while (!engine.step(1_000_000)) {
  process.stderr.write(`\r  simulated ${(engine.nowMs / 86_400_000).toFixed(1)} d, ${(engine.eventsProcessed / 1e6).toFixed(1)} M events`);
}
process.stderr.write("\n");
const kmssimSeconds = (performance.now() - t0) / 1000;
const result = buildResult(engine.totals(), kmssimSeconds, false);
const events = engine.eventsProcessed;

const baselineSeconds = holdBaseline(engine.clientCount, events);
const recorded = result.rpc.activation.sent + result.rpc.renewal.sent + result.dns.queries;
const recordSeconds = histogramCost(recorded);
const peakRssMiB = process.resourceUsage().maxRSS / 1024;
const ratio = baselineSeconds / kmssimSeconds;

const lines = [
  `scenario            ${loaded.scenario.name} (${engine.clientCount} clients, ${loaded.scenario.durationMs / 86_400_000} d)`,
  `kmssim wall time    ${kmssimSeconds.toFixed(2)} s (setup ${(setupMs / 1000).toFixed(2)} s)   target ≤ 20 s`,
  `events              ${events} (${(events / kmssimSeconds / 1e6).toFixed(2)} M events/s)`,
  `baseline heap       ${baselineSeconds.toFixed(2)} s for ${events} push+pop at ${engine.clientCount} pending`,
  `ratio               ${ratio.toFixed(2)} (baseline time / kmssim time)   target ≥ 0.3`,
  `peak RSS            ${peakRssMiB.toFixed(0)} MiB   target ≤ 2048 MiB`,
  `histogram cost      ${recorded} recordings take ${recordSeconds.toFixed(2)} s = ${((100 * recordSeconds) / kmssimSeconds).toFixed(1)} % of the run   target ≤ 5 %`,
  `activated           ${result.clients.activated}/${result.clients.total}, p99 activation ${result.rpc.activation.latencyMs.p99} ms`,
];
console.log(lines.join("\n"));

function holdBaseline(pending, operations) {
  const times = new Float64Array(pending + 1);
  let n = 0;
  let seed = 12345;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const push = (v) => {
    let i = n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (times[p] <= v) break;
      times[i] = times[p];
      i = p;
    }
    times[i] = v;
  };
  const pop = () => {
    const top = times[0];
    const last = times[--n];
    let i = 0;
    const half = n >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      if (c + 1 < n && times[c + 1] < times[c]) c++;
      if (last <= times[c]) break;
      times[i] = times[c];
      i = c;
    }
    times[i] = last;
    return top;
  };
  for (let i = 0; i < pending; i++) push(rand() * 43_200_000);
  const start = performance.now();
  let sink = 0;
  for (let k = 0; k < operations; k++) {
    const t = pop();
    sink += t;
    push(t + rand() * 604_800_000);
  }
  if (sink === -1) console.log(sink);
  return (performance.now() - start) / 1000;
}

/** Time to record `count` latencies like the engine does (same recorder, similar values). */
function histogramCost(count) {
  const recorder = new LatencyRecorder();
  const start = performance.now();
  for (let k = 0; k < count; k++) recorder.recordMs(1 + (k % 997) * 0.013);
  if (recorder.count !== count) throw new Error("recorder lost values");
  return (performance.now() - start) / 1000;
}
