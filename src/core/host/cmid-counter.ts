// Distinct client machine ids (CMIDs) a KMS host has seen for one product: remembered
// for 30 days after each machine's last request, at most 2 × threshold kept, the least
// recently seen evicted first.
//
// The host calls this for every request of a large fleet, and in the virtual engine
// nearly every request is an id the counter has never seen or has already evicted
// (a million clients against 50 remembered), so each call is a lookup miss, an insert
// and an eviction. All of it lives in typed arrays and allocates nothing per call:
//
//   - slots (one per remembered CMID: `capacity` of them plus a spare, since a new id is
//     inserted before the oldest is evicted) threaded on a doubly linked LRU list, oldest
//     first, so expiry and eviction pop from the old end;
//   - int32 ids (what the virtual engine sends: client indexes) are found through a
//     small open-addressing hash table (linear probing, Fibonacci hashing, kept sparse,
//     deletion by backward shift so there are no tombstones);
//   - any other id (realtime mode's hex strings, or a number that is not an int32) goes
//     through a Map. Which of the two holds a slot is `inTable`.
//
// Ids compare like Map keys (SameValueZero): 5 ≠ "5", and -0 is the same id as 0.

import { CMID_CAPACITY_FACTOR, CMID_MEMORY_MS } from "./thresholds.js";

/** A client machine id; numbers and strings are distinct ids (5 ≠ "5"). */
export type Cmid = number | string;

/** Fibonacci hashing multiplier: 2^32 / golden ratio, odd. */
const FIB = 0x9e3779b1 | 0;

/** Whether `cmid` goes in the hash table: an int32 (-0 too, the same id as 0). A string never does: `|` makes a number of it. */
// Stryker disable next-line BlockStatement: undefined reads as false: every id in the Map, as below
function isInt32(cmid: Cmid): cmid is number {
  // Stryker disable next-line ConditionalExpression: `false`: performance only, the Map holds any id with the same equality (SameValueZero); silences `true` too, which the tests kill
  return ((cmid as number) | 0) === cmid;
}

export class CmidCounter {
  /** Most ids kept: 2 × threshold unless set. */
  readonly capacity: number;
  readonly memoryMs: number;

  /** Ids remembered now (table and Map together). */
  private size = 0;

  // Per slot.
  private readonly lastSeenMs: Float64Array;
  private readonly older: Int32Array;
  private readonly newer: Int32Array;
  /** The slot's id when it is an int32 (kept in the hash table). */
  private readonly idAt: Int32Array;
  /** 1: the slot's id is in the hash table; 0: in `otherSlotOf`. */
  private readonly inTable: Uint8Array;
  /** The slot's id when it is not an int32 (0 when unused, to drop string references). */
  private readonly otherAt: Cmid[];

  private readonly freeSlots: Int32Array;
  private freeCount: number;
  private oldest = -1;
  private newest = -1;

  /** Open-addressing table of int32 ids: slot + 1, or 0 for an empty bucket. */
  private readonly table: Int32Array;
  private readonly mask: number;
  /** 32 − log2(table length): the top bits of the Fibonacci product pick the bucket. */
  private readonly shift: number;
  /** Ids that are not int32s: strings and other numbers. */
  private readonly otherSlotOf = new Map<Cmid, number>();

  /** Time never goes back for the counter: earlier `nowMs` values are read as this. */
  private latestMs = -Infinity;

  /** `capacity`: ids kept at most, default 2 × threshold (a scenario's products[].cmidCacheSize). */
  constructor(threshold: number, memoryMs: number = CMID_MEMORY_MS, capacity: number = CMID_CAPACITY_FACTOR * threshold) {
    if (!Number.isInteger(threshold) || threshold < 1) {
      throw new RangeError(`CmidCounter: threshold must be an integer >= 1, got ${threshold}`);
    }
    if (!(memoryMs >= 0)) throw new RangeError(`CmidCounter: memoryMs must be >= 0, got ${memoryMs}`);
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`CmidCounter: capacity must be an integer >= 1, got ${capacity}`);
    this.capacity = capacity;
    this.memoryMs = memoryMs;
    // One spare slot: a new id is inserted before the oldest is evicted.
    const slots = capacity + 1;
    this.lastSeenMs = new Float64Array(slots);
    this.older = new Int32Array(slots);
    this.newer = new Int32Array(slots);
    this.idAt = new Int32Array(slots);
    this.inTable = new Uint8Array(slots);
    // Stryker disable next-line ArrayDeclaration: a slot's entry is written before it is read (JS arrays grow), the size only saves a resize
    this.otherAt = new Array<Cmid>(slots).fill(0);
    this.freeSlots = Int32Array.from({ length: slots }, (_, i) => slots - 1 - i);
    this.freeCount = slots;
    // A power of two at least 4 × the slots, so an empty bucket ends every probe...
    let bits = 3;
    while (1 << bits < 4 * slots && bits < 30) bits++;
    // ...and 16 × while that stays within 2^16 buckets: a miss nearly always stops at its
    // home bucket, fewer mispredicted branches.
    // Stryker disable next-line all: performance only: a table that only grew here changes how far a probe runs, never an answer (for any capacity below 2^26; scenarios allow 100,000)
    while (1 << bits < 16 * slots && bits < 16) bits++;
    this.table = new Int32Array(1 << bits);
    this.mask = (1 << bits) - 1;
    this.shift = 32 - bits;
  }

  /**
   * Records a request from `cmid` at `nowMs` and returns the count afterwards (the
   * requester included). Ids last seen more than memoryMs before `nowMs` are forgotten
   * first; if the id is new and the counter is full, the least recently seen is evicted.
   */
  observe(cmid: Cmid, nowMs: number): number {
    const t = this.advance(nowMs);
    if (isInt32(cmid)) return this.observeInt(cmid | 0, t);
    return this.observeOther(cmid, t);
  }

  /** Distinct ids remembered at `nowMs` (forgets the expired ones). */
  count(nowMs: number): number {
    this.advance(nowMs);
    return this.size;
  }

  /** Whether `cmid` is remembered at `nowMs`. */
  has(cmid: Cmid, nowMs: number): boolean {
    this.advance(nowMs);
    if (isInt32(cmid)) return this.hasInt(cmid | 0);
    return this.otherSlotOf.has(cmid);
  }

  private observeInt(id: number, t: number): number {
    const table = this.table;
    const mask = this.mask;
    const home = Math.imul(id, FIB) >>> this.shift;
    let pos = home;
    for (let e = table[pos]; e !== 0; e = table[pos]) {
      if (this.idAt[e - 1] === id) {
        this.touch(e - 1, t);
        return this.size;
      }
      pos = (pos + 1) & mask;
    }
    // Insert first (there is a spare slot), then evict: the oldest is the same either way,
    // and the empty bucket found above stays the right one.
    const slot = this.freeSlots[--this.freeCount];
    this.idAt[slot] = id;
    this.inTable[slot] = 1;
    table[pos] = slot + 1;
    this.lastSeenMs[slot] = t;
    this.append(slot);
    if (this.size === this.capacity) this.forget(this.oldest);
    return ++this.size;
  }

  private observeOther(cmid: Cmid, t: number): number {
    const found = this.otherSlotOf.get(cmid);
    if (found !== undefined) {
      this.touch(found, t);
      return this.size;
    }
    const slot = this.freeSlots[--this.freeCount];
    this.otherAt[slot] = cmid;
    this.inTable[slot] = 0;
    this.otherSlotOf.set(cmid, slot);
    this.lastSeenMs[slot] = t;
    this.append(slot);
    if (this.size === this.capacity) this.forget(this.oldest);
    return ++this.size;
  }

  /** Whether int32 `id` is in the hash table. */
  private hasInt(id: number): boolean {
    const table = this.table;
    let pos = Math.imul(id, FIB) >>> this.shift;
    for (let e = table[pos]; e !== 0; e = table[pos]) {
      if (this.idAt[e - 1] === id) return true;
      pos = (pos + 1) & this.mask;
    }
    return false;
  }

  /** A remembered id asked again: now the most recently seen. */
  private touch(slot: number, t: number): void {
    this.lastSeenMs[slot] = t;
    // Stryker disable next-line ConditionalExpression: `true`: moving the newest slot to the newest end leaves the list as it was (silences `false` too, which the tests kill)
    if (slot !== this.newest) {
      this.unlink(slot);
      this.append(slot);
    }
  }

  /** Moves the clock to `nowMs` (never back) and forgets what expired; returns the time. */
  private advance(nowMs: number): number {
    // Not later (or NaN): the last call already forgot all that had expired by then.
    // Stryker disable next-line EqualityOperator: `>=`: at the same time the expiry below has already run, and ids stamped since carry that time, which is not expired
    if (!(nowMs > this.latestMs)) return this.latestMs;
    this.latestMs = nowMs;
    // Remembered while lastSeen >= now - memoryMs: exactly 30 days later still counts.
    // The list is in lastSeen order (ids are stamped with a clock that never goes back).
    const cutoff = nowMs - this.memoryMs;
    // Stryker disable next-line ConditionalExpression: `true` for the -1 check: lastSeenMs[-1] is undefined, and undefined < cutoff is false (silences the other three, which the tests kill)
    while (this.oldest !== -1 && this.lastSeenMs[this.oldest] < cutoff) this.forget(this.oldest);
    return nowMs;
  }

  private forget(slot: number): void {
    this.unlink(slot);
    if (this.inTable[slot] === 1) {
      this.removeFromTable(slot);
    } else {
      this.otherSlotOf.delete(this.otherAt[slot]);
      this.otherAt[slot] = 0; // drop the reference to a string id
    }
    this.freeSlots[this.freeCount++] = slot;
    this.size--;
  }

  /** Takes `slot`'s id out of the hash table, shifting later entries of its run back. */
  private removeFromTable(slot: number): void {
    const table = this.table;
    const mask = this.mask;
    const shift = this.shift;
    const idAt = this.idAt;
    const entry = slot + 1;
    let hole = Math.imul(idAt[slot], FIB) >>> shift;
    // Stryker disable next-line ArithmeticOperator: `hole - 1` walks the ring the other way and meets the same, only, bucket holding `entry`
    while (table[hole] !== entry) hole = (hole + 1) & mask;
    let j = hole;
    for (;;) {
      j = (j + 1) & mask;
      const e = table[j];
      if (e === 0) break;
      const home = Math.imul(idAt[e - 1], FIB) >>> shift;
      // The entry at j stays unless its home lies cyclically outside (hole, j]: it stays when
      // its home is fewer steps behind j than the hole is.
      if (((j - home) & mask) < ((j - hole) & mask)) continue;
      table[hole] = e;
      hole = j;
    }
    table[hole] = 0;
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
