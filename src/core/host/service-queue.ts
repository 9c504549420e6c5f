// A KMS host serving `concurrency` requests at once, the rest waiting first come first
// served (M/G/c). With arrivals fed in time order, the next request starts when it
// arrives or when the earliest server frees up, whichever is later (Kiefer–Wolfowitz's
// multi-server form of Lindley's recursion). The c free-at times live in a min-heap.

export class MultiServerQueue {
  readonly concurrency: number;
  /** Start of service of the request admitted last (its queueing delay = start − arrival). */
  lastStartMs = -Infinity;

  private readonly freeAtMs: Float64Array;
  private lastArrivalMs = -Infinity;

  constructor(concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`MultiServerQueue: concurrency must be an integer >= 1, got ${concurrency}`);
    }
    this.concurrency = concurrency;
    this.freeAtMs = new Float64Array(concurrency).fill(-Infinity);
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
    const start = arrivalMs > heap[0] ? arrivalMs : heap[0];
    const done = start + serviceMs;
    this.lastStartMs = start;
    // Replace the root (the server taking this request) and sift down.
    const c = heap.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= c) break;
      const r = l + 1;
      const m = r < c && heap[r] < heap[l] ? r : l;
      if (heap[m] >= done) break;
      heap[i] = heap[m];
      i = m;
    }
    heap[i] = done;
    return done;
  }

  /**
   * The host crashed (or restarted) at `nowMs`: work in service and waiting is dropped,
   * every server is free from `nowMs`. Completions handed out before stay the caller's
   * to cancel (those later than `nowMs` never happen).
   */
  reset(nowMs: number): void {
    this.freeAtMs.fill(nowMs);
  }

  /**
   * Servers busy at `nowMs` (0..concurrency). Exact for `nowMs` at or after the latest
   * admitted arrival, which is how a driver moving forward in time asks.
   */
  inServiceAt(nowMs: number): number {
    let busy = 0;
    const heap = this.freeAtMs;
    for (let i = 0; i < heap.length; i++) if (heap[i] > nowMs) busy++;
    return busy;
  }

  /** Earliest time a server is free (a request arriving then starts at once). */
  nextFreeMs(): number {
    return this.freeAtMs[0];
  }
}
