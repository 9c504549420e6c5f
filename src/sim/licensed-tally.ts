// How many clients are licensed at each timeline sample, kept incrementally: a full
// scan of a million client records per sample would cost more than the simulation itself.
// Bucket j holds clients whose activation is valid until a time in (T[j-1], T[j]]
// (T = the sample times, T[-1] = -∞, one overflow bucket after the last); licensed at
// T[s] means valid until after T[s], i.e. in a bucket j > s.

export class LicensedTally {
  private readonly counts: Float64Array;
  /** The bucket found last: validity ends move forward with the clock, so the next is nearly always it or the one after. */
  private lastBucket = 0;

  constructor(private readonly sampleTimesMs: readonly number[]) {
    this.counts = new Float64Array(sampleTimesMs.length + 1);
  }

  /** A client's validity moved from `oldUntilMs` (0 = never activated) to `newUntilMs`. */
  move(oldUntilMs: number, newUntilMs: number): void {
    if (oldUntilMs > 0) this.counts[this.bucketOf(oldUntilMs)]--;
    this.counts[this.bucketOf(newUntilMs)]++;
  }

  /** Clients licensed at sample `sampleIndex`. */
  licensedAtSample(sampleIndex: number): number {
    let n = 0;
    for (let j = sampleIndex + 1; j < this.counts.length; j++) n += this.counts[j];
    return n;
  }

  /** First bucket whose sample time is ≥ untilMs. */
  private bucketOf(untilMs: number): number {
    const times = this.sampleTimesMs;
    const guess = this.lastBucket;
    if ((guess === 0 || times[guess - 1] < untilMs) && (guess === times.length || untilMs <= times[guess])) return guess;
    if (guess < times.length && times[guess] < untilMs && (guess + 1 === times.length || untilMs <= times[guess + 1])) return (this.lastBucket = guess + 1);
    return (this.lastBucket = this.search(untilMs));
  }

  /** First bucket whose sample time is ≥ untilMs (binary search). */
  private search(untilMs: number): number {
    let lo = 0;
    let hi = this.sampleTimesMs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sampleTimesMs[mid] < untilMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
