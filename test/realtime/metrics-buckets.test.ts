// Live metrics, worker side: fixed latency buckets and RPC outcome counts as a fleet
// driver records them and the main thread adds them up.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LatencyBuckets, LIVE_LATENCY_BOUNDS_MS } from "../../src/realtime/live-metrics/latency-buckets.js";
import { emptyLiveRpcWire, LiveRpcCounts, mergeLiveRpc } from "../../src/realtime/live-metrics/live-rpc-counts.js";

const latencyMs = fc.oneof(fc.double({ min: 0, max: 20_000, noNaN: true }), fc.constantFrom(...LIVE_LATENCY_BOUNDS_MS));

/** Observations ≤ bound, counted directly: what a Prometheus `le` bucket must hold. */
function countAtMost(values: readonly number[], bound: number): number {
  return values.filter((v) => v <= bound).length;
}

describe("LatencyBuckets", () => {
  it("puts a value on a bound into that bound's bucket (le is inclusive)", () => {
    const b = new LatencyBuckets();
    b.record(1);
    b.record(1.0001);
    b.record(10_001);
    const cumulative = b.cumulative();
    expect(cumulative[LIVE_LATENCY_BOUNDS_MS.indexOf(1)]).toBe(1);
    expect(cumulative[LIVE_LATENCY_BOUNDS_MS.indexOf(2)]).toBe(2);
    expect(cumulative[LIVE_LATENCY_BOUNDS_MS.length - 1]).toBe(2);
    expect(cumulative[LIVE_LATENCY_BOUNDS_MS.length]).toBe(3);
    expect(b.sumMs).toBeCloseTo(10_003.0001, 6);
  });

  it("cumulative counts equal the observations at or below each bound, ending with the count", () => {
    fc.assert(
      fc.property(fc.array(latencyMs, { maxLength: 200 }), (values) => {
        const b = new LatencyBuckets();
        values.forEach((v) => b.record(v));
        const cumulative = b.cumulative();
        LIVE_LATENCY_BOUNDS_MS.forEach((bound, k) => expect(cumulative[k]).toBe(countAtMost(values, bound)));
        expect(cumulative[cumulative.length - 1]).toBe(values.length);
        expect(b.count).toBe(values.length);
      }),
    );
  });

  it("merging workers' buckets equals recording everything in one place", () => {
    fc.assert(
      fc.property(fc.array(fc.array(latencyMs, { maxLength: 50 }), { maxLength: 6 }), (parts) => {
        const merged = new LatencyBuckets();
        parts.forEach((values) => {
          const worker = new LatencyBuckets();
          values.forEach((v) => worker.record(v));
          merged.addWire(worker.toWire());
        });
        const single = new LatencyBuckets();
        parts.flat().forEach((v) => single.record(v));
        expect(Array.from(merged.counts)).toEqual(Array.from(single.counts));
        expect(merged.sumMs).toBeCloseTo(single.sumMs, 3);
      }),
    );
  });

  it("refuses counts of another bucket layout", () => {
    expect(() => new LatencyBuckets().addWire({ counts: [1, 2], sumMs: 0 })).toThrow(RangeError);
  });
});

const outcome = fc.record({
  renewal: fc.boolean(),
  // -1: no host; past the planned endpoints: a host DNS named later.
  host: fc.integer({ min: -1, max: 5 }),
  status: fc.constantFrom(0, 0xc004f038, 0x800706ba, 0xc004f06c),
  latencyMs,
});
type Outcome = { renewal: boolean; host: number; status: number; latencyMs: number };
const key = (kind: number, host: number, status: number): string => `${kind}|${host}|${status}`;

function directCounts(outcomes: readonly Outcome[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(key(o.renewal ? 1 : 0, o.host, o.status), (counts.get(key(o.renewal ? 1 : 0, o.host, o.status)) ?? 0) + 1);
  return counts;
}

describe("LiveRpcCounts", () => {
  it("counts every outcome under its kind, host and status, across table growth and workers", () => {
    fc.assert(
      fc.property(fc.array(fc.array(outcome, { maxLength: 60 }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 3 }), (workers, endpoints) => {
        const wires = workers.map((outcomes) => {
          const live = new LiveRpcCounts(endpoints);
          outcomes.forEach((o) => live.record(o.renewal, o.host, o.status, o.latencyMs));
          return live.toWire({ ok: 0, errors: new Map() });
        });
        const merged = mergeLiveRpc(wires);
        const got = new Map([...merged.rpc].map(([k, e]) => [k, e.count]));
        expect(got).toEqual(directCounts(workers.flat()));
        for (const [k, e] of merged.rpc) expect(k).toBe(key(e.kind === "renewal" ? 1 : 0, e.host, e.status));
        // The histogram of a (kind, host) counts exactly that pair's outcomes, and only pairs seen have one.
        const pairs = new Map<string, number>();
        for (const o of workers.flat()) pairs.set(`${o.renewal ? 1 : 0}|${o.host}`, (pairs.get(`${o.renewal ? 1 : 0}|${o.host}`) ?? 0) + 1);
        const histograms = new Map([...merged.latency].map(([k, e]) => [k, e.buckets.count]));
        expect(histograms).toEqual(pairs);
        for (const [k, e] of merged.latency) expect(k).toBe(`${e.kind === "renewal" ? 1 : 0}|${e.host}`);
      }),
    );
  });

  it("sends DNS outcomes as (status, count) pairs, answered as status 0", () => {
    const wire = new LiveRpcCounts(2).toWire({ ok: 7, errors: new Map([[0x8007232b, 2]]) });
    expect(wire.dns).toEqual([0, 7, 0x8007232b, 2]);
    const merged = mergeLiveRpc([wire, wire, emptyLiveRpcWire()]);
    expect([...merged.dns]).toEqual([
      [0, 14],
      [0x8007232b, 4],
    ]);
  });

  it("sends only non-zero counts, four numbers each", () => {
    const live = new LiveRpcCounts(3);
    live.record(false, 1, 0, 3);
    live.record(false, 1, 0, 4);
    live.record(true, 2, 0xc004f038, 5);
    expect(live.toWire({ ok: 0, errors: new Map() }).rpc).toEqual([0, 1, 0, 2, 1, 2, 0xc004f038, 1]);
  });
});
