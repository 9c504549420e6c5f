// The embedded DNS server's scavenger wakes when the first record goes stale, not on a
// fixed poll: nextStaleAtMs names that moment (exactly: the unit test), and a realtime
// run's `scavenged` event is never before it, and after it only by the event loop's lag
// (the run's own report of it: generator.eventLoopDelayMs).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DnsZone } from "../../src/dns/zone.js";
import { runRealtime } from "../../src/realtime/realtime-engine.js";
import { scenarioFrom } from "../sim/helpers.js";
import { scavengeLateBoundSimS } from "./loop-lag-bound.js";

const ZONE = "corp.example";

describe("DnsZone.nextStaleAtMs", () => {
  it("is the earliest refresh of a non-static record plus the age; nothing is stale just before it, something right after", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 1e6 }), fc.boolean()), { maxLength: 8 }), fc.integer({ min: 1, max: 1e6 }), (records, ageMs) => {
        const clock = { ms: 0 };
        const zone = new DnsZone([ZONE], { nowMs: () => clock.ms });
        records.forEach(([atMs, isStatic], k) => {
          clock.ms = atMs;
          zone.addSrv(ZONE, { target: `h${k}.corp.example`, port: 1688, priority: 0, weight: 1 }, { static: isStatic });
        });
        const dynamic = records.filter(([, isStatic]) => !isStatic).map(([atMs]) => atMs);
        const next = zone.nextStaleAtMs(ageMs);
        expect(next).toBe(dynamic.length === 0 ? Infinity : Math.min(...dynamic) + ageMs);
        if (next === Infinity) return;
        clock.ms = next;
        expect(zone.scavenge(ageMs).srv).toEqual([]);
        clock.ms = next + 1;
        expect(zone.scavenge(ageMs).srv.length).toBeGreaterThan(0);
      }),
    );
  });
});

describe("realtime: the embedded scavenger's timing", () => {
  it("a decommissioned host's record is scavenged when it goes stale: never before, and within the event loop's lag after", async () => {
    const scenario = scenarioFrom(`
name: scavenge-timing
seed: 5
mode: realtime
duration: 4d
timeScale: 86400
dns: { domain: corp.example, publish: auto, publishInterval: 12h, scavengeAfter: 1d }
hosts: [ { name: kms1 }, { name: kms2 } ]
clients: [ { name: c, count: 30, bootSpread: 1d } ]
events:
  - { at: 10h, host: kms2, action: decommission }
`);
    const totals = await runRealtime(scenario, { workers: 0 });
    const kms2 = totals.events.filter((e) => e.kind === "dns" && e.target === "kms2");
    const lastPublishS = Math.max(...kms2.filter((e) => e.action === "published").map((e) => e.t));
    const scavenged = kms2.filter((e) => e.action === "scavenged");
    expect(scavenged).toHaveLength(1);
    const lateS = scavenged[0].t - (lastPublishS + 86_400);
    expect(lateS).toBeGreaterThanOrEqual(0);
    // A wall millisecond is 86 simulated seconds here, and the clients share the main thread:
    // late only by the event-loop delay the run itself reports, twice (the update reaching
    // the zone, the scavenger's wake; a busy machine's 114 ms was 2.7 simulated hours), not
    // by a poll (the old fixed one added up to 50 ms).
    expect(lateS, JSON.stringify(totals.generator?.eventLoopDelayMs)).toBeLessThanOrEqual(scavengeLateBoundSimS(totals));
  }, 30_000);
});
