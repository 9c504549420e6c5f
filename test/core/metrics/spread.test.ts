import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeSpread, partsOf, spreadOfCounts } from "../../../src/core/metrics/spread.js";

describe("computeSpread on hand-computed examples", () => {
  it("is perfect when every host got exactly its promise", () => {
    expect(computeSpread([0.5, 0.5], [0.5, 0.5])).toEqual({ jain: 1, maxOverMean: 1, cv: 0, maxShareDeviation: 0 });
    // Weighted records: 75/25 promised and delivered is just as even.
    expect(computeSpread([0.75, 0.25], [0.75, 0.25])).toEqual({ jain: 1, maxOverMean: 1, cv: 0, maxShareDeviation: 0 });
  });

  it("measures a 60/40 split of a 50/50 promise", () => {
    // x = [1.2, 0.8]: Σx = 2, Σx² = 2.08, jain = 4 / 4.16; std 0.2, mean 1.
    expect(computeSpread([0.6, 0.4], [0.5, 0.5])).toEqual({ jain: 0.961538, maxOverMean: 1.2, cv: 0.2, maxShareDeviation: 0.1 });
  });

  it("gives 1/n when one host takes everything", () => {
    // x = [4, 0, 0, 0]: jain = 16 / (4·16); mean 1, std = √(4 − 1).
    expect(computeSpread([1, 0, 0, 0], [0.25, 0.25, 0.25, 0.25])).toEqual({
      jain: 0.25,
      maxOverMean: 4,
      cv: 1.732051,
      maxShareDeviation: 0.75,
    });
  });

  it("leaves hosts promised nothing out of x, but not out of maxShareDeviation", () => {
    // x over the first two hosts = [1, 0.6]: Σx = 1.6, Σx² = 1.36, jain = 2.56 / 2.72;
    // mean 0.8, std 0.2. The third host got 0.2 it was never promised.
    expect(computeSpread([0.5, 0.3, 0.2], [0.5, 0.5, 0])).toEqual({
      jain: 0.941176,
      maxOverMean: 1.25,
      cv: 0.25,
      maxShareDeviation: 0.2,
    });
  });

  it("is neutral when nothing is promised or nothing was requested", () => {
    expect(computeSpread([0.5, 0.5], [0, 0])).toEqual({ jain: 1, maxOverMean: 1, cv: 0, maxShareDeviation: 0.5 });
    expect(computeSpread([0, 0], [0.5, 0.5])).toEqual({ jain: 1, maxOverMean: 1, cv: 0, maxShareDeviation: 0 });
    expect(computeSpread([], [])).toEqual({ jain: 1, maxOverMean: 1, cv: 0, maxShareDeviation: 0 });
    // Every request went to a host promised nothing: x all 0, deviation shows it.
    expect(computeSpread([0, 1], [1, 0])).toEqual({ jain: 1, maxOverMean: 1, cv: 0, maxShareDeviation: 1 });
  });

  it("takes typed arrays and rejects arrays of different lengths", () => {
    expect(computeSpread(new Float64Array([0.6, 0.4]), new Float64Array([0.5, 0.5])).cv).toBe(0.2);
    expect(() => computeSpread([1], [0.5, 0.5])).toThrow(RangeError);
    expect(() => computeSpread([1], [0.5, 0.5])).toThrow("computeSpread: 1 shares but 2 expected shares");
  });
});

/** A distribution over n hosts (sums to 1), some entries possibly 0. */
const distribution = (n: number, allowZero: boolean) =>
  fc
    .array(fc.integer({ min: allowZero ? 0 : 1, max: 1000 }), { minLength: n, maxLength: n })
    .filter((ws) => ws.some((w) => w > 0))
    .map((ws) => {
      const total = ws.reduce((a, b) => a + b, 0);
      return ws.map((w) => w / total);
    });

/** Shares and expected shares over the same hosts. */
const sharesAndExpected = fc.integer({ min: 1, max: 12 }).chain((n) => fc.tuple(distribution(n, true), distribution(n, true)));

describe("computeSpread properties", () => {
  it("keeps jain in (0, 1], maxOverMean ≥ 1, cv ≥ 0 and maxShareDeviation in [0, 1]", () => {
    fc.assert(
      fc.property(sharesAndExpected, ([shares, expected]) => {
        const s = computeSpread(shares, expected);
        expect(s.jain).toBeGreaterThan(0);
        expect(s.jain).toBeLessThanOrEqual(1);
        expect(s.maxOverMean).toBeGreaterThanOrEqual(1);
        expect(s.cv).toBeGreaterThanOrEqual(0);
        expect(s.maxShareDeviation).toBeGreaterThanOrEqual(0);
        expect(s.maxShareDeviation).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("relates jain and cv: jain = 1 / (1 + cv²)", () => {
    fc.assert(
      fc.property(sharesAndExpected, ([shares, expected]) => {
        const s = computeSpread(shares, expected);
        expect(s.jain).toBeCloseTo(1 / (1 + s.cv * s.cv), 5);
      }),
    );
  });

  it("gives jain 1 when every host got the same multiple of its promise", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }).chain((n) => distribution(n, true)),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        (expected, scale) => {
          const s = computeSpread(
            expected.map((e) => e * scale),
            expected,
          );
          expect(s.jain).toBe(1);
          expect(s.cv).toBe(0);
          expect(s.maxOverMean).toBe(1);
        },
      ),
    );
  });

  it("gives jain < 1 when two promised hosts differ by 1 % or more", () => {
    fc.assert(
      fc.property(sharesAndExpected, ([shares, expected]) => {
        const xs = shares.flatMap((share, h) => (expected[h] > 0 ? [share / expected[h]] : []));
        const max = Math.max(...xs);
        const min = Math.min(...xs);
        fc.pre(max > 0 && max - min >= 0.01 * max);
        expect(computeSpread(shares, expected).jain).toBeLessThan(1);
      }),
    );
  });

  it("does not depend on the order of the hosts", () => {
    const withPermutation = sharesAndExpected.chain(([shares, expected]) =>
      fc
        .shuffledSubarray(
          shares.map((_, i) => i),
          { minLength: shares.length, maxLength: shares.length },
        )
        .map((order) => ({ shares, expected, order })),
    );
    fc.assert(
      fc.property(withPermutation, ({ shares, expected, order }) => {
        const permuted = computeSpread(
          order.map((i) => shares[i]),
          order.map((i) => expected[i]),
        );
        expect(permuted).toEqual(computeSpread(shares, expected));
      }),
    );
  });
});

describe("partsOf and spreadOfCounts", () => {
  it("turns counts into parts of their whole, all 0 for an empty whole", () => {
    expect(partsOf([1, 3, 0, 4])).toEqual([0.125, 0.375, 0, 0.5]);
    expect(partsOf(new Float64Array([0, 0]))).toEqual([0, 0]);
    expect(partsOf([])).toEqual([]);
  });

  it("compares request counts with expected counts as parts", () => {
    expect(spreadOfCounts([60, 40], [50, 50])).toEqual(computeSpread([0.6, 0.4], [0.5, 0.5]));
    expect(spreadOfCounts([2, 2], [100, 100]).maxShareDeviation).toBe(0);
  });
});
