// Per-interval client-side numbers: the recorder's one-pass percentiles, reset and sparse
// copies, the interval tally, and the timeline samples built from them.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IntervalTally } from "../../src/results/interval-tally.js";
import { LatencyRecorder } from "../../src/results/latency-recorder.js";
import { TimelineRecorder } from "../../src/results/timeline-recorder.js";

const latencies = fc.array(fc.double({ min: 0, max: 60_000, noNaN: true }), { maxLength: 300 });
const PERCENTILES = [50, 95, 99];

function recorderOf(values: readonly number[]): LatencyRecorder {
  const r = new LatencyRecorder();
  for (const v of values) r.recordMs(v);
  return r;
}

describe("LatencyRecorder for intervals", () => {
  it("percentilesMs and percentilesOfSumMs equal percentileMs of one recorder holding everything", () => {
    fc.assert(
      fc.property(latencies, latencies, (a, b) => {
        const all = recorderOf([...a, ...b]);
        const expected = PERCENTILES.map((p) => all.percentileMs(p));
        expect(all.percentilesMs(PERCENTILES)).toEqual(expected);
        expect(LatencyRecorder.percentilesOfSumMs([recorderOf(a), recorderOf(b)], PERCENTILES)).toEqual(expected);
      }),
    );
  });

  it("reset empties it for the next interval; a sparse copy adds up to the same histogram", () => {
    fc.assert(
      fc.property(latencies, latencies, (first, second) => {
        const r = recorderOf(first);
        r.reset();
        expect(r.count).toBe(0);
        expect(r.percentilesMs(PERCENTILES)).toEqual([0, 0, 0]);
        for (const v of second) r.recordMs(v);
        expect(r.encode()).toBe(recorderOf(second).encode());
        const copy = new LatencyRecorder();
        copy.addSparse(r.toSparse());
        expect(copy.encode()).toBe(r.encode());
        expect(copy.count).toBe(second.length);
      }),
    );
  });
});

describe("IntervalTally", () => {
  it("counts failures per endpoint and kind, and crosses threads as a wire without loss", () => {
    const tally = new IntervalTally(2);
    tally.record(false, 0, 0, 2);
    tally.record(false, 1, 0x800706ba, 5000);
    tally.record(true, 1, 0x800706ba, 5000);
    tally.record(true, 3, 0xc004f038, 1); // an endpoint the plan did not know
    tally.record(true, -1, 0x800706ba, 3); // no endpoint at all
    expect([tally.failedActivations, tally.failedRenewals]).toEqual([1, 3]);
    expect(tally.failedBy).toEqual([0, 2, 0, 1]);
    const copy = new IntervalTally(0);
    copy.addWire(structuredClone(tally.toWire()));
    expect(copy.toWire()).toEqual(tally.toWire());
    tally.reset();
    expect(tally.toWire()).toEqual({ activation: [], renewal: [], failedActivations: 0, failedRenewals: 0, failedBy: [0, 0, 0, 0] });
  });
});

describe("TimelineRecorder with the clients' side", () => {
  it("writes each interval's counts and percentiles, and adds late answers into the last sample", () => {
    const recorder = new TimelineRecorder(["kms1", null, "kms2"]);
    const tally = new IntervalTally(3);
    for (let k = 0; k < 100; k++) tally.record(false, 0, 0, 1 + k / 100);
    for (let k = 0; k < 10; k++) tally.record(true, 2, 0x800706ba, 5000);
    tally.record(true, 1, 0x800706ba, 7); // to the endpoint that is no host: counted, not per host
    recorder.take({ nowMs: 3_600_000, activated: 1, licensed: 1 }, [100, 1, 10], [0, 0, 0], tally);
    const first = recorder.samples[0];
    // 1.00 … 1.99 ms (exact below 2.048 ms): the p-th percentile is the value of rank p.
    const rank = (p: number): number => 1 + (p - 1) / 100;
    expect(first.rpc!.activation).toEqual({ completed: 100, failed: 0, latencyMs: { p50: rank(50), p95: rank(95), p99: rank(99) } });
    expect(first.rpc!.renewal.completed).toBe(11);
    expect(first.rpc!.renewal.failed).toBe(11);
    expect(first.rpc!.all.completed).toBe(111);
    expect(first.rpc!.all.latencyMs!.p99).toBeGreaterThanOrEqual(5000);
    expect(first.hostErrors).toEqual({ kms1: 0, kms2: 10 });
    expect(first.latencyHistograms).toBeUndefined();

    // The next interval: nothing completed, so no percentiles (a gap, not a 0).
    tally.reset();
    recorder.take({ nowMs: 7_200_000, activated: 1, licensed: 1 }, [100, 1, 10], [0, 0, 0], tally);
    expect(recorder.samples[1].rpc!.all).toEqual({ completed: 0, failed: 0 });

    // Late answers join the last interval: its percentiles are of both parts.
    const late = new IntervalTally(3);
    late.record(false, 2, 0x800706ba, 9000);
    recorder.addToLast({ activated: 1, licensed: 1 }, [100, 1, 11], [0, 0, 0], late);
    expect(recorder.samples[1].rpc!.all).toEqual({ completed: 1, failed: 1, latencyMs: expect.objectContaining({ p50: expect.any(Number) }) });
    expect(recorder.samples[1].rpc!.all.latencyMs!.p50).toBeGreaterThanOrEqual(9000);
    expect(recorder.samples[1].hostErrors).toEqual({ kms1: 0, kms2: 1 });
  });

  it("keeps the interval histograms for a shard, so merge can add them", () => {
    const recorder = new TimelineRecorder(["kms1"], true);
    const tally = new IntervalTally(1);
    tally.record(false, 0, 0, 3);
    recorder.take({ nowMs: 1000, activated: 0, licensed: 0 }, [1], [0], tally);
    const h = recorder.samples[0].latencyHistograms!;
    expect(LatencyRecorder.decode(h.activation!).count).toBe(1);
    expect(h.renewal).toBeUndefined();
  });
});
