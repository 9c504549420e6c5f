// npm run bench (virtual part) — kmssim's virtual engine on large-fleet.yaml against
// limit-virtual.js, a one-file hand-tuned simulator of the same workload (same events,
// same random draws), each in a process of its own, in the same run. With --repeat K the
// pair runs K times, the order alternating (kmssim first, then the limit first, …) so
// neither always gets the warmer machine; the ratio is of the medians. Ratios, not
// absolute times, are the targets: this machine is small and shared.
//
// Usage: node bench/run.js [--clients N] [--repeat K]
import { execFileSync } from "node:child_process";
import { fileURLToPath, URL } from "node:url";
import { performance } from "node:perf_hooks";
import { LatencyRecorder } from "../dist/results/latency-recorder.js";

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const k = args.indexOf(name);
  return k >= 0 ? Number(args[k + 1]) : fallback;
};
const clients = flag("--clients", undefined);
const repeat = flag("--repeat", 1);
const RATIO_TARGET = 0.5;
const RSS_TARGET_MIB = 1024;
const clientArgs = clients === undefined ? [] : ["--clients", String(clients)];
const here = (file) => fileURLToPath(new URL(file, import.meta.url));

const runKmssim = () => runJson(here("./virtual-kmssim.js"), ["scenarios/large-fleet.yaml", ...clientArgs]);
const runLimit = () => runJson(here("./limit-virtual.js"), ["--json", ...clientArgs]);

const kmssimRuns = [];
const limitRuns = [];
for (let k = 0; k < repeat; k++) {
  const order = k % 2 === 0 ? [runKmssim, runLimit] : [runLimit, runKmssim];
  for (const run of order) {
    const r = run();
    (run === runKmssim ? kmssimRuns : limitRuns).push(r);
    process.stderr.write(`  ${run === runKmssim ? "kmssim" : "limit "} ${r.wallSeconds.toFixed(2)} s\n`);
  }
}

const kmssim = kmssimRuns[0];
const limit = limitRuns[0];
const kmssimSeconds = median(kmssimRuns.map((r) => r.wallSeconds));
const limitSeconds = median(limitRuns.map((r) => r.wallSeconds));
const ratio = limitSeconds / kmssimSeconds;
const kmssimRss = Math.max(...kmssimRuns.map((r) => r.peakRssMiB));
const eventGap = Math.abs(kmssim.events - limit.events) / kmssim.events;
const recorded = kmssim.rpcSent + kmssim.dnsQueries;
const recordSeconds = histogramCost(recorded);
const mark = (ok) => (ok ? "ok" : "MISSED");
const times = (runs) => (runs.length > 1 ? ` (runs: ${runs.map((r) => r.wallSeconds.toFixed(1)).join(", ")})` : "");

console.log(
  [
    `scenario        large-fleet (${kmssim.clients} clients, 180 d), ${repeat} alternating pair${repeat > 1 ? "s" : ""}`,
    `kmssim          ${kmssimSeconds.toFixed(2)} s median${times(kmssimRuns)} · ${kmssim.events} events (${(kmssim.events / kmssimSeconds / 1e6).toFixed(2)} M/s) · setup ${kmssim.setupSeconds.toFixed(2)} s`,
    `limit program   ${limitSeconds.toFixed(2)} s median${times(limitRuns)} · ${limit.events} events (${(limit.events / limitSeconds / 1e6).toFixed(2)} M/s) · peak RSS ${limit.peakRssMiB.toFixed(0)} MiB`,
    `ratio           ${ratio.toFixed(2)} (limit time / kmssim time)   target ≥ ${RATIO_TARGET}  ${mark(ratio >= RATIO_TARGET)}`,
    `peak RSS        ${kmssimRss.toFixed(0)} MiB   target ≤ ${RSS_TARGET_MIB} MiB  ${mark(kmssimRss <= RSS_TARGET_MIB)}`,
    `same workload   events ${kmssim.events} vs ${limit.events} (${(eventGap * 100).toFixed(2)} % apart) · activation mean ${kmssim.activation.meanMs} vs ${limit.activation.meanMs} ms, p99 ${kmssim.activation.p99Ms} vs ${limit.activation.p99Ms} ms · renewal p99 ${kmssim.renewal.p99Ms} vs ${limit.renewal.p99Ms} ms  ${mark(eventGap <= 0.03)}`,
    `histogram cost  ${recorded} recordings take ${recordSeconds.toFixed(2)} s = ${((100 * recordSeconds) / kmssimSeconds).toFixed(1)} % of kmssim's run   target ≤ 5 %`,
    `activated       ${kmssim.activated}/${kmssim.clients}`,
  ].join("\n"),
);
// The anchor only means something while it simulates the same workload.
if (eventGap > 0.03) console.log("warning         the limit program no longer matches large-fleet.yaml: update its WORKLOAD");

function runJson(script, scriptArgs) {
  const out = execFileSync(process.execPath, [script, ...scriptArgs], { encoding: "utf8", maxBuffer: 1 << 20, stdio: ["ignore", "pipe", "inherit"] });
  return JSON.parse(out.trim().split("\n").pop());
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Time to record `count` latencies like the engine does (same recorder, similar values). */
function histogramCost(count) {
  const recorder = new LatencyRecorder();
  const start = performance.now();
  for (let k = 0; k < count; k++) recorder.recordMs(1 + (k % 997) * 0.013);
  if (recorder.count !== count) throw new Error("recorder lost values");
  return (performance.now() - start) / 1000;
}
