import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LatencyRecorder } from "../../src/results/latency-recorder.js";
import { decodeHistogram, percentileSeries, percentileSeriesOf } from "../../src/report/percentile-series.js";
import { percentileToX } from "../../src/report/scales.js";
import { histogramOf } from "./fixtures.js";

function recorderOf(valuesMs: readonly number[]): LatencyRecorder {
  const r = new LatencyRecorder();
  for (const v of valuesMs) r.recordMs(v);
  return r;
}

describe("percentileSeries", () => {
  it("follows the histogram: p50 as the summary says, the curve ends at the maximum at x = log10(count)", () => {
    const values = Array.from({ length: 1000 }, (_, k) => (k + 1) / 4); // 0.25 .. 250 ms
    const summary = recorderOf(values).summary();
    const series = percentileSeriesOf(histogramOf(values));
    expect(series).not.toBeNull();
    const s = series!;
    expect(s.count).toBe(1000);
    expect(s.points[0]).toMatchObject({ percentile: 0, x: 0 });
    const p50 = s.points.find((p) => p.percentile === 50);
    expect(p50?.valueMs).toBe(summary.p50);
    const last = s.points[s.points.length - 1];
    expect(last.valueMs).toBe(summary.max);
    expect(last.x).toBeCloseTo(3, 9); // log10(1000)
    expect(s.maxMs).toBe(summary.max);
  });

  it("shows a tail: 1 % of timeouts lift the curve only past 99 %", () => {
    const values = [...Array.from({ length: 990 }, () => 2), ...Array.from({ length: 10 }, () => 5000)];
    const s = percentileSeriesOf(histogramOf(values))!;
    const below99 = s.points.filter((p) => p.percentile < 98.9);
    const above99 = s.points.filter((p) => p.percentile > 99.05);
    expect(below99.length).toBeGreaterThan(10);
    expect(Math.max(...below99.map((p) => p.valueMs))).toBeLessThan(2.01);
    expect(Math.min(...above99.map((p) => p.valueMs))).toBeGreaterThan(4990);
  });

  it("has no points for an empty histogram and null for text that is not a histogram", () => {
    expect(percentileSeries(decodeHistogram(new LatencyRecorder().encode()))).toEqual({ count: 0, maxMs: 0, points: [] });
    expect(percentileSeriesOf("not a histogram")).toBeNull();
    expect(percentileSeriesOf("")).toBeNull();
  });

  it("a single value is one point at 0 % (its bucket's highest equivalent value, like the summary's max)", () => {
    const s = percentileSeriesOf(histogramOf([3]))!;
    expect(s.points).toEqual([{ percentile: 0, x: 0, valueMs: recorderOf([3]).summary().max }]);
    expect(s.points[0].valueMs).toBeCloseTo(3, 2);
  });

  it("for any latencies: x rises, values never fall, the last point is the max, count is kept", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 60_000, noNaN: true }), { minLength: 1, maxLength: 400 }), (values) => {
        const recorder = recorderOf(values);
        const s = percentileSeries(decodeHistogram(recorder.encode()));
        expect(s.count).toBe(values.length);
        for (let k = 1; k < s.points.length; k++) {
          expect(s.points[k].x).toBeGreaterThan(s.points[k - 1].x);
          expect(s.points[k].valueMs).toBeGreaterThanOrEqual(s.points[k - 1].valueMs);
          expect(s.points[k].x).toBeCloseTo(percentileToX(s.points[k].percentile), 9);
        }
        const last = s.points[s.points.length - 1];
        expect(last.x).toBeCloseTo(Math.log10(values.length), 9);
        expect(last.valueMs).toBe(recorder.summary().max);
      }),
      { numRuns: 150 },
    );
  });
});
