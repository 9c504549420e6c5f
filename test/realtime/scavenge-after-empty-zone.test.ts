// Regression: the embedded scavenger wakes at the first record's stale time, else at a 1 s wall
// poll. When the zone held no dynamic record at its last wake (all scavenged) and a host
// then publishes again, that record's stale time was not looked at until the poll: at
// timeScale 86400 the poll is a simulated day, so a second scavenge came up to a day late
// (the old fixed 50 ms poll: at most 72 simulated minutes).
//
// On a busy machine: the steps are hundreds of wall ms apart (a stalled loop once ran the
// first scavenge, the recovery and the second crash in one turn), and lateness is bounded
// by the event-loop delay the run itself reports.
import { describe, expect, it } from "vitest";
import { runRealtime } from "../../src/realtime/realtime-engine.js";
import { scenarioFrom } from "../sim/helpers.js";
import { scavengeLateBoundSimS } from "./loop-lag-bound.js";

const HOUR_S = 3600;

describe("realtime, embedded DNS: a record published after the zone emptied", () => {
  it("is scavenged when it goes stale, not at the next 1 s wall poll", async () => {
    // The record of time 0 goes stale at 3h and empties the zone. kms1 comes back at 12h
    // (9 simulated hours, 375 wall ms later), refreshes every 2h and stops at 19h: its last
    // record goes stale at 21h. The old code's next look after 3h was at 27h: 6 hours late.
    const scenario = scenarioFrom(`
name: review-late-scavenge-empty-zone
seed: 11
mode: realtime
duration: 2d
timeScale: 86400
dns: { domain: corp.example, publish: auto, publishInterval: 2h, scavengeAfter: 3h }
hosts: [ { name: kms1, publishDomains: [corp.example] } ]
clients: [ { name: c, count: 10, bootSpread: 2d, domain: corp.example } ]
events:
  - { at: 1h, host: kms1, action: crash }
  - { at: 12h, host: kms1, action: recover }
  - { at: 19h, host: kms1, action: crash }
`);
    const totals = await runRealtime(scenario, { workers: 0 });
    const boundS = scavengeLateBoundSimS(totals);
    const why = `event-loop delay ${JSON.stringify(totals.generator?.eventLoopDelayMs)}, late bound ${boundS.toFixed(0)} s`;
    const dns = totals.events.filter((e) => e.kind === "dns" && e.target === "kms1");
    const scavenged = dns.filter((e) => e.action === "scavenged").map((e) => e.t);
    expect(scavenged, why).toHaveLength(2);
    const lastPublishS = Math.max(...dns.filter((e) => e.action === "published" && e.t < 19 * HOUR_S).map((e) => e.t));
    expect(lastPublishS).toBeGreaterThanOrEqual(12 * HOUR_S);
    const lateS = scavenged[1] - (lastPublishS + 3 * HOUR_S);
    expect(lateS).toBeGreaterThanOrEqual(0);
    expect(lateS, why).toBeLessThanOrEqual(boundS);
  }, 30_000);
});
