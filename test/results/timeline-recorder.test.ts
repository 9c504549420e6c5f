// The timeline recorder both drivers use: per-interval counts that add up to the run's,
// and each sample's spread measured on its own counts (also after late counts are added).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { spreadOfCounts } from "../../src/core/metrics/spread.js";
import { TimelineRecorder } from "../../src/results/timeline-recorder.js";

const ENDPOINTS = 4;
const interval = fc.record({
  requests: fc.array(fc.nat(50), { minLength: ENDPOINTS, maxLength: ENDPOINTS }),
  expected: fc.array(fc.double({ min: 0, max: 50, noNaN: true }), { minLength: ENDPOINTS, maxLength: ENDPOINTS }),
});

/** Feeds the intervals (the last one, optionally, as late counts folded into the sample before). */
function record(names: (string | null)[], intervals: { requests: number[]; expected: number[] }[], foldLast: boolean): TimelineRecorder {
  const recorder = new TimelineRecorder(names);
  const soFar = new Array<number>(ENDPOINTS).fill(0);
  intervals.forEach(({ requests, expected }, k) => {
    requests.forEach((n, h) => (soFar[h] += n));
    if (foldLast && k > 0 && k === intervals.length - 1) recorder.addToLast({ activated: k, licensed: k }, soFar, expected);
    else recorder.take({ nowMs: (k + 1) * 1000, activated: k, licensed: k }, soFar, expected);
  });
  return recorder;
}

describe("TimelineRecorder", () => {
  it("adds up to the requests since the start and the expected requests fed in, host by host", () => {
    fc.assert(
      fc.property(fc.array(interval, { minLength: 1, maxLength: 8 }), fc.boolean(), (intervals, foldLast) => {
        const names = ["a", null, "c", "d"];
        const samples = record(names, intervals, foldLast).samples;
        names.forEach((name, h) => {
          if (name === null) {
            for (const s of samples) expect(Object.keys(s.hostRequests)).toEqual(["a", "c", "d"]);
            return;
          }
          const requests = samples.reduce((sum, s) => sum + s.hostRequests[name], 0);
          const expected = samples.reduce((sum, s) => sum + (s.hostExpected?.[name] ?? 0), 0);
          expect(requests).toBe(intervals.reduce((sum, i) => sum + i.requests[h], 0));
          expect(expected).toBeCloseTo(
            intervals.reduce((sum, i) => sum + i.expected[h], 0),
            9,
          );
        });
      }),
    );
  });

  it("measures each sample's spread on its own counts, late counts included", () => {
    fc.assert(
      fc.property(fc.array(interval, { minLength: 2, maxLength: 6 }), fc.boolean(), (intervals, foldLast) => {
        const samples = record(["a", "b", "c", "d"], intervals, foldLast).samples;
        expect(samples).toHaveLength(foldLast ? intervals.length - 1 : intervals.length);
        for (const s of samples) expect(s.spread).toEqual(spreadOfCounts(Object.values(s.hostRequests), Object.values(s.hostExpected ?? {})));
      }),
    );
  });

  it("adds a realtime sample's clock rate, and nothing for a virtual one", () => {
    const recorder = new TimelineRecorder(["a"]);
    recorder.take({ nowMs: 1000, activated: 1, licensed: 1 }, [3], [3]);
    recorder.take({ nowMs: 2000, activated: 1, licensed: 1, timeScale: 600 }, [5], [2]);
    expect(recorder.samples.map((s) => s.timeScale)).toEqual([undefined, 600]);
    expect(Object.keys(recorder.samples[0])).toEqual(["t", "activated", "licensed", "hostRequests", "hostExpected", "spread"]);
  });
});
