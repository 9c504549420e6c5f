// Regression: `--clients N` scales the groups proportionally, each keeping at least one client.
// The correction loop gave up after two passes, so with one big group and several one-client
// groups the fleet came out larger than N (--clients 6 over counts 10000,1,1,1,1,1 gave 8).
// A shard records fleetClients = N, its clients add up to the plan's 8, and `kmssim merge`
// refused the complete set of shards ("not written by the same kmssim").
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planFleet, scaleCounts } from "../../src/fleet-plan/fleet-plan.js";
import { scenarioFrom } from "../sim/helpers.js";

describe("--clients scaling", () => {
  it("gives exactly the requested fleet size, one client per group at least", () => {
    fc.assert(
      // Many one-client groups next to big ones, and fleets barely larger than the group count.
      fc.property(
        fc.array(fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 100_000 })), { minLength: 1, maxLength: 12 }),
        fc.oneof(fc.nat({ max: 8 }), fc.nat({ max: 5000 })),
        (counts, extra) => {
          const total = counts.length + extra;
          const scaled = scaleCounts(counts, total);
          expect(scaled.reduce((a, b) => a + b, 0)).toBe(total);
          expect(scaled.every((c) => c >= 1)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a plan of --clients 6 over one big group and five small ones has 6 clients", () => {
    const groups = ["big: 10000", "a: 1", "b: 1", "c: 1", "d: 1", "e: 1"].map((g) => {
      const [name, count] = g.split(": ");
      return `  - { name: ${name}, count: ${count} }`;
    });
    const scenario = scenarioFrom(["name: s", "duration: 1d", "hosts: [ { name: kms1 } ]", "clients:", ...groups].join("\n"));
    expect(planFleet(scenario, 6).total).toBe(6);
  });
});
