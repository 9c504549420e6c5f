import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { significant, welchTest } from "../../src/stats/welch.js";

describe("Welch's t-test", () => {
  it("matches published values (SciPy ttest_ind, equal_var=False)", () => {
    // Wikipedia's Welch example A1/A2; SciPy: t = −2.4554, df = 24.9885, p = 0.021378 (a − b, so b − a flips the sign).
    const a = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
    const b = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
    const test = welchTest(a, b)!;
    expect(test.t).toBeCloseTo(2.455356, 5);
    expect(test.df).toBeCloseTo(24.988529, 5);
    expect(test.p).toBeCloseTo(0.021378, 5);
    expect(significant(test, 0.95)).toBe(true);
    expect(significant(test, 0.99)).toBe(false);
    // Unequal sizes and spreads: t = 2.713602, df = 6.594671, p = 0.031824.
    const uneven = welchTest([1, 2, 3, 4], [2, 4, 6, 8, 10, 12])!;
    expect(uneven.t).toBeCloseTo(2.713602, 5);
    expect(uneven.df).toBeCloseTo(6.594671, 5);
    expect(uneven.p).toBeCloseTo(0.031824, 5);
  });

  it("fewer than two values on a side: no test, never significant", () => {
    expect(welchTest([1], [1, 2])).toBeNull();
    expect(welchTest([1, 2], [])).toBeNull();
    expect(significant(null, 0.95)).toBe(false);
  });

  it("neither side varies: equal means are no evidence, different means are certain", () => {
    expect(welchTest([3, 3, 3], [3, 3])).toEqual({ t: 0, df: 3, p: 1 });
    expect(welchTest([0, 0, 0], [132, 132, 132])).toEqual({ t: Infinity, df: 4, p: 0 });
    expect(welchTest([0.1, 0.1, 0.1], [0.1, 0.1, 0.1, 0.1])!.p).toBe(1);
  });

  it("property: identical samples are never significant, at any confidence", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 30 }),
        fc.double({ min: 0.5, max: 0.999, noNaN: true }),
        (values, confidence) => {
          const test = welchTest(values, [...values])!;
          expect(test.t).toBe(0);
          expect(test.p).toBe(1);
          expect(significant(test, confidence)).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("property: swapping the sides flips t and keeps p", () => {
    const sample = fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 2, maxLength: 20 });
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        const ab = welchTest(a, b)!;
        const ba = welchTest(b, a)!;
        expect(ab.t).toBe(-ba.t === 0 ? 0 : -ba.t);
        expect(ab.p).toBeCloseTo(ba.p, 12);
        expect(ab.p).toBeGreaterThanOrEqual(0);
        expect(ab.p).toBeLessThanOrEqual(1);
      }),
      { numRuns: 150 },
    );
  });
});
