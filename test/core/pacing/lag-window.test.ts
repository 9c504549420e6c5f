// The lag window's p99 steers the clock: it must never be below the true percentile, and
// at most one quarter-octave (19 %) above it.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LagWindow } from "../../../src/core/pacing/lag-window.js";

function truePercentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

describe("LagWindow", () => {
  it("bounds any percentile from above, within 19 % (values from 0.125 ms to 60 s)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.125, max: 60_000, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 100 }),
        (values, p) => {
          const w = new LagWindow();
          values.forEach((v) => w.record(v));
          const reported = w.percentileMs(p);
          const actual = truePercentile(values, p);
          expect(reported).toBeGreaterThanOrEqual(actual * (1 - 1e-9));
          expect(reported).toBeLessThanOrEqual(actual * 2 ** 0.25 * (1 + 1e-9));
        },
      ),
    );
  });

  it("puts requests sent on time or early (lag 0 or below) in the lowest bucket, 2^-3 ms", () => {
    const w = new LagWindow();
    [0, -3, -0.5, 0].forEach((lag) => w.record(lag));
    expect(w.percentileMs(100)).toBe(0.125);
    w.record(1);
    expect(w.percentileMs(50)).toBe(0.125);
    expect(w.percentileMs(100)).toBeGreaterThanOrEqual(1);
  });

  it("reports lags of 65 s and more as the top bucket's bound, 2^16 ms", () => {
    const w = new LagWindow();
    [70_000, 3_600_000, Infinity].forEach((lag) => w.record(lag));
    expect(w.percentileMs(1)).toBe(65_536);
    expect(w.percentileMs(100)).toBe(65_536);
    w.record(2);
    expect(w.percentileMs(25)).toBeLessThan(2 * 2 ** 0.25 * (1 + 1e-9));
    expect(w.percentileMs(99)).toBe(65_536);
  });

  it("is empty (0) after reset, and counts what it recorded", () => {
    const w = new LagWindow();
    w.record(5);
    w.record(-3);
    expect(w.count).toBe(2);
    expect(w.percentileMs(100)).toBeGreaterThanOrEqual(5);
    w.reset();
    expect(w.count).toBe(0);
    expect(w.percentileMs(99)).toBe(0);
  });
});
