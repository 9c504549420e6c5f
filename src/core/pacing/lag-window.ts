// Send lag of the requests of one short window (a worker's progress period), in
// quarter-octave buckets (at most 19 % wide): cheap on the hot path, and close enough to
// steer the clock by the window's p99.

const PER_OCTAVE = 4;
/** Lags under 2^-3 ms share bucket 0; the top bucket holds 2^16 ms (65 s) and more. */
const LOWEST_LOG2 = -3;
const BUCKETS = (16 - LOWEST_LOG2) * PER_OCTAVE + 1;

export class LagWindow {
  private readonly counts = new Uint32Array(BUCKETS);
  private total = 0;

  record(lagMs: number): void {
    // Stryker disable next-line EqualityOperator: `>=`: log2(0) is -Infinity, which the clamp below puts in bucket 0 as well (this also silences `<=`, which the tests kill)
    const k = lagMs > 0 ? Math.floor((Math.log2(lagMs) - LOWEST_LOG2) * PER_OCTAVE) + 1 : 0;
    // Stryker disable next-line ArithmeticOperator: a lag written past the top bucket is dropped from counts but kept in total, and percentileMs gives its ranks the top bucket's bound all the same
    this.counts[Math.max(0, Math.min(BUCKETS - 1, k))]++;
    this.total++;
  }

  get count(): number {
    return this.total;
  }

  /** An upper bound of the p-th percentile (0–100) in ms, at most 19 % high; 0 when empty. */
  percentileMs(p: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    let k = 0;
    // Stryker disable next-line ArithmeticOperator: subarray stops at the array's end, and a pass over the top bucket returns its bound, as the line after the loop does
    for (const count of this.counts.subarray(0, BUCKETS - 1)) {
      seen += count;
      if (seen >= rank) return upperBoundMs(k);
      k++;
    }
    // A rank not reached below the top bucket is in it (or past the count, for p over 100).
    return upperBoundMs(BUCKETS - 1);
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
  }
}

/** The top of bucket k (bucket 0: 2^-3 ms). */
function upperBoundMs(k: number): number {
  return 2 ** (LOWEST_LOG2 + k / PER_OCTAVE);
}
