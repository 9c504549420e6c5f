// One kmssim virtual run for the bench, in a process of its own (so its time and peak RSS
// are its own): the engine on a scenario, printed as one JSON line the same shape as
// limit-virtual.js --json prints. Usage: node bench/virtual-kmssim.js [scenario] [--clients N]
import { performance } from "node:perf_hooks";
import { loadScenarioFile } from "../dist/scenario/index.js";
import { VirtualEngine } from "../dist/sim/virtual-engine.js";
import { buildResult } from "../dist/results/build-result.js";

const args = process.argv.slice(2);
const clientsFlag = args.indexOf("--clients");
const clients = clientsFlag >= 0 ? Number(args[clientsFlag + 1]) : undefined;
const scenarioPath = args.find((a, k) => !a.startsWith("--") && args[k - 1] !== "--clients") ?? "scenarios/large-fleet.yaml";

const loaded = await loadScenarioFile(scenarioPath);
if (!loaded.ok) {
  console.error(loaded.errors);
  process.exit(2);
}
const started = performance.now();
const engine = new VirtualEngine(loaded.scenario, { clients });
const setupSeconds = (performance.now() - started) / 1000;
while (!engine.step(1_000_000));
const wallSeconds = (performance.now() - started) / 1000;
const result = buildResult(engine.totals(), wallSeconds, false);
const { activation, renewal } = result.rpc;
console.log(
  JSON.stringify({
    clients: engine.clientCount,
    events: engine.eventsProcessed,
    wallSeconds,
    setupSeconds,
    eventsPerSecond: engine.eventsProcessed / wallSeconds,
    rpcSent: activation.sent + renewal.sent,
    dnsQueries: result.dns.queries,
    failovers: result.failovers,
    activated: result.clients.activated,
    activation: { count: activation.sent, meanMs: activation.latencyMs.mean, p99Ms: activation.latencyMs.p99 },
    renewal: { count: renewal.sent, meanMs: renewal.latencyMs.mean, p99Ms: renewal.latencyMs.p99 },
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
