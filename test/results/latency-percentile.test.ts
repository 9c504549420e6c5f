// percentileMs serves the live progress line without building the library's histogram; it
// must give exactly what summary() (HdrHistogram's getValueAtPercentile) gives.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LatencyRecorder } from "../../src/results/latency-recorder.js";

describe("LatencyRecorder.percentileMs", () => {
  it("equals summary()'s p50, p90, p99, p999 and max for any recorded latencies", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 4_000_000, noNaN: true }), { minLength: 1, maxLength: 400 }), (latencies) => {
        const recorder = new LatencyRecorder();
        latencies.forEach((ms) => recorder.recordMs(ms));
        const s = recorder.summary();
        expect([50, 90, 99, 99.9, 100].map((p) => recorder.percentileMs(p))).toEqual([s.p50, s.p90, s.p99, s.p999, s.max]);
      }),
    );
  });

  it("is 0 when nothing was recorded", () => {
    expect(new LatencyRecorder().percentileMs(99)).toBe(0);
  });
});
