// Soak: a realtime run of repeated crash / recover / hang cycles for a few minutes
// (bounded), sampling the process while it runs. Passes when, after warm-up, neither
// RSS nor the main thread's open handles keep growing, and when the client-side and
// host-side counts agree at the end. `npm run soak` (not part of CI); SOAK_MINUTES
// (default 3) sets the length, SOAK_CLIENTS (default 1000) the fleet.
import { loadScenarioText } from "../dist/scenario/index.js";
import { runRealtime } from "../dist/realtime/realtime-engine.js";

const minutes = Number(process.env.SOAK_MINUTES ?? 3);
const clients = Number(process.env.SOAK_CLIENTS ?? 1000);
const timeScale = 20_000; // 5.6 simulated hours per wall second
const durationHours = Math.floor((minutes * 60 * timeScale) / 3600);
const cycleHours = 12;

// One fault cycle every 12 simulated hours: kms2 crashes and recovers, kms3 hangs and
// recovers, kms1 slows down and recovers; DNS drops out briefly every fourth cycle.
const events = [];
for (let start = 6; start + cycleHours <= durationHours; start += cycleHours) {
  events.push(`  - { at: ${start}h, host: kms2, action: crash }`);
  events.push(`  - { at: ${start + 2}h, host: kms2, action: recover }`);
  events.push(`  - { at: ${start + 4}h, host: kms3, action: hang }`);
  events.push(`  - { at: ${start + 5}h, host: kms3, action: recover }`);
  events.push(`  - { at: ${start + 7}h, host: kms1, action: slow, serviceTime: 20ms }`);
  events.push(`  - { at: ${start + 8}h, host: kms1, action: recover }`);
  if ((start - 6) % (4 * cycleHours) === 0) {
    events.push(`  - { at: ${start + 9}h, dns: down }`);
    events.push(`  - { at: ${start + 9}h30m, dns: up }`);
  }
}
const yaml = `
name: soak
seed: 11
mode: realtime
duration: ${durationHours}h
timeScale: ${timeScale}
sampleInterval: 12h
dns: { publishInterval: 24h, ttl: 30m }
hosts:
  - { name: kms1, weight: 200, renewalInterval: 12h }
  - { name: kms2, weight: 100, renewalInterval: 12h }
  - { name: kms3, weight: 100, renewalInterval: 12h }
clients:
  - { name: desktops, count: ${clients}, bootSpread: 6h }
network: { rpcTimeout: 2s, dnsTimeout: 1s }
events:
${events.join("\n")}
`;
const loaded = loadScenarioText(yaml, "soak.yaml");
if (!loaded.ok) {
  console.error(loaded.errors);
  process.exit(2);
}

const samples = [];
const sample = () => {
  const handles = process.getActiveResourcesInfo().filter((r) => r !== "Timeout" && r !== "Immediate").length;
  samples.push({ tSec: (Date.now() - startedMs) / 1000, rssMiB: process.memoryUsage().rss / 2 ** 20, handles });
};
const startedMs = Date.now();
const sampler = setInterval(sample, 2_000);
const totals = await runRealtime(loaded.scenario, { workers: 2 });
clearInterval(sampler);

// Warm-up: the first quarter. After it, compare the second quarter with the last one.
const after = samples.filter((s) => s.tSec > (minutes * 60) / 4);
const quarter = Math.max(1, Math.floor(after.length / 3));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const early = after.slice(0, quarter);
const late = after.slice(-quarter);
const rssEarly = median(early.map((s) => s.rssMiB));
const rssLate = median(late.map((s) => s.rssMiB));
const handlesEarly = median(early.map((s) => s.handles));
const handlesLate = median(late.map((s) => s.handles));
const rssGrowth = rssLate / rssEarly - 1;

// Both sides agree up to what TCP cannot tell: an answer the host wrote after its client
// gave up is counted by the host and timed out by the client.
const hostAnswered = (h) => h.requests - h.lost - h.late;
const disagreements = totals.hosts.filter((h) => h.clientAnswered > hostAnswered(h) || hostAnswered(h) > h.clientAnswered + h.clientTimedOut);
const rpcs = totals.activation.sent + totals.renewal.sent;
const checks = [
  [`RSS after warm-up ${rssEarly.toFixed(0)} → ${rssLate.toFixed(0)} MiB (${(rssGrowth * 100).toFixed(1)} %), limit +20 %`, rssGrowth <= 0.2],
  [`open handles after warm-up ${handlesEarly} → ${handlesLate}, limit +16`, handlesLate <= handlesEarly + 16],
  [
    `client answers ≤ host answers (requests − lost − late) ≤ client answers + client timeouts, every host${disagreements.length > 0 ? `: off for ${disagreements.map((h) => `${h.name} ${h.clientAnswered} + ${h.clientTimedOut} vs ${hostAnswered(h)}`).join(", ")}` : ""}`,
    disagreements.length === 0,
  ],
];
console.log(
  [
    `soak            ${minutes} min wall, ${durationHours} h simulated, ${events.length} fault events, ${totals.clientsTotal} clients`,
    `traffic         ${rpcs} RPCs (${(rpcs / totals.wallSeconds).toFixed(0)}/s), ${totals.activatedClients} activated, ${totals.failovers} failovers, ${totals.hosts.reduce((a, h) => a + h.clientTimedOut, 0)} client timeouts`,
    ...checks.map(([text, ok]) => `${ok ? "ok  " : "FAIL"}  ${text}`),
  ].join("\n"),
);
process.exit(checks.every(([, ok]) => ok) ? 0 : 1);
