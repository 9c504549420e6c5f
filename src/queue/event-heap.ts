// The near-term part of the event queue: a binary min-heap over parallel typed
// arrays, ordered by (time, insertion sequence) so equal times pop first-in first-out
// and a run is reproducible. No objects per event: a million pending timers cost ~16 MB.

export class EventHeap {
  private times: Float64Array;
  private seqs: Uint32Array;
  private payloads: Uint32Array;
  private count = 0;
  private nextSeq = 0;

  constructor(initialCapacity = 1024) {
    this.times = new Float64Array(initialCapacity);
    this.seqs = new Uint32Array(initialCapacity);
    this.payloads = new Uint32Array(initialCapacity);
  }

  get size(): number {
    return this.count;
  }

  /** Time of the earliest event; Infinity when empty. */
  peekTime(): number {
    return this.count > 0 ? this.times[0] : Infinity;
  }

  /** Sequence number of the earliest event (call only when size > 0). */
  peekSeq(): number {
    return this.seqs[0];
  }

  /** Payload of the earliest event (call only when size > 0). */
  peekPayload(): number {
    return this.payloads[0];
  }

  push(timeMs: number, payload: number): void {
    const seq = this.nextSeq;
    this.nextSeq = (this.nextSeq + 1) >>> 0;
    this.pushWithSeq(timeMs, seq, payload);
  }

  /** Inserts with a sequence number assigned earlier (events moved in from a bucket). */
  pushWithSeq(timeMs: number, seq: number, payload: number): void {
    if (this.count === this.times.length) this.grow();
    const times = this.times;
    const seqs = this.seqs;
    const payloads = this.payloads;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent];
      if (pt < timeMs || (pt === timeMs && seqs[parent] < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[parent];
      payloads[i] = payloads[parent];
      i = parent;
    }
    times[i] = timeMs;
    seqs[i] = seq;
    payloads[i] = payload;
  }

  /** Removes the earliest event and returns its payload (call only when size > 0). */
  pop(): number {
    const times = this.times;
    const seqs = this.seqs;
    const payloads = this.payloads;
    const top = payloads[0];
    const last = --this.count;
    if (last === 0) return top;
    const t = times[last];
    const s = seqs[last];
    const p = payloads[last];
    let i = 0;
    const half = last >> 1;
    while (i < half) {
      let child = 2 * i + 1;
      const right = child + 1;
      if (right < last && (times[right] < times[child] || (times[right] === times[child] && seqs[right] < seqs[child]))) {
        child = right;
      }
      const ct = times[child];
      if (t < ct || (t === ct && s < seqs[child])) break;
      times[i] = ct;
      seqs[i] = seqs[child];
      payloads[i] = payloads[child];
      i = child;
    }
    times[i] = t;
    seqs[i] = s;
    payloads[i] = p;
    return top;
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    const times = new Float64Array(capacity);
    const seqs = new Uint32Array(capacity);
    const payloads = new Uint32Array(capacity);
    times.set(this.times);
    seqs.set(this.seqs);
    payloads.set(this.payloads);
    this.times = times;
    this.seqs = seqs;
    this.payloads = payloads;
  }
}
