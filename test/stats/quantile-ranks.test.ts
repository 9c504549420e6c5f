import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EXACT_LIMIT, normalCritical, quantileRankInterval } from "../../src/stats/quantile-ranks.js";

describe("ranks bracketing a percentile", () => {
  it("the median of 100: ranks 40 and 61 (the exact binomial table)", () => {
    // Conover's distribution-free interval for the median of n = 100 at 95 %: X(40) .. X(61).
    expect(quantileRankInterval(100, 0.5, 0.95)).toEqual({ low: 40, high: 61, beyond: 50 });
  });

  it("few samples beyond: unbounded above; the max always is", () => {
    // p99.9 of 5,280 (the run): 5.3 samples beyond it, the bound is the largest sample.
    expect(quantileRankInterval(5280, 0.999, 0.95)).toMatchObject({ high: 5280, beyond: 5.28 });
    // p99.9 of 2,000: 2 beyond, no sample is high enough.
    expect(quantileRankInterval(2000, 0.999, 0.95).high).toBeNull();
    expect(quantileRankInterval(10, 1, 0.95)).toEqual({ low: 10, high: null, beyond: 0 });
    expect(quantileRankInterval(1, 0.5, 0.95)).toMatchObject({ low: null, high: null });
  });

  it("the normal approximation above the exact limit agrees with the exact sums near it", () => {
    const n = EXACT_LIMIT;
    const exact = quantileRankInterval(n, 0.99, 0.95);
    const approx = quantileRankInterval(n + 1, 0.99, 0.95);
    expect(Math.abs(approx.low! - exact.low!)).toBeLessThanOrEqual(3);
    expect(Math.abs(approx.high! - exact.high!)).toBeLessThanOrEqual(3);
    expect(normalCritical(0.95)).toBeCloseTo(1.96, 3);
  });

  it("property: low ≤ n·q ≤ high, ranks within 1..n, wider at higher confidence", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.constantFrom(0.5, 0.9, 0.99, 0.999), (n, q) => {
        const at95 = quantileRankInterval(n, q, 0.95);
        const at99 = quantileRankInterval(n, q, 0.99);
        if (at95.low !== null) {
          expect(at95.low).toBeGreaterThanOrEqual(1);
          expect(at95.low).toBeLessThanOrEqual(Math.ceil(n * q));
          expect(at99.low === null || at99.low <= at95.low).toBe(true);
        }
        if (at95.high !== null) {
          expect(at95.high).toBeLessThanOrEqual(n);
          expect(at95.high).toBeGreaterThanOrEqual(Math.floor(n * q));
        }
        if (at95.high === null) expect(at99.high).toBeNull();
        else expect(at99.high === null || at99.high >= at95.high).toBe(true);
      }),
      { numRuns: 120 },
    );
  });
});
