// Fixed-bucket latency counts for the live metrics (--metrics-port): a worker records
// into a typed array on its hot path and sends the counts with its progress; the main
// thread adds the workers' counts bucket by bucket (exact) and exposes them as a
// Prometheus histogram. The result's HdrHistograms are kept apart from these.

/** Upper bounds (ms) of the buckets; one more bucket holds everything slower. */
export const LIVE_LATENCY_BOUNDS_MS: readonly number[] = [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

/** Per-bucket (not cumulative) counts, the last one above the largest bound; sum in ms. */
export interface LatencyBucketsWire {
  counts: number[];
  sumMs: number;
}

export class LatencyBuckets {
  /** counts[k]: observations in (bounds[k-1], bounds[k]]; the last: above every bound. */
  readonly counts = new Float64Array(LIVE_LATENCY_BOUNDS_MS.length + 1);
  sumMs = 0;

  record(latencyMs: number): void {
    const bounds = LIVE_LATENCY_BOUNDS_MS;
    let k = 0;
    while (k < bounds.length && latencyMs > bounds[k]) k++;
    this.counts[k]++;
    this.sumMs += latencyMs;
  }

  get count(): number {
    let n = 0;
    for (const c of this.counts) n += c;
    return n;
  }

  toWire(): LatencyBucketsWire {
    return { counts: Array.from(this.counts), sumMs: this.sumMs };
  }

  /** Adds another worker's counts (exact: same bounds everywhere). */
  addWire(wire: LatencyBucketsWire): void {
    if (wire.counts.length !== this.counts.length) throw new RangeError(`latency buckets: expected ${this.counts.length} counts, got ${wire.counts.length}`);
    wire.counts.forEach((n, k) => (this.counts[k] += n));
    this.sumMs += wire.sumMs;
  }

  /** Prometheus `le` counts: observations ≤ each bound, then +Inf (= count). */
  cumulative(): number[] {
    const out: number[] = [];
    let running = 0;
    for (const c of this.counts) out.push((running += c));
    return out;
  }
}
