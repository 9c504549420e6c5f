import hdr from "hdr-histogram-js";
import type { JsHistogram } from "hdr-histogram-js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countsIndexOf, DENSE_AFTER_VALUES, HIGHEST_TRACKABLE_US, LatencyRecorder, SPARSE_MAX_BUCKETS } from "../../src/results/latency-recorder.js";

function recorderOf(valuesMs: readonly number[]): LatencyRecorder {
  const r = new LatencyRecorder();
  for (const v of valuesMs) r.recordMs(v);
  return r;
}

/** The library's own histogram, same parameters, recording through its slow path. */
function libraryHistogram(): JsHistogram {
  return hdr.build({
    useWebAssembly: false,
    autoResize: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
  }) as JsHistogram;
}

/** Latencies in ms at µs resolution, from 0 up to 100 s. */
const latencyMs = fc.integer({ min: 0, max: 100_000_000 }).map((us) => us / 1000);

describe("LatencyRecorder", () => {
  it("is empty at first: count 0, every summary field 0", () => {
    const r = new LatencyRecorder();
    expect(r.count).toBe(0);
    expect(r.summary()).toEqual({ mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 });
    const back = LatencyRecorder.decode(r.encode());
    expect(back.count).toBe(0);
    expect(back.summary()).toEqual(r.summary());
  });

  it("is exact at µs resolution below 2.048 ms", () => {
    const r = recorderOf(Array.from({ length: 2000 }, (_, i) => (i + 1) / 1000)); // 1..2000 µs
    expect(r.count).toBe(2000);
    expect(r.summary()).toEqual({ mean: 1.001, p50: 1, p90: 1.8, p99: 1.98, p999: 1.998, max: 2 });
  });

  it("gives percentiles of a uniform distribution within HdrHistogram's 3-digit precision", () => {
    const n = 100_000; // 1..100000 µs, so the exact p-th percentile is p·1000 µs
    const r = recorderOf(Array.from({ length: n }, (_, i) => (i + 1) / 1000));
    const s = r.summary();
    const exact = { p50: 50, p90: 90, p99: 99, p999: 99.9, max: 100, mean: 50.0005 };
    for (const [field, value] of Object.entries(exact)) {
      const got = s[field as keyof typeof s];
      // A bucket spans at most 1/1024 of its value; reported values are its top end.
      expect(got, field).toBeGreaterThanOrEqual(value - 0.001);
      expect(got, field).toBeLessThanOrEqual(value * (1 + 1 / 1024) + 0.001);
    }
  });

  it("rounds to whole µs and clamps negative, NaN and huge latencies", () => {
    const r = recorderOf([-5, Number.NaN, -0.0001, 0.0004]);
    expect(r.count).toBe(4);
    expect(r.summary().max).toBe(0);
    const big = recorderOf([1e12, Number.POSITIVE_INFINITY]);
    expect(big.count).toBe(2);
    expect(big.summary().max).toBeGreaterThanOrEqual(HIGHEST_TRACKABLE_US / 1000);
    expect(big.summary().max).toBeLessThanOrEqual((HIGHEST_TRACKABLE_US / 1000) * (1 + 1 / 1024));
    expect(recorderOf([0.0015]).summary().max).toBe(0.002);
  });

  it("indexes every value exactly where the library does", () => {
    const lib = libraryHistogram();
    const edges = [0, 1, 2047, 2048, 2049, 4095, 4096, 2 ** 31 - 1, 2 ** 31, HIGHEST_TRACKABLE_US];
    for (const v of edges) expect(countsIndexOf(v), String(v)).toBe(lib.countsArrayIndex(v));
    fc.assert(fc.property(fc.integer({ min: 0, max: HIGHEST_TRACKABLE_US }), (v) => countsIndexOf(v) === lib.countsArrayIndex(v)));
  });

  it("encodes byte-identically to the library recording the same µs values", () => {
    fc.assert(
      fc.property(fc.array(latencyMs, { maxLength: 300 }), (values) => {
        const lib = libraryHistogram();
        for (const v of values) lib.recordValue(Math.round(v * 1000));
        expect(recorderOf(values).encode()).toBe(hdr.encodeIntoCompressedBase64(lib));
      }),
      { numRuns: 50 },
    );
  });

  it("encodes deterministically: same values in any order give the same string", () => {
    fc.assert(
      fc.property(fc.array(latencyMs, { maxLength: 300 }), (values) => {
        const a = recorderOf(values).encode();
        expect(recorderOf(values).encode()).toBe(a);
        expect(recorderOf([...values].reverse()).encode()).toBe(a);
      }),
      { numRuns: 50 },
    );
  });

  it("round-trips through decode with identical count, summary and encoding", () => {
    fc.assert(
      fc.property(fc.array(latencyMs, { maxLength: 300 }), (values) => {
        const r = recorderOf(values);
        const back = LatencyRecorder.decode(r.encode());
        expect(back.count).toBe(r.count);
        expect(back.summary()).toEqual(r.summary());
        expect(back.encode()).toBe(r.encode());
      }),
      { numRuns: 50 },
    );
  });

  it("merges exactly: a.add(b) equals recording all values in one", () => {
    fc.assert(
      fc.property(fc.array(latencyMs, { maxLength: 200 }), fc.array(latencyMs, { maxLength: 200 }), (as, bs) => {
        const merged = recorderOf(as);
        merged.add(recorderOf(bs));
        const together = recorderOf([...as, ...bs]);
        expect(merged.count).toBe(together.count);
        expect(merged.summary()).toEqual(together.summary());
        expect(merged.encode()).toBe(together.encode());
      }),
      { numRuns: 50 },
    );
  });

  it("merges what workers send: decoded histograms add up like one recorder", () => {
    const shards = [[0.5, 1.2, 3], [7.5, 0.25], [], [120.5, 0.001, 0.001]];
    const main = new LatencyRecorder();
    for (const shard of shards) main.add(LatencyRecorder.decode(recorderOf(shard).encode()));
    expect(main.encode()).toBe(recorderOf(shards.flat()).encode());
    expect(main.count).toBe(8);
  });

  it("refuses a histogram with another bucket layout", () => {
    const other = hdr.build({ useWebAssembly: false, numberOfSignificantValueDigits: 2, highestTrackableValue: 1_000_000 });
    other.recordValue(1234);
    expect(() => LatencyRecorder.decode(hdr.encodeIntoCompressedBase64(other))).toThrow(/layout/);
  });
});

describe("LatencyRecorder's sparse form (client groups' recorders)", () => {
  /** Latencies that often share a bucket (a few ms at µs resolution) mixed with any up to 100 s. */
  const clusteredMs = fc.oneof(
    latencyMs,
    fc.integer({ min: 0, max: 3000 }).map((us) => us / 1000),
  );
  /** Thresholds from "dense at once" (0) to "never dense here", so a sequence often switches halfway. */
  const sparseMax = fc.integer({ min: 0, max: 60 });
  const percentiles = fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 5 }).map((ps) => [...ps].sort((a, b) => a - b));

  function recorderWith(limit: number, valuesMs: readonly number[]): LatencyRecorder {
    const r = new LatencyRecorder(limit);
    for (const v of valuesMs) r.recordMs(v);
    return r;
  }

  /** Every answer a recorder gives about its values. */
  function answers(r: LatencyRecorder, ps: readonly number[]): unknown {
    return {
      count: r.count,
      summary: r.summary(),
      encoded: r.encode(),
      sparse: r.toSparse(),
      percentiles: r.percentilesMs(ps),
      single: ps.map((p) => r.percentileMs(p)),
      ranks: [1, 2, Math.ceil(r.count / 2), r.count, r.count + 1].map((rank) => r.valueAtRankMs(rank)),
    };
  }

  it("answers exactly like the dense recorder, whatever the values and the threshold", () => {
    fc.assert(
      fc.property(fc.array(clusteredMs, { maxLength: 150 }), sparseMax, percentiles, (values, limit, ps) => {
        expect(answers(recorderWith(limit, values), ps)).toEqual(answers(recorderWith(0, values), ps));
      }),
      { numRuns: 100 },
    );
  });

  it("adds, decodes, reads sparse pairs and resets like the dense recorder, in any mix of forms", () => {
    fc.assert(
      fc.property(
        fc.array(clusteredMs, { maxLength: 100 }),
        fc.array(clusteredMs, { maxLength: 100 }),
        fc.array(clusteredMs, { maxLength: 50 }),
        fc.tuple(sparseMax, sparseMax, sparseMax),
        percentiles,
        (as, bs, cs, [la, lb, lc], ps) => {
          const dense = recorderWith(0, [...as, ...bs, ...cs]);
          const added = recorderWith(la, as);
          added.add(recorderWith(lb, bs));
          added.addSparse(recorderWith(lc, cs).toSparse());
          expect(answers(added, ps)).toEqual(answers(dense, ps));
          expect(answers(LatencyRecorder.decode(added.encode()), ps)).toEqual(answers(dense, ps));
          // A sum of recorders in different forms ranks like the one recorder of all values.
          const parts = [recorderWith(la, as), recorderWith(lb, bs), recorderWith(lc, cs)];
          expect(LatencyRecorder.percentilesOfSumMs(parts, ps)).toEqual(dense.percentilesMs(ps));
          added.reset();
          for (const v of cs) added.recordMs(v);
          expect(answers(added, ps)).toEqual(answers(recorderWith(0, cs), ps));
        },
      ),
      { numRuns: 100 },
    );
  });

  it("stays sparse for a group's few hundred values and goes dense past the default threshold, with the same encoding", () => {
    const few = Array.from({ length: 300 }, (_, i) => 2 + (i % 97) / 1000);
    const many = Array.from({ length: SPARSE_MAX_BUCKETS + 10 }, (_, i) => (2 * i) / 1000); // one bucket each below 4.096 ms
    for (const values of [few, many]) {
      expect(recorderOf(values).encode()).toBe(recorderWith(0, values).encode());
      expect(recorderOf(values).toSparse()).toEqual(recorderWith(0, values).toSparse());
    }
    expect(recorderOf(many).toSparse().length / 2).toBeGreaterThan(SPARSE_MAX_BUCKETS);
    expect(recorderOf(few).dense).toBe(false);
    expect(recorderOf(many).dense).toBe(true);
  });

  it("goes dense once it has taken DENSE_AFTER_VALUES values, however few their buckets, with the same answers", () => {
    const values = Array.from({ length: DENSE_AFTER_VALUES + 1 }, (_, i) => 1 + (i % 3));
    const busy = new LatencyRecorder();
    for (const v of values.slice(0, DENSE_AFTER_VALUES)) busy.recordMs(v);
    expect(busy.dense).toBe(false);
    busy.recordMs(values[DENSE_AFTER_VALUES]);
    expect(busy.dense).toBe(true);
    expect(busy.toSparse()).toEqual(recorderWith(0, values).toSparse());
    expect(busy.encode()).toBe(recorderWith(0, values).encode());
    // Adding into a busy sparse recorder switches it too, keeping every count.
    const merged = recorderOf(values.slice(0, DENSE_AFTER_VALUES));
    merged.add(recorderOf([7, 7]));
    expect(merged.dense).toBe(true);
    expect(merged.toSparse()).toEqual(recorderWith(0, [...values.slice(0, DENSE_AFTER_VALUES), 7, 7]).toSparse());
  });
});
