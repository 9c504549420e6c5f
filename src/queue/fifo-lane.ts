// A run of events already in (time, sequence) order: a ring buffer over typed arrays,
// appended at the tail and taken from the head. A fleet's timers mostly share one delay
// (every renewal is due 7 days after the answer, every retry 2 hours after the failure),
// and the clock never goes back, so events pushed with the same delay arrive sorted:
// they need no heap at all.

export class FifoLane {
  private times: Float64Array;
  private seqs: Uint32Array;
  private payloads: Uint32Array;
  private head = 0;
  private count = 0;

  /** The delay this lane was opened for (rounded ms; only a routing hint, order is checked). */
  readonly delayKeyMs: number;

  constructor(delayKeyMs: number, initialCapacity = 1024) {
    this.delayKeyMs = delayKeyMs;
    // A power of two, so the ring wraps with a mask.
    let capacity = 16;
    while (capacity < initialCapacity) capacity *= 2;
    this.times = new Float64Array(capacity);
    this.seqs = new Uint32Array(capacity);
    this.payloads = new Uint32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Time of the head; only when size > 0. */
  headTime(): number {
    return this.times[this.head];
  }

  headSeq(): number {
    return this.seqs[this.head];
  }

  /** Whether an event at `timeMs` can go at the tail without breaking the order. */
  accepts(timeMs: number): boolean {
    return this.count === 0 || this.times[(this.head + this.count - 1) & (this.times.length - 1)] <= timeMs;
  }

  /** Appends at the tail; the caller has checked `accepts` and gives a sequence number above every one inside. */
  append(timeMs: number, seq: number, payload: number): void {
    if (this.count === this.times.length) this.grow();
    const k = (this.head + this.count) & (this.times.length - 1);
    this.times[k] = timeMs;
    this.seqs[k] = seq;
    this.payloads[k] = payload;
    this.count++;
  }

  /** Removes the head and returns its payload; only when size > 0. */
  take(): number {
    const payload = this.payloads[this.head];
    this.head = (this.head + 1) & (this.times.length - 1);
    this.count--;
    return payload;
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    const times = new Float64Array(capacity);
    const seqs = new Uint32Array(capacity);
    const payloads = new Uint32Array(capacity);
    // Unwrap: the head moves to 0.
    for (let n = 0; n < this.count; n++) {
      const k = (this.head + n) & (this.times.length - 1);
      times[n] = this.times[k];
      seqs[n] = this.seqs[k];
      payloads[n] = this.payloads[k];
    }
    this.times = times;
    this.seqs = seqs;
    this.payloads = payloads;
    this.head = 0;
  }
}
