// Regression: with --start-at ahead, a realtime run's hosts publish into the embedded zone
// before simulated time 0, and the zone stamped the records on the run's clock, which
// reads negative until the start. Their age then grows at the time scale while the run
// waits (one wall second is a simulated day at 86400), so the scavenger removed every
// record before the first client booted: the whole fleet got NXDOMAIN until the next
// refresh. The publisher treats everything before time 0 as "at 0"; the zone must too.
import { describe, expect, it } from "vitest";
import { CompressedClock } from "../../src/realtime/compressed-clock.js";
import { runRealtime } from "../../src/realtime/realtime-engine.js";
import { scenarioFrom } from "../sim/helpers.js";

describe("realtime --start-at with scavenging on the embedded DNS server", () => {
  it("keeps the records published before time 0: every client activates", async () => {
    const scenario = scenarioFrom(`
name: review-start-at-scavenge
seed: 2
mode: realtime
duration: 1d
timeScale: 86400
dns: { domain: corp.example, publish: auto, publishInterval: 1d, scavengeAfter: 36h }
hosts: [ { name: kms1, publishDomains: [corp.example] } ]
clients: [ { name: c, count: 30, bootSpread: 2h } ]
`);
    // 2.5 wall seconds of waiting are 2.5 simulated days: past scavengeAfter (36h).
    const totals = await runRealtime(scenario, { workers: 0, originEpochMs: CompressedClock.wallNowMs() + 2500 });
    expect(totals.events.filter((e) => e.action === "scavenged")).toEqual([]);
    expect(totals.activatedClients).toBe(30);
  }, 30_000);
});
