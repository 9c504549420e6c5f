// Regression: with the embedded DNS server scavenging, a host whose record was scavenged and
// that recovers publishes again; the run's own view of the records (the timeline's
// promised shares) must count its record again. Before the fix the publisher still
// believed the record present (only its own deletes removed it) and never announced it,
// so after the recovery the SRV records "promised" the only host nothing.
import { describe, expect, it } from "vitest";
import { runRealtime } from "../../src/realtime/realtime-engine.js";
import { scenarioFrom } from "../sim/helpers.js";

describe("realtime, embedded DNS: scavenged, then recovered", () => {
  it("the recovered host's re-published record counts again for the promised shares", async () => {
    const scenario = scenarioFrom(`
name: review-scavenge-recover
seed: 7
mode: realtime
duration: 3d
timeScale: 86400
sampleInterval: 12h
dns: { domain: corp.example, publish: auto, publishInterval: 12h, scavengeAfter: 1d }
hosts: [ { name: kms1, publishDomains: [corp.example] } ]
clients: [ { name: c, count: 60, bootSpread: 3d, domain: corp.example, hostCaching: false } ]
events:
  - { at: 1h, host: kms1, action: crash }
  - { at: 2d, host: kms1, action: recover }
`);
    const totals = await runRealtime(scenario, { workers: 0 });
    const actions = totals.events.filter((e) => e.kind === "dns").map((e) => e.action);
    expect(actions).toContain("scavenged");
    expect(actions.lastIndexOf("published")).toBeGreaterThan(actions.indexOf("scavenged"));
    // Samples wholly after the recovery (and its re-publish): every request went to kms1,
    // and the records promise it everything again.
    const after = totals.timeline.filter((s) => s.t >= 2.5 * 86400 && (s.hostRequests.kms1 ?? 0) > 0);
    expect(after.length).toBeGreaterThan(0);
    for (const sample of after) expect(sample.spread.maxShareDeviation).toBeLessThan(1e-9);
  }, 30_000);
});
