// Regression: planPublishing's loop jumps to the earliest scavenging time lastOk + scavengeAfter,
// then removes slots for which isStale(lastOk, now) holds, i.e. now - lastOk >= age. In
// floating point (lastOk + age) - lastOk can come out below age when lastOk has a fraction
// (an event `at:` with sub-millisecond digits), so nothing is removed, no change is
// pushed, and the loop spins forever at the same instant: the virtual run hangs in its
// planning. (The loop's only bound counts changes.)
import { describe, expect, it } from "vitest";
import { planPublishing } from "../../src/fleet-plan/publish-plan.js";
import { scenarioFrom } from "../sim/helpers.js";

/** The same scenario, whose events list throws once the plan has looked at it too often (a loop that does not end). */
function bounded<T extends { events: unknown[] }>(scenario: T, maxReads: number): T {
  let reads = 0;
  const events = new Proxy(scenario.events, {
    get(target, key, receiver) {
      if (key === "length" && ++reads > maxReads) throw new Error(`planPublishing did not finish: ${maxReads} looks at the events list`);
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { ...scenario, events };
}

describe("planPublishing with event times that have a fraction of a millisecond", () => {
  it("scavenges the record of a host that re-published at such a time, and finishes", () => {
    const recoverAtMs = 16871887.1;
    const scavengeAfterMs = 64165857;
    // The float trap this relies on (checked, so the test means what it says):
    expect(recoverAtMs + scavengeAfterMs - recoverAtMs).toBeLessThan(scavengeAfterMs);
    const scenario = scenarioFrom(`
duration: 3d
dns: { publish: auto, publishInterval: 12h, scavengeAfter: ${scavengeAfterMs}ms }
hosts: [ { name: kms1 } ]
clients: [ { name: c, count: 1 } ]
events:
  - { at: 1h, host: kms1, action: crash }
  - { at: ${recoverAtMs}ms, host: kms1, action: recover }
  - { at: 6h, host: kms1, action: crash }
`);
    expect(scenario.events[1].atMs).toBe(recoverAtMs);
    const changes = planPublishing(bounded(scenario, 100_000));
    const scavenged = changes.filter((c) => c.kind === "scavenged");
    expect(scavenged).toHaveLength(1);
    expect(scavenged[0].atMs).toBeCloseTo(recoverAtMs + scavengeAfterMs, 3);
  });
});
