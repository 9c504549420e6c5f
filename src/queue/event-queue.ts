// Pending events keyed by simulated time (the virtual engine's whole schedule, the
// realtime fleet's timers). Most events of a fleet are timers days
// ahead (renewals every 7 days) while the few in flight are milliseconds ahead, so a
// single heap of a million entries pays cache misses on every level. Instead, far
// events wait in calendar buckets (linked lists in typed arrays) and move into a small
// near-term heap when simulated time reaches their bucket. The heap orders by (time,
// sequence number assigned at push), so the pop order is exactly that of one big heap.
// Timers pushed with a delay many share (renewals, retries) skip both: they go to a FIFO
// lane per delay, already in order (fifo-lane.ts), and pop compares the lane heads.

import { EventHeap } from "./event-heap.js";
import { FifoLane } from "./fifo-lane.js";

/** Aim for about this many buckets over the horizon. */
const TARGET_BUCKETS = 1 << 18;
const MIN_BUCKET_WIDTH_MS = 100;
/** Lanes kept at most: a fleet has a handful of distinct timer delays. Beyond it, the calendar. */
const MAX_LANES = 8;
/** Shorter delays are network round trips, each one different: not worth a lane. */
const MIN_LANE_DELAY_MS = 1_000;

/**
 * Where a timer can be kept inside its owner's own record (at most one pending timer per
 * owner): the bucket walk then touches memory the timer's handler is about to touch
 * anyway. Slots are indexes within one owner's record, in units of each view.
 */
export interface OwnerTimerSlots {
  f64: Float64Array;
  u32: Uint32Array;
  i32: Int32Array;
  f64PerRecord: number;
  u32PerRecord: number;
  time: number;
  seq: number;
  payload: number;
  /** i32 slot: next owner in the same bucket, -1 at the end. */
  next: number;
}

export class EventQueue {
  private readonly heap = new EventHeap(4096);
  private readonly bucketWidthMs: number;
  private readonly lastBucket: number;
  private readonly heads: Int32Array;
  private nodeTime: Float64Array;
  private nodeSeq: Uint32Array;
  private nodePayload: Uint32Array;
  private nodeNext: Int32Array;
  private freeNode = -1;
  private usedNodes = 0;
  private farCount = 0;
  /** Buckets up to and including this one have been moved into the heap. */
  private currentBucket = 0;
  private nextSeq = 0;

  private readonly ownerHeads: Int32Array;
  private readonly owners: OwnerTimerSlots | null;

  private readonly lanes: FifoLane[] = [];
  private laneEvents = 0;
  /** The non-empty lane whose head comes first, or null. */
  private firstLane: FifoLane | null = null;

  constructor(horizonMs: number, initialCapacity = 1 << 16, owners: OwnerTimerSlots | null = null) {
    this.owners = owners;
    this.bucketWidthMs = Math.max(MIN_BUCKET_WIDTH_MS, Math.ceil(horizonMs / TARGET_BUCKETS));
    this.lastBucket = Math.max(1, Math.ceil(horizonMs / this.bucketWidthMs));
    this.heads = new Int32Array(this.lastBucket + 1).fill(-1);
    this.ownerHeads = new Int32Array(owners === null ? 0 : this.lastBucket + 1).fill(-1);
    this.nodeTime = new Float64Array(initialCapacity);
    this.nodeSeq = new Uint32Array(initialCapacity);
    this.nodePayload = new Uint32Array(initialCapacity);
    this.nodeNext = new Int32Array(initialCapacity);
  }

  get size(): number {
    return this.heap.size + this.farCount + this.laneEvents;
  }

  /**
   * A timer set at `nowMs` for `timeMs` (`nowMs` never earlier than the last one given):
   * into the lane of its delay when the lane keeps its order, else like pushOwned (or push
   * when `owner` is -1). Same pop order as push either way.
   */
  pushDelayed(nowMs: number, timeMs: number, owner: number, payload: number): void {
    const lane = this.laneFor(Math.round(timeMs - nowMs), timeMs);
    if (lane === null) {
      if (owner >= 0 && this.owners !== null) this.pushOwned(timeMs, owner, payload);
      else this.push(timeMs, payload);
      return;
    }
    const wasEmpty = lane.size === 0;
    lane.append(timeMs, this.takeSeq(), payload);
    this.laneEvents++;
    if (wasEmpty && (this.firstLane === null || laneBefore(lane, this.firstLane))) this.firstLane = lane;
  }

  /** The lane for a delay of `delayKeyMs` that can take `timeMs` at its tail, opened if need be; null when none can. */
  private laneFor(delayKeyMs: number, timeMs: number): FifoLane | null {
    if (delayKeyMs < MIN_LANE_DELAY_MS) return null;
    const lanes = this.lanes;
    for (let k = 0; k < lanes.length; k++) {
      if (lanes[k].delayKeyMs === delayKeyMs) return lanes[k].accepts(timeMs) ? lanes[k] : null;
    }
    if (lanes.length === MAX_LANES) return null;
    const lane = new FifoLane(delayKeyMs);
    lanes.push(lane);
    return lane;
  }

  private chooseFirstLane(): void {
    let first: FifoLane | null = null;
    for (const lane of this.lanes) if (lane.size > 0 && (first === null || laneBefore(lane, first))) first = lane;
    this.firstLane = first;
  }

  push(timeMs: number, payload: number): void {
    const seq = this.takeSeq();
    const bucket = this.farBucketOf(timeMs);
    if (bucket < 0) {
      this.heap.pushWithSeq(timeMs, seq, payload);
      return;
    }
    const node = this.allocNode();
    this.nodeTime[node] = timeMs;
    this.nodeSeq[node] = seq;
    this.nodePayload[node] = payload;
    this.nodeNext[node] = this.heads[bucket];
    this.heads[bucket] = node;
    this.farCount++;
  }

  /**
   * Like push, for an owner's single pending timer: kept in the owner's record
   * (requires `owners`; an owner must not have two far timers pending at once).
   */
  pushOwned(timeMs: number, owner: number, payload: number): void {
    const o = this.owners!;
    const seq = this.takeSeq();
    const bucket = this.farBucketOf(timeMs);
    if (bucket < 0) {
      this.heap.pushWithSeq(timeMs, seq, payload);
      return;
    }
    const u = owner * o.u32PerRecord;
    o.f64[owner * o.f64PerRecord + o.time] = timeMs;
    o.u32[u + o.seq] = seq;
    o.u32[u + o.payload] = payload;
    o.i32[u + o.next] = this.ownerHeads[bucket];
    this.ownerHeads[bucket] = owner;
    this.farCount++;
  }

  /** Sequence numbers order equal times first-in first-out, across heap and buckets. */
  private takeSeq(): number {
    const seq = this.nextSeq;
    this.nextSeq = (seq + 1) >>> 0;
    return seq;
  }

  /** The bucket an event at `timeMs` waits in, or -1 if it belongs in the heap now. */
  private farBucketOf(timeMs: number): number {
    const bucket = Math.min(Math.floor(timeMs / this.bucketWidthMs), this.lastBucket);
    return bucket <= this.currentBucket ? -1 : bucket;
  }

  /** Time of the earliest event; Infinity when empty. */
  peekTime(): number {
    if (this.heap.size === 0) this.refill();
    const heapTime = this.heap.peekTime();
    const lane = this.firstLane;
    if (lane === null) return heapTime;
    const laneTime = lane.headTime();
    return laneTime < heapTime ? laneTime : heapTime;
  }

  /** Removes the earliest event and returns its payload (call only when size > 0). */
  pop(): number {
    if (this.heap.size === 0) this.refill();
    const lane = this.firstLane;
    if (lane !== null) {
      const laneTime = lane.headTime();
      const heapTime = this.heap.peekTime();
      if (laneTime < heapTime || (laneTime === heapTime && lane.headSeq() < this.heap.peekSeq())) {
        const payload = lane.take();
        this.laneEvents--;
        this.chooseFirstLane();
        return payload;
      }
    }
    return this.heap.pop();
  }

  /** Moves the next non-empty bucket into the heap. */
  private refill(): void {
    while (this.heap.size === 0 && this.farCount > 0 && this.currentBucket < this.lastBucket) {
      const bucket = ++this.currentBucket;
      let node = this.heads[bucket];
      this.heads[bucket] = -1;
      while (node >= 0) {
        const next = this.nodeNext[node];
        this.heap.pushWithSeq(this.nodeTime[node], this.nodeSeq[node], this.nodePayload[node]);
        this.nodeNext[node] = this.freeNode;
        this.freeNode = node;
        this.farCount--;
        node = next;
      }
      if (this.owners !== null) this.refillOwners(bucket);
    }
  }

  private refillOwners(bucket: number): void {
    const o = this.owners!;
    let owner = this.ownerHeads[bucket];
    this.ownerHeads[bucket] = -1;
    while (owner >= 0) {
      const u = owner * o.u32PerRecord;
      this.heap.pushWithSeq(o.f64[owner * o.f64PerRecord + o.time], o.u32[u + o.seq], o.u32[u + o.payload]);
      this.farCount--;
      owner = o.i32[u + o.next];
    }
  }

  private allocNode(): number {
    if (this.freeNode >= 0) {
      const node = this.freeNode;
      this.freeNode = this.nodeNext[node];
      return node;
    }
    if (this.usedNodes === this.nodeTime.length) this.grow();
    return this.usedNodes++;
  }

  private grow(): void {
    const capacity = this.nodeTime.length * 2;
    const grow = <T extends Float64Array | Uint32Array | Int32Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    this.nodeTime = grow(this.nodeTime, (n) => new Float64Array(n));
    this.nodeSeq = grow(this.nodeSeq, (n) => new Uint32Array(n));
    this.nodePayload = grow(this.nodePayload, (n) => new Uint32Array(n));
    this.nodeNext = grow(this.nodeNext, (n) => new Int32Array(n));
  }
}

/** Whether lane a's head pops before lane b's (both non-empty). */
function laneBefore(a: FifoLane, b: FifoLane): boolean {
  const ta = a.headTime();
  const tb = b.headTime();
  return ta < tb || (ta === tb && a.headSeq() < b.headSeq());
}
