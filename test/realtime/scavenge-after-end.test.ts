// Regression: the embedded server's scavenger runs on a wall-clock interval until the workers
// are done. Requests still in flight at the end (to a hung host they wait for the RPC
// timeout: 2 wall seconds are 2 simulated days at timeScale 86400) keep the run going past
// its duration, and the scavenger went on removing records and logging "scavenged" events
// after the end of the simulated time the result reports.
import { describe, expect, it } from "vitest";
import { runRealtime } from "../../src/realtime/realtime-engine.js";
import { scenarioFrom } from "../sim/helpers.js";

describe("realtime, embedded DNS: nothing is scavenged after the run's end", () => {
  it("every event lies within the simulated time", async () => {
    const scenario = scenarioFrom(`
name: review-scavenge-end
seed: 5
mode: realtime
duration: 2d
timeScale: 86400
dns: { domain: corp.example, publish: auto, publishInterval: 12h, scavengeAfter: 38h }
network: { rpcTimeout: 2s }
hosts: [ { name: kms1, publishDomains: [corp.example] } ]
clients: [ { name: c, count: 40, bootSpread: 2d, hostCaching: false } ]
events:
  - { at: 13h, host: kms1, action: hang }
`);
    const totals = await runRealtime(scenario, { workers: 0 });
    // The record refreshed at 12h would go stale at 50h, after the end (48h).
    const late = totals.events.filter((e) => e.t * 1000 > scenario.durationMs);
    expect(late).toEqual([]);
  }, 30_000);
});
