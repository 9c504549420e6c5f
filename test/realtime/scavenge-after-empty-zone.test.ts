// Regression: the embedded scavenger wakes at the first record's stale time, else at a 1 s wall
// poll. When the zone held no dynamic record at its last wake (all scavenged) and a host
// then publishes again, that record's stale time was not looked at until the poll: at
// timeScale 86400 the poll is a simulated day, so a second scavenge came up to a day late
// (the old fixed 50 ms poll: at most 72 simulated minutes).
import { describe, expect, it } from "vitest";
import { runRealtime } from "../../src/realtime/realtime-engine.js";
import { scenarioFrom } from "../sim/helpers.js";

describe("realtime, embedded DNS: a record published after the zone emptied", () => {
  it("is scavenged when it goes stale, not at the next 1 s wall poll", async () => {
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
  - { at: 5h, host: kms1, action: recover }
  - { at: 6h, host: kms1, action: crash }
`);
    const totals = await runRealtime(scenario, { workers: 0 });
    const dns = totals.events.filter((e) => e.kind === "dns" && e.target === "kms1");
    const scavenged = dns.filter((e) => e.action === "scavenged").map((e) => e.t);
    expect(scavenged).toHaveLength(2);
    const republishS = Math.max(...dns.filter((e) => e.action === "published" && e.t < 6 * 3600).map((e) => e.t));
    expect(republishS).toBeGreaterThanOrEqual(5 * 3600);
    const lateS = scavenged[1] - (republishS + 3 * 3600);
    expect(lateS).toBeGreaterThanOrEqual(0);
    // 2 simulated hours is 83 wall ms of event-loop lag here.
    expect(lateS).toBeLessThan(2 * 3600);
  }, 30_000);
});
