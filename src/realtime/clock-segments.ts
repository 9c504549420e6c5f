// The compressed clock's rate over a run, shared by every thread: an append-only log of
// segments (wall start, simulated start, scale) in one SharedArrayBuffer. The main thread
// alone appends (when it slows or speeds the clock); workers read. A segment is written
// whole before the count that publishes it, so readers never see a half-written one and
// need no lock.

/** Int32 slot 0: number of segments; Float64 data from byte 8, three numbers each. */
const HEADER_BYTES = 8;
const FIELDS = 3;
/** Enough for a change every 250 ms for more than an hour; then the rate stays as it is. */
export const DEFAULT_SEGMENT_CAPACITY = 16_384;

export class ClockSegments {
  private readonly count: Int32Array;
  private readonly data: Float64Array;
  readonly capacity: number;

  private constructor(readonly buffer: SharedArrayBuffer) {
    this.count = new Int32Array(buffer, 0, 1);
    this.capacity = (buffer.byteLength - HEADER_BYTES) / (FIELDS * 8);
    this.data = new Float64Array(buffer, HEADER_BYTES, this.capacity * FIELDS);
  }

  /** A new log: simulated time 0 at `originEpochMs`, running `scale` simulated ms per wall ms. */
  static create(originEpochMs: number, scale: number, capacity = DEFAULT_SEGMENT_CAPACITY): ClockSegments {
    const log = new ClockSegments(new SharedArrayBuffer(HEADER_BYTES + capacity * FIELDS * 8));
    log.write(0, originEpochMs, 0, scale);
    Atomics.store(log.count, 0, 1);
    return log;
  }

  /** The log another thread created (its `buffer`, passed in workerData). */
  static attach(buffer: SharedArrayBuffer): ClockSegments {
    return new ClockSegments(buffer);
  }

  get size(): number {
    return Atomics.load(this.count, 0);
  }

  get originEpochMs(): number {
    return this.data[0];
  }

  /** The scale the run started with (the requested one). */
  get firstScale(): number {
    return this.data[2];
  }

  /** The scale in force now. */
  get scale(): number {
    return this.data[(this.size - 1) * FIELDS + 2];
  }

  /**
   * From wall time `wallMs` on, the clock runs at `scale`; simulated time stays continuous.
   * Returns false when the log is full (the rate then stays as it is) or nothing changes.
   */
  append(wallMs: number, scale: number): boolean {
    const n = this.size;
    if (n >= this.capacity || !(scale > 0)) return false;
    const last = (n - 1) * FIELDS;
    if (scale === this.data[last + 2]) return false;
    // Never before the last segment's start: time does not go back.
    const startWallMs = Math.max(wallMs, this.data[last]);
    this.write(n, startWallMs, this.simAtWallMs(startWallMs), scale);
    Atomics.store(this.count, 0, n + 1);
    return true;
  }

  /**
   * Moves simulated time 0 to wall time `originEpochMs` while the rate has not changed yet:
   * a run sets its origin once every thread is ready, after they attached to the log.
   */
  moveOrigin(originEpochMs: number): void {
    if (this.size !== 1) throw new Error("the clock's origin moves only before its rate changes");
    this.write(0, originEpochMs, 0, this.firstScale);
    // Published like a new segment: a reader that loads the count sees the whole write.
    Atomics.store(this.count, 0, 1);
  }

  /** Simulated ms at wall time `wallMs` (negative before the origin). */
  simAtWallMs(wallMs: number): number {
    const k = this.segmentByWall(wallMs) * FIELDS;
    return this.data[k + 1] + (wallMs - this.data[k]) * this.data[k + 2];
  }

  /** The wall time at which simulated time reaches `simMs` at the rates known now. */
  wallAtSimMs(simMs: number): number {
    const k = this.segmentBySim(simMs) * FIELDS;
    return this.data[k] + (simMs - this.data[k + 1]) / this.data[k + 2];
  }

  private write(index: number, wallMs: number, simMs: number, scale: number): void {
    const k = index * FIELDS;
    this.data[k] = wallMs;
    this.data[k + 1] = simMs;
    this.data[k + 2] = scale;
  }

  /** The last segment starting at or before `wallMs` (the first one before the origin). */
  private segmentByWall(wallMs: number): number {
    return this.lastAtOrBefore(wallMs, 0);
  }

  private segmentBySim(simMs: number): number {
    return this.lastAtOrBefore(simMs, 1);
  }

  /** Binary search over a field that grows with the index (wall and simulated starts both do). */
  private lastAtOrBefore(value: number, field: number): number {
    let lo = 0;
    let hi = this.size - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.data[mid * FIELDS + field] <= value) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
