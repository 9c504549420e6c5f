// A KMS host serving `concurrency` requests at once, the rest waiting first come first
// served (M/G/c). With arrivals fed in time order, the next request starts when it
// arrives or when the earliest server frees up, whichever is later (Kiefer–Wolfowitz's
// multi-server form of Lindley's recursion). The free-at times of the busy servers live
// in a min-heap; a server that finished before an arrival leaves it, so a lightly loaded
// host of 256 servers sifts through one or two entries, not eight levels.

export class MultiServerQueue {
  readonly concurrency: number;
  /** Start of service of the request admitted last (its queueing delay = start − arrival); −Infinity before the first. */
  lastStartMs = -Infinity;

  /** The most requests waiting (admitted, not yet started) at any arrival. */
  peakWaiting = 0;

  /** Min-heap of the busy servers' free-at times, `busy` entries; the rest are idle. */
  private readonly freeAtMs: Float64Array;
  private busy = 0;
  private lastArrivalMs = -Infinity;
  /** Service admitted so far, ms (work dropped by `reset` taken off). */
  private admittedMs = 0;
  /**
   * Start times of the requests waiting, in admission order. FIFO starts never go back, so
   * the ones started by the next arrival are always at the front: a ring buffer.
   */
  private waitingStarts: Float64Array = new Float64Array(16);
  private waitingHead = 0;
  private waitingCount = 0;

  constructor(concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`MultiServerQueue: concurrency must be an integer >= 1, got ${concurrency}`);
    }
    this.concurrency = concurrency;
    this.freeAtMs = new Float64Array(concurrency);
  }

  /**
   * Queues a request arriving at `arrivalMs` that needs `serviceMs` of a server, and
   * returns when it completes. Arrivals must not go back in time (RangeError).
   */
  admit(arrivalMs: number, serviceMs: number): number {
    if (arrivalMs < this.lastArrivalMs) {
      throw new RangeError(`MultiServerQueue: arrival ${arrivalMs} before previous arrival ${this.lastArrivalMs}`);
    }
    if (!(serviceMs >= 0)) throw new RangeError(`MultiServerQueue: serviceMs must be >= 0, got ${serviceMs}`);
    this.lastArrivalMs = arrivalMs;
    const heap = this.freeAtMs;
    // Servers free by now are idle (a server free exactly at the arrival takes it at once).
    while (this.busy > 0 && heap[0] <= arrivalMs) this.siftDown(heap[--this.busy]);
    // An idle server starts at once; else the one that frees up first takes it.
    const idle = this.busy < heap.length;
    const start = idle ? arrivalMs : heap[0];
    const done = start + serviceMs;
    this.lastStartMs = start;
    this.admittedMs += serviceMs;
    this.countWaiting(arrivalMs, start);
    if (idle) this.siftUp(this.busy++, done);
    else this.siftDown(done);
    return done;
  }

  /** Puts `freeAt` at the root (the old root leaves) and restores the heap. */
  private siftDown(freeAt: number): void {
    const heap = this.freeAtMs;
    const n = this.busy;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      // Past the heap (r = n) lies the copy of freeAt that a pop left behind, or the array's
      // end: taking it for the right child stops the walk as the left child would.
      // Stryker disable next-line ConditionalExpression,EqualityOperator: `true` and `r <= n`: see above (silences `false` and `r >= n`, which the tests kill)
      const hasRight = r < n;
      // Ties may go either way: equal free-at times are the same to every caller.
      // Stryker disable next-line EqualityOperator: `heap[r] <= heap[l]`: a tie (silences `>=`, which the tests kill)
      const m = hasRight && heap[r] < heap[l] ? r : l;
      // Stryker disable next-line EqualityOperator: `>`: a child equal to freeAt moved up leaves the same values (silences `<`, which the tests kill)
      if (heap[m] >= freeAt) break;
      heap[i] = heap[m];
      i = m;
    }
    heap[i] = freeAt;
  }

  /** Puts `freeAt` in the new last place `i` and moves it up. */
  private siftUp(i: number, freeAt: number): void {
    const heap = this.freeAtMs;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      // Stryker disable next-line EqualityOperator: `<`: a parent equal to freeAt moved down leaves the same values (silences `>`, which the tests kill)
      if (heap[parent] <= freeAt) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = freeAt;
  }

  /**
   * The host crashed (or restarted) at `nowMs`: work in service and waiting is dropped,
   * every server is free from `nowMs`. Completions handed out before stay the caller's
   * to cancel (those later than `nowMs` never happen).
   */
  reset(nowMs: number): void {
    this.admittedMs -= this.workAfter(nowMs);
    // Busy until `nowMs`, so an arrival stamped earlier still waits for the restart.
    this.freeAtMs.fill(nowMs);
    this.busy = this.freeAtMs.length;
    this.waitingCount = 0;
  }

  /** Server time spent serving up to `nowMs` (at or after the latest arrival). */
  busyMsUntil(nowMs: number): number {
    return this.admittedMs - this.workAfter(nowMs);
  }

  /**
   * Work assigned and not done by `nowMs`: each server works without a gap from `nowMs`
   * to its free-at time, since every arrival so far came at or before `nowMs`.
   */
  private workAfter(nowMs: number): number {
    let work = 0;
    for (let k = 0; k < this.busy; k++) work += Math.max(0, this.freeAtMs[k] - nowMs);
    return work;
  }

  /** Drops the waiting requests that have started by `arrivalMs`, adds this one if it waits. */
  private countWaiting(arrivalMs: number, startMs: number): void {
    let ring = this.waitingStarts;
    while (this.waitingCount > 0 && ring[this.waitingHead] <= arrivalMs) {
      this.waitingHead = (this.waitingHead + 1) & (ring.length - 1);
      this.waitingCount--;
    }
    if (startMs <= arrivalMs) return;
    if (this.waitingCount === ring.length) ring = this.growWaiting();
    ring[(this.waitingHead + this.waitingCount) & (ring.length - 1)] = startMs;
    this.waitingCount++;
    this.peakWaiting = Math.max(this.peakWaiting, this.waitingCount);
  }

  private growWaiting(): Float64Array {
    const old = this.waitingStarts;
    const ring = new Float64Array(old.length * 2);
    // Called when full: the entries from the head on, then those wrapped round to the start.
    ring.set(old.subarray(this.waitingHead));
    ring.set(old.subarray(0, this.waitingHead), old.length - this.waitingHead);
    this.waitingStarts = ring;
    this.waitingHead = 0;
    return ring;
  }

  /**
   * Servers busy at `nowMs` (0..concurrency). Exact for `nowMs` at or after the latest
   * admitted arrival, which is how a driver moving forward in time asks.
   */
  inServiceAt(nowMs: number): number {
    let inService = 0;
    for (let k = 0; k < this.busy; k++) if (this.freeAtMs[k] > nowMs) inService++;
    return inService;
  }

  /** Earliest time a server is free (a request arriving then starts at once); −Infinity while one is idle. */
  nextFreeMs(): number {
    return this.busy < this.freeAtMs.length ? -Infinity : this.freeAtMs[0];
  }
}
