import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CompareError } from "../../src/compare/errors.js";
import { mergedLatency } from "../../src/compare/merged-latency.js";
import { LatencyRecorder } from "../../src/results/latency-recorder.js";
import { encodeLatencies } from "./fixture.js";

const percentilesOf = (values: readonly number[]): Omit<ReturnType<LatencyRecorder["summary"]>, "mean"> => {
  const r = new LatencyRecorder();
  for (const v of values) r.recordMs(v);
  const { p50, p90, p99, p999, max } = r.summary();
  return { p50, p90, p99, p999, max };
};

describe("mergedLatency", () => {
  it("one histogram gives its own percentiles", () => {
    const values = Array.from({ length: 1000 }, (_, k) => (k + 1) / 100);
    expect(mergedLatency([encodeLatencies(values)], "x", 0.95).percentiles).toEqual(percentilesOf(values));
    // 1000 values 0.01..10 ms: p99 is 9.9 ms, up to HdrHistogram's 0.1 % above 2.048 ms.
    const { p99 } = mergedLatency([encodeLatencies(values)], "x", 0.95).percentiles;
    expect(p99).toBeGreaterThanOrEqual(9.9);
    expect(p99).toBeLessThanOrEqual(9.9 * 1.001);
  });

  it("adds histograms instead of averaging their percentiles", () => {
    // 99 fast answers in one shard, one slow answer in the other: the p99 of both together
    // is fast, and the max is the slow one — an average of per-shard p99s would say ~50 ms.
    const fast = Array.from({ length: 99 }, () => 1);
    const merged = mergedLatency([encodeLatencies(fast), encodeLatencies([100])], "x", 0.95).percentiles;
    expect(merged.p99).toBe(1);
    expect(merged.max).toBeCloseTo(100, 1);
  });

  it("merged percentiles equal those of one histogram of every value (any split)", () => {
    const latency = fc.double({ min: 0, max: 60_000, noNaN: true });
    fc.assert(
      fc.property(fc.array(fc.array(latency, { maxLength: 60 }), { minLength: 1, maxLength: 5 }), (parts) => {
        const merged = mergedLatency(parts.map(encodeLatencies), "x", 0.95).percentiles;
        expect(merged).toEqual(percentilesOf(parts.flat()));
      }),
      { numRuns: 150 },
    );
  });

  it("an unreadable histogram is a CompareError naming the field (and the entry of a list)", () => {
    expect(() => mergedLatency(["not-a-histogram"], "rpc.activation.histogram", 0.95)).toThrow(/^rpc\.activation\.histogram is not a readable HdrHistogram/);
    try {
      mergedLatency([encodeLatencies([1]), "AAAA"], "dns.histogram", 0.95);
      expect.fail("should throw");
    } catch (err) {
      expect(err).toBeInstanceOf(CompareError);
      expect((err as CompareError).code).toBe("KMSSIM_BAD_HISTOGRAM");
      expect((err as Error).message).toMatch(/^dns\.histogram\[1\] is not a readable/);
    }
  });

  it("each percentile's interval brackets it, read from the same histogram", () => {
    const values = Array.from({ length: 2000 }, (_, k) => (k + 1) / 100);
    const { percentiles, intervals } = mergedLatency([encodeLatencies(values)], "x", 0.95);
    for (const key of ["p50", "p90", "p99"] as const) {
      expect(intervals[key].samples).toBe(2000);
      expect(intervals[key].lowMs!, key).toBeLessThanOrEqual(percentiles[key]);
      expect(intervals[key].highMs!, key).toBeGreaterThanOrEqual(percentiles[key]);
    }
    // 2,000 values: two expected beyond p99.9, too few to bound it from above; nothing beyond the max.
    expect(intervals.p999).toMatchObject({ beyond: 2, highMs: null });
    expect(intervals.max).toMatchObject({ beyond: 0, highMs: null, lowMs: percentiles.max });
  });
});
