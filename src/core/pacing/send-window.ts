// The realtime generator's budget of open requests. An open-loop generator that falls
// behind would otherwise send every overdue request at once: thousands of sockets open
// together, each living long enough to reach the old generation, and the machine spends
// its time on garbage collection and socket bookkeeping instead of requests (measured:
// 4,000 concurrent connect-send-receive loops do 35–45 % fewer RPC/s than 64). Past the
// budget, due requests wait in the event queue in due order; their latency still counts
// from when they were due, so the wait shows as send lag, never as a faster host.
//
// Only young requests count: one open longer than `youngMs` stops holding a place, so a
// host that hangs (accepts, never answers) cannot starve the requests to the other hosts.

export class SendWindow {
  private sentAtMs: Float64Array;
  /** 1 while the request is open and young; 0 once closed or aged out. */
  private counted: Uint8Array;
  private mask: number;
  /** Sequence numbers: [tail, head) may still be counted; below tail none is. */
  private tail = 0;
  private head = 0;
  private youngOpen = 0;

  constructor(
    /** Young open requests at which the window is full. */
    readonly capacity: number,
    /** How long an open request holds its place. */
    readonly youngMs: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`send window capacity must be a whole number ≥ 1, got ${capacity}`);
    if (!(youngMs > 0)) throw new RangeError(`send window youngMs must be > 0, got ${youngMs}`);
    this.sentAtMs = new Float64Array(64);
    this.counted = new Uint8Array(64);
    this.mask = 63;
  }

  /** Open requests that still hold a place. */
  get young(): number {
    return this.youngOpen;
  }

  /** Whether one more request may start at `nowMs`. */
  hasRoom(nowMs: number): boolean {
    this.ageOut(nowMs);
    return this.youngOpen < this.capacity;
  }

  /** A request starts at `nowMs` (even past the capacity: follow-ups are not held); returns its token. */
  open(nowMs: number): number {
    if (this.head - this.tail > this.mask) this.grow();
    const slot = this.head & this.mask;
    this.sentAtMs[slot] = nowMs;
    this.counted[slot] = 1;
    this.youngOpen++;
    return this.head++;
  }

  /** The request of this token ended (answered, failed or timed out). */
  close(token: number): void {
    if (token < this.tail || token >= this.head) return;
    const slot = token & this.mask;
    if (this.counted[slot] === 0) return;
    this.counted[slot] = 0;
    this.youngOpen--;
    this.dropUncounted();
  }

  /** When the oldest young request stops holding its place; Infinity when none does. */
  nextAgeOutMs(): number {
    return this.youngOpen === 0 ? Infinity : this.sentAtMs[this.tail & this.mask] + this.youngMs;
  }

  private ageOut(nowMs: number): void {
    const oldestYoungMs = nowMs - this.youngMs;
    while (this.tail < this.head && this.sentAtMs[this.tail & this.mask] <= oldestYoungMs) {
      const slot = this.tail & this.mask;
      if (this.counted[slot] === 1) {
        this.counted[slot] = 0;
        this.youngOpen--;
      }
      this.tail++;
    }
    this.dropUncounted();
  }

  /** Keeps the tail at a counted request, so the ring holds only what may still count. */
  private dropUncounted(): void {
    while (this.tail < this.head && this.counted[this.tail & this.mask] === 0) this.tail++;
  }

  private grow(): void {
    const size = (this.mask + 1) * 2;
    const sentAtMs = new Float64Array(size);
    const counted = new Uint8Array(size);
    for (let seq = this.tail; seq < this.head; seq++) {
      sentAtMs[seq & (size - 1)] = this.sentAtMs[seq & this.mask];
      counted[seq & (size - 1)] = this.counted[seq & this.mask];
    }
    this.sentAtMs = sentAtMs;
    this.counted = counted;
    this.mask = size - 1;
  }
}
