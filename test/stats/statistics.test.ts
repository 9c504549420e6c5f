import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { meanCi } from "../../src/stats/confidence.js";
import { regularizedBeta, studentTCritical } from "../../src/stats/student-t.js";

describe("Student's t critical values", () => {
  it("match the published two-sided 95% table", () => {
    const table: [number, number][] = [
      [1, 12.706],
      [2, 4.303],
      [3, 3.182],
      [4, 2.776],
      [5, 2.571],
      [9, 2.262],
      [10, 2.228],
      [30, 2.042],
      [100, 1.984],
    ];
    for (const [df, t] of table) expect(studentTCritical(0.95, df), `df ${df}`).toBeCloseTo(t, 3);
    expect(studentTCritical(0.99, 4)).toBeCloseTo(4.604, 3);
    expect(studentTCritical(0.9, 1)).toBeCloseTo(6.314, 3);
    // Large df: the normal quantile.
    expect(studentTCritical(0.95, 1e6)).toBeCloseTo(1.95996, 4);
  });

  it("the incomplete beta function has its closed forms", () => {
    // I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 − (1 − x)^b.
    for (const x of [0.1, 0.5, 0.9]) {
      expect(regularizedBeta(x, 1, 1)).toBeCloseTo(x, 12);
      expect(regularizedBeta(x, 3, 1)).toBeCloseTo(x ** 3, 12);
      expect(regularizedBeta(x, 1, 4)).toBeCloseTo(1 - (1 - x) ** 4, 12);
    }
    expect(regularizedBeta(0, 2, 3)).toBe(0);
    expect(regularizedBeta(1, 2, 3)).toBe(1);
  });

  it("property: the critical value falls as degrees of freedom grow and rises with confidence", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.double({ min: 0.5, max: 0.995, noNaN: true }), (df, confidence) => {
        const t = studentTCritical(confidence, df);
        expect(t).toBeGreaterThan(0);
        expect(studentTCritical(confidence, df + 1)).toBeLessThanOrEqual(t * (1 + 1e-9));
        expect(studentTCritical(Math.min(0.999, confidence + 0.004), df)).toBeGreaterThanOrEqual(t);
      }),
      { numRuns: 60 },
    );
  });

  it("refuses impossible arguments", () => {
    expect(() => studentTCritical(1, 3)).toThrow(RangeError);
    expect(() => studentTCritical(0.95, 0)).toThrow(RangeError);
  });
});

describe("mean and confidence interval over replications", () => {
  it("uses the t interval: mean ± t(n−1) · s / √n", () => {
    const ci = meanCi([10, 12, 14]);
    // s = 2, n = 3, t(2) = 4.303: half-width 4.303 · 2 / √3 = 4.968.
    expect(ci.n).toBe(3);
    expect(ci.mean).toBeCloseTo(12, 12);
    expect(ci.halfWidth).toBeCloseTo(4.9687, 3);
    expect(ci.low).toBeCloseTo(12 - 4.9687, 3);
    expect(ci.high).toBeCloseTo(12 + 4.9687, 3);
  });

  it("one value: a mean and no interval; none: nothing", () => {
    expect(meanCi([7.5])).toEqual({ n: 1, mean: 7.5, low: null, high: null, halfWidth: null });
    expect(meanCi([])).toEqual({ n: 0, mean: null, low: null, high: null, halfWidth: null });
    expect(meanCi([3, 3, 3])).toMatchObject({ mean: 3, halfWidth: 0, low: 3, high: 3 });
  });

  it("property: the interval contains the mean, the mean lies between the smallest and largest value", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 40 }), (values) => {
        const ci = meanCi(values);
        expect(ci.n).toBe(values.length);
        expect(ci.low!).toBeLessThanOrEqual(ci.mean!);
        expect(ci.mean!).toBeLessThanOrEqual(ci.high!);
        expect(ci.mean!).toBeGreaterThanOrEqual(Math.min(...values));
        expect(ci.mean!).toBeLessThanOrEqual(Math.max(...values));
        expect(ci.halfWidth!).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it("property: more spread between replications, a wider interval", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 2, maxLength: 20 }),
        fc.double({ min: 1.5, max: 10, noNaN: true }),
        (values, stretch) => {
          const narrow = meanCi(values).halfWidth!;
          const wide = meanCi(values.map((v) => v * stretch)).halfWidth!;
          expect(wide).toBeGreaterThanOrEqual(narrow * (1 - 1e-9));
        },
      ),
    );
  });
});
