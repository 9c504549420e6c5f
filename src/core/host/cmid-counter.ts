// Distinct client machine ids (CMIDs) a KMS host has seen for one product: remembered
// for 30 days after each machine's last request, at most 2 × threshold kept, the least
// recently seen evicted first.
//
// An LRU list threaded through typed arrays (slot = one remembered CMID) plus a Map from
// CMID to slot: observe and expiry are O(1) amortised and allocate nothing once the
// slots exist, since the host calls this for every request of a large fleet.

import { CMID_CAPACITY_FACTOR, CMID_MEMORY_MS } from "./thresholds.js";

/** A client machine id; numbers and strings are distinct ids (5 ≠ "5"). */
export type Cmid = number | string;

export class CmidCounter {
  /** Most ids kept: 2 × threshold. */
  readonly capacity: number;
  readonly memoryMs: number;

  private readonly slotOf = new Map<Cmid, number>();
  private readonly cmidAt: Cmid[];
  private readonly lastSeenMs: Float64Array;
  private readonly older: Int32Array;
  private readonly newer: Int32Array;
  private readonly freeSlots: Int32Array;
  private freeCount: number;
  private oldest = -1;
  private newest = -1;
  /** Time never goes back for the counter: earlier `nowMs` values are read as this. */
  private latestMs = -Infinity;

  constructor(threshold: number, memoryMs: number = CMID_MEMORY_MS) {
    if (!Number.isInteger(threshold) || threshold < 1) {
      throw new RangeError(`CmidCounter: threshold must be an integer >= 1, got ${threshold}`);
    }
    if (!(memoryMs >= 0)) throw new RangeError(`CmidCounter: memoryMs must be >= 0, got ${memoryMs}`);
    this.capacity = CMID_CAPACITY_FACTOR * threshold;
    this.memoryMs = memoryMs;
    this.cmidAt = new Array<Cmid>(this.capacity).fill(0);
    this.lastSeenMs = new Float64Array(this.capacity);
    this.older = new Int32Array(this.capacity);
    this.newer = new Int32Array(this.capacity);
    this.freeSlots = new Int32Array(this.capacity);
    for (let i = 0; i < this.capacity; i++) this.freeSlots[i] = this.capacity - 1 - i;
    this.freeCount = this.capacity;
  }

  /**
   * Records a request from `cmid` at `nowMs` and returns the count afterwards (the
   * requester included). Ids last seen more than memoryMs before `nowMs` are forgotten
   * first; if the id is new and the counter is full, the least recently seen is evicted.
   */
  observe(cmid: Cmid, nowMs: number): number {
    const t = this.advance(nowMs);
    let slot = this.slotOf.get(cmid);
    if (slot !== undefined) {
      this.unlink(slot);
    } else {
      if (this.freeCount === 0) this.forget(this.oldest);
      slot = this.freeSlots[--this.freeCount];
      this.cmidAt[slot] = cmid;
      this.slotOf.set(cmid, slot);
    }
    this.lastSeenMs[slot] = t;
    this.append(slot);
    return this.slotOf.size;
  }

  /** Distinct ids remembered at `nowMs` (forgets the expired ones). */
  count(nowMs: number): number {
    this.advance(nowMs);
    return this.slotOf.size;
  }

  /** Whether `cmid` is remembered at `nowMs`. */
  has(cmid: Cmid, nowMs: number): boolean {
    this.advance(nowMs);
    return this.slotOf.has(cmid);
  }

  private advance(nowMs: number): number {
    const t = nowMs > this.latestMs ? nowMs : this.latestMs;
    this.latestMs = t;
    // Remembered while lastSeen >= t - memoryMs: exactly 30 days later still counts.
    const cutoff = t - this.memoryMs;
    while (this.oldest !== -1 && this.lastSeenMs[this.oldest] < cutoff) this.forget(this.oldest);
    return t;
  }

  private forget(slot: number): void {
    this.unlink(slot);
    this.slotOf.delete(this.cmidAt[slot]);
    this.cmidAt[slot] = 0; // drop the reference to a string id
    this.freeSlots[this.freeCount++] = slot;
  }

  private unlink(slot: number): void {
    const o = this.older[slot];
    const n = this.newer[slot];
    if (o === -1) this.oldest = n;
    else this.newer[o] = n;
    if (n === -1) this.newest = o;
    else this.older[n] = o;
  }

  private append(slot: number): void {
    this.older[slot] = this.newest;
    this.newer[slot] = -1;
    if (this.newest === -1) this.oldest = slot;
    else this.newer[this.newest] = slot;
    this.newest = slot;
  }
}
