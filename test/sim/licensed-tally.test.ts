import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LicensedTally } from "../../src/sim/licensed-tally.js";

describe("LicensedTally", () => {
  it("counts a client licensed at a sample only while its validity ends after the sample", () => {
    const tally = new LicensedTally([10, 20, 30]);
    tally.move(0, 20); // valid until exactly the second sample: not licensed at it
    tally.move(0, 35);
    expect([0, 1, 2].map((s) => tally.licensedAtSample(s))).toEqual([2, 1, 1]);
    tally.move(20, 25); // renewed
    expect([0, 1, 2].map((s) => tally.licensedAtSample(s))).toEqual([2, 2, 1]);
  });

  it("property: equals a direct count of the clients' latest validity, whatever the order of moves", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 20 }).map((t) => t.sort((a, b) => a - b)),
        fc.array(fc.tuple(fc.nat(9), fc.integer({ min: 1, max: 600 })), { maxLength: 200 }),
        (sampleTimes, moves) => {
          const tally = new LicensedTally(sampleTimes);
          const until = new Array<number>(10).fill(0);
          for (const [client, newUntil] of moves) {
            tally.move(until[client], newUntil);
            until[client] = newUntil;
          }
          sampleTimes.forEach((t, s) => expect(tally.licensedAtSample(s)).toBe(until.filter((u) => u > t).length));
        },
      ),
    );
  });
});
