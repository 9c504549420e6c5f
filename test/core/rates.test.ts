import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { peakPerSecond, perSecond } from "../../src/core/metrics/rates.js";

describe("rates", () => {
  it("perSecond is count over seconds, 0 when no time passed", () => {
    expect(perSecond(120, 60)).toBe(2);
    expect(perSecond(5, 0)).toBe(0);
  });

  it("peakPerSecond is the busiest interval's rate, the first interval from 0", () => {
    expect(peakPerSecond([10, 20, 30], [10, 50, 20])).toBe(5);
    expect(peakPerSecond([10], [30])).toBe(3);
    expect(peakPerSecond([], [])).toBe(0);
  });

  it("leaves out intervals shorter than half the longest (a partial last one)", () => {
    // 3 requests in the last 0.01 s would read as 300/s.
    expect(peakPerSecond([10, 20, 20.01], [10, 20, 3])).toBe(2);
  });

  it("keeps an interval of exactly half the longest", () => {
    expect(peakPerSecond([10, 15], [10, 20])).toBe(4);
  });

  it("is 0 when no time passed, like perSecond", () => {
    expect(peakPerSecond([0], [5])).toBe(0);
    expect(peakPerSecond([0, 0], [0, 3])).toBe(0);
  });

  it("the peak is at least the mean over full intervals and at most the largest count per shortest kept interval", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 3600 }), (counts, lengthS) => {
        const ends = counts.map((_, k) => (k + 1) * lengthS);
        const peak = peakPerSecond(ends, counts);
        const total = counts.reduce((a, n) => a + n, 0);
        expect(peak).toBeGreaterThanOrEqual(perSecond(total, ends.at(-1)!) - 1e-9);
        expect(peak).toBeCloseTo(Math.max(...counts) / lengthS, 9);
      }),
    );
  });
});
