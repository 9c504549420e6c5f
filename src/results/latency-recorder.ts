// Latency histogram in integer microseconds, HdrHistogram-compatible (3 significant digits).
//
// hdr-histogram-js's JS `recordValue` costs ~150 ns (log2, pow and a float division per
// value); a big run records ~30 million latencies, so the hot path here computes the same
// counts-array index with clz32 and shifts (~5 ns) into a plain Float64Array. The library
// builds the real histogram only for summaries and encoding, from the identical bucket
// layout, so percentiles, merge and the encoded V2 bytes are exactly HdrHistogram's.
//
// The counts array is 188 KiB, and a scenario may have 10,000 client groups with three
// recorders each, most of them holding a few hundred values: a recorder keeps its buckets
// as two short sorted arrays until it has SPARSE_MAX_BUCKETS distinct ones or has taken
// DENSE_AFTER_VALUES values (a sparse add is a binary search, ~75 ns against ~15 ns; the
// dense array is then under 3 bytes per value), and switches to the dense array for good.
// Both forms hold the same counts, so every answer is the same.

import hdr from "hdr-histogram-js";
import type { JsHistogram } from "hdr-histogram-js";
import type { LatencySummaryMs } from "./result.js";

const LOWEST_DISCERNIBLE_US = 1;
/** One hour in µs: slower answers are clamped (timeouts are far below this). */
export const HIGHEST_TRACKABLE_US = 3_600_000_000;
const SIGNIFICANT_DIGITS = 3;
/** Past this many distinct buckets the recorder goes dense: the sparse form then takes ~32 KiB of the dense 188 KiB, and an insert shifts at most this many numbers. */
export const SPARSE_MAX_BUCKETS = 2048;
/** Past this many values the recorder goes dense whatever its buckets: a busy recorder pays for its 188 KiB in speed. */
export const DENSE_AFTER_VALUES = 65_536;

function newHistogram(): JsHistogram {
  return hdr.build({
    bitBucketSize: 64, // counts of merged runs may exceed 2^32 in one bucket
    autoResize: false,
    useWebAssembly: false,
    lowestDiscernibleValue: LOWEST_DISCERNIBLE_US,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
  }) as JsHistogram;
}

// The bucket layout, read from the library so the fast index cannot drift from it.
const LAYOUT = newHistogram();
const COUNTS_LENGTH = LAYOUT.countsArrayLength;
/** log2 of half the sub-buckets per bucket (10 for 3 digits: 2048 sub-buckets). */
const HALF_MAGNITUDE = LAYOUT.subBucketHalfCountMagnitude;
/** Values up to this mask fall in bucket 0 at unit resolution. */
const SUB_BUCKET_MASK = LAYOUT.subBucketMask;
// The shifts below assume unit magnitude 0 and values that fit in 32 bits.
if (LAYOUT.unitMagnitude !== 0 || HIGHEST_TRACKABLE_US >= 2 ** 32) {
  throw new Error("latency-recorder: unexpected HdrHistogram layout");
}

/**
 * HdrHistogram counts index of a value in [0, HIGHEST_TRACKABLE_US], equal to the
 * library's `countsArrayIndex` (bucket = floor(log2(v)) − halfMagnitude, at least 0).
 */
export function countsIndexOf(us: number): number {
  const bucket = 31 - HALF_MAGNITUDE - Math.clz32(us | SUB_BUCKET_MASK);
  return (bucket << HALF_MAGNITUDE) + (us >>> bucket);
}

export class LatencyRecorder {
  /** The dense counts (188 KiB), allocated once the sparse form outgrows `sparseMaxBuckets`. */
  private counts: Float64Array | null = null;
  /** While `counts` is null: the non-empty buckets' indexes, ascending, and their counts. */
  private sparseIndexes: number[] = [];
  private sparseCounts: number[] = [];
  private total = 0;
  /** The non-empty buckets lie in [low, high]: scans of a sparse interval histogram stay short. */
  private low = COUNTS_LENGTH;
  private high = -1;

  /** `sparseMaxBuckets`: distinct buckets the sparse form may hold before going dense (0: dense from the first value). */
  constructor(private readonly sparseMaxBuckets = SPARSE_MAX_BUCKETS) {}

  /** Records one latency; rounded to whole µs, negative/NaN as 0, above 1 h as 1 h. */
  recordMs(latencyMs: number): void {
    let us = Math.round(latencyMs * 1000);
    if (!(us > 0)) us = 0;
    else if (us > HIGHEST_TRACKABLE_US) us = HIGHEST_TRACKABLE_US;
    const bucket = 31 - HALF_MAGNITUDE - Math.clz32(us | SUB_BUCKET_MASK);
    const index = (bucket << HALF_MAGNITUDE) + (us >>> bucket);
    const counts = this.counts;
    if (counts !== null) counts[index]++;
    else this.addToSparse(index, 1);
    this.total++;
    if (index < this.low) this.low = index;
    if (index > this.high) this.high = index;
  }

  /** Whether the recorder holds the dense counts array (188 KiB) rather than the sparse form. */
  get dense(): boolean {
    return this.counts !== null;
  }

  get count(): number {
    return this.total;
  }

  /**
   * Mean and percentiles in ms, rounded to µs. Percentiles and max are the highest value
   * equivalent to their bucket (HdrHistogram's convention), so they are exact below
   * 2.048 ms and at most 0.1 % high above; the same after a merge or an encode/decode.
   */
  summary(): LatencySummaryMs {
    if (this.total === 0) return { mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
    const h = this.toHistogram();
    const ms = (us: number): number => Math.round(us) / 1000;
    return {
      mean: ms(h.mean),
      p50: ms(h.getValueAtPercentile(50)),
      p90: ms(h.getValueAtPercentile(90)),
      p99: ms(h.getValueAtPercentile(99)),
      p999: ms(h.getValueAtPercentile(99.9)),
      max: ms(h.maxValue),
    };
  }

  /**
   * One percentile in ms without building the library's histogram: the same value
   * `summary()` gives (HdrHistogram's rank rule and highest equivalent value), cheap enough
   * for a progress line several times a second.
   */
  percentileMs(percentile: number): number {
    if (this.total === 0) return 0;
    const fpCount = (Math.min(percentile, 100) / 100) * this.total;
    return this.valueAtRankMs(Math.max(Math.ceil(fpCount - ulp(fpCount)), 1));
  }

  /** The `rank`-th smallest recorded value (1-based) in ms, as its bucket's highest equivalent value; 0 when empty. */
  valueAtRankMs(rank: number): number {
    let seen = 0;
    const counts = this.counts;
    if (counts === null) {
      for (let k = 0; k < this.sparseIndexes.length; k++) {
        seen += this.sparseCounts[k];
        if (seen >= rank) return Math.round(highestEquivalentUs(this.sparseIndexes[k])) / 1000;
      }
      return 0;
    }
    for (let i = 0; i < COUNTS_LENGTH; i++) {
      seen += counts[i];
      if (seen >= rank) return Math.round(highestEquivalentUs(i)) / 1000;
    }
    return 0;
  }

  /**
   * Several percentiles in ms in one pass over the buckets (`percentiles` ascending), each
   * the value `percentileMs` gives: a timeline sample reads three per interval.
   */
  percentilesMs(percentiles: readonly number[]): number[] {
    return LatencyRecorder.percentilesOfSumMs([this], percentiles);
  }

  /** `percentilesMs` of the recorders added together, without adding them. */
  static percentilesOfSumMs(recorders: readonly LatencyRecorder[], percentiles: readonly number[]): number[] {
    const out = percentiles.map(() => 0);
    const total = recorders.reduce((a, r) => a + r.total, 0);
    if (total === 0) return out;
    const ranks = percentiles.map((p) => {
      const fpCount = (Math.min(p, 100) / 100) * total;
      return Math.max(Math.ceil(fpCount - ulp(fpCount)), 1);
    });
    const low = Math.min(...recorders.map((r) => r.low));
    const high = Math.max(...recorders.map((r) => r.high));
    // Each sparse recorder has a cursor into its sorted indexes; with no dense recorder the
    // scan jumps straight to the next non-empty bucket.
    const cursors = recorders.map(() => 0);
    let seen = 0;
    let next = 0;
    for (let i = low; i <= high && next < ranks.length;) {
      let following = high + 1;
      for (let r = 0; r < recorders.length; r++) {
        const rec = recorders[r];
        if (rec.counts !== null) {
          seen += rec.counts[i];
          following = i + 1;
          continue;
        }
        const indexes = rec.sparseIndexes;
        let k = cursors[r];
        if (k < indexes.length && indexes[k] === i) seen += rec.sparseCounts[k++];
        cursors[r] = k;
        if (k < indexes.length && indexes[k] < following) following = indexes[k];
      }
      while (next < ranks.length && seen >= ranks[next]) out[next++] = Math.round(highestEquivalentUs(i)) / 1000;
      i = following;
    }
    return out;
  }

  /** Forgets every value (a per-interval recorder starts each interval empty). */
  reset(): void {
    if (this.counts !== null && this.high >= this.low) this.counts.fill(0, this.low, this.high + 1);
    this.sparseIndexes.length = 0;
    this.sparseCounts.length = 0;
    this.total = 0;
    this.low = COUNTS_LENGTH;
    this.high = -1;
  }

  /**
   * The non-empty buckets as flat [index, count, index, count …] pairs: a few hundred
   * numbers to post to another thread instead of the 23,552-bucket array.
   */
  toSparse(): number[] {
    const pairs: number[] = [];
    const counts = this.counts;
    if (counts === null) {
      for (let k = 0; k < this.sparseIndexes.length; k++) pairs.push(this.sparseIndexes[k], this.sparseCounts[k]);
      return pairs;
    }
    for (let i = this.low; i <= this.high; i++) if (counts[i] !== 0) pairs.push(i, counts[i]);
    return pairs;
  }

  /** Adds pairs written by `toSparse` (exact: same bucket layout). */
  addSparse(pairs: readonly number[]): void {
    for (let k = 0; k + 1 < pairs.length; k += 2) {
      const index = pairs[k];
      if (!(Number.isInteger(index) && index >= 0 && index < COUNTS_LENGTH)) continue;
      this.addAt(index, pairs[k + 1]);
    }
  }

  /** Compressed base64, HdrHistogram V2 format: the same values give the same string. */
  encode(): string {
    if (this.total === 0) return (emptyEncoded ??= hdr.encodeIntoCompressedBase64(newHistogram()));
    return hdr.encodeIntoCompressedBase64(this.toHistogram());
  }

  /** Adds every value recorded in `other` (exact: same bucket layout). */
  add(other: LatencyRecorder): void {
    const theirs = other.counts;
    if (theirs === null) {
      for (let k = 0; k < other.sparseIndexes.length; k++) this.addAt(other.sparseIndexes[k], other.sparseCounts[k]);
      return;
    }
    for (let i = other.low; i <= other.high; i++) {
      if (theirs[i] !== 0) this.addAt(i, theirs[i]);
    }
  }

  /** Adds `n` values in bucket `index`, in whichever form the recorder is. */
  private addAt(index: number, n: number): void {
    if (n === 0) return;
    if (this.counts !== null) this.counts[index] += n;
    else this.addToSparse(index, n);
    this.total += n;
    if (index < this.low) this.low = index;
    if (index > this.high) this.high = index;
  }

  /** The sparse form's add (`counts` is null); goes dense past `sparseMaxBuckets` buckets or DENSE_AFTER_VALUES values. Leaves total, low and high to the caller. */
  private addToSparse(index: number, n: number): void {
    if (this.total >= DENSE_AFTER_VALUES) {
      this.goDense()[index] += n;
      return;
    }
    const indexes = this.sparseIndexes;
    // Binary search for the first stored index >= index.
    let lo = 0;
    let hi = indexes.length;
    if (hi > 0 && indexes[hi - 1] < index) lo = hi;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (indexes[mid] < index) lo = mid + 1;
      else hi = mid;
    }
    if (lo < indexes.length && indexes[lo] === index) {
      this.sparseCounts[lo] += n;
      return;
    }
    if (indexes.length < this.sparseMaxBuckets) {
      indexes.splice(lo, 0, index);
      this.sparseCounts.splice(lo, 0, n);
      return;
    }
    this.goDense()[index] += n;
  }

  /** Moves the sparse counts into the dense array, for good; returns it. */
  private goDense(): Float64Array {
    const counts = new Float64Array(COUNTS_LENGTH);
    for (let k = 0; k < this.sparseIndexes.length; k++) counts[this.sparseIndexes[k]] = this.sparseCounts[k];
    this.counts = counts;
    this.sparseIndexes = [];
    this.sparseCounts = [];
    return counts;
  }

  /** Reads a histogram written by `encode` (or any V2 histogram with the same layout). */
  /**
   * Several encoded histograms (shards, workers, files) added bucket by bucket.
   * `unreadable(index, error)` turns one that cannot be decoded into the caller's error.
   */
  static sumOf(encoded: readonly string[], unreadable: (index: number, error: unknown) => Error): LatencyRecorder {
    const sum = new LatencyRecorder();
    encoded.forEach((base64, index) => {
      let part: LatencyRecorder;
      try {
        part = LatencyRecorder.decode(base64);
      } catch (error) {
        throw unreadable(index, error);
      }
      sum.add(part);
    });
    return sum;
  }

  static decode(base64: string): LatencyRecorder {
    const h = hdr.decodeFromCompressedBase64(base64, 64, false) as JsHistogram;
    if (h.unitMagnitude !== LAYOUT.unitMagnitude || h.subBucketHalfCountMagnitude !== HALF_MAGNITUDE) {
      throw new Error(
        `histogram layout differs (lowest ${h.lowestDiscernibleValue}, ${h.numberOfSignificantValueDigits} digits); ` +
          `expected lowest ${LOWEST_DISCERNIBLE_US}, ${SIGNIFICANT_DIGITS} digits`,
      );
    }
    const recorder = new LatencyRecorder();
    const limit = Math.min(h.countsArrayLength, COUNTS_LENGTH);
    for (let i = 0; i < h.countsArrayLength; i++) {
      const c = h.getCountAtIndex(i);
      if (c === 0) continue;
      // Same layout: indexes agree; a value beyond our range is clamped like recordMs does.
      const index = i < limit ? i : countsIndexOf(HIGHEST_TRACKABLE_US);
      recorder.addAt(index, c);
    }
    return recorder;
  }

  private toHistogram(): JsHistogram {
    const h = newHistogram();
    const counts = this.counts;
    if (counts === null) {
      for (let k = 0; k < this.sparseIndexes.length; k++) h.setCountAtIndex(this.sparseIndexes[k], this.sparseCounts[k]);
    }
    for (let i = this.low; counts !== null && i <= this.high; i++) {
      if (counts[i] !== 0) h.setCountAtIndex(i, counts[i]);
    }
    h.establishInternalTackingValues();
    return h;
  }
}

/** The encoding of a histogram with no values (the same for every one: computed once). */
let emptyEncoded: string | undefined;

/** The highest value that counts at index `i` (the library's valueFromIndex, then highestEquivalentValue). */
function highestEquivalentUs(i: number): number {
  const halfCount = 1 << HALF_MAGNITUDE;
  let bucket = Math.floor(i / halfCount) - 1;
  let sub = (i % halfCount) + halfCount;
  if (bucket < 0) {
    sub -= halfCount;
    bucket = 0;
  }
  return sub * 2 ** bucket + 2 ** bucket - 1;
}

/** The gap to the next double above x, as the library computes it (it rounds its percentile rank with it). */
function ulp(x: number): number {
  return 2 ** (Math.floor(Math.log2(x)) - 52);
}
