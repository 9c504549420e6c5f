// Remembers the validly signed updates seen while they could still pass the TSIG time
// check, so a captured update sent again is refused (BIND accepts such a replay; RFC 8945
// §5.2.3 only suggests it). Pure: the caller gives the time. Memory is bounded twice: an
// entry expires when its time signed + fudge has passed (BADTIME refuses it from then on),
// and at most `maxEntries` are kept; past that the oldest is forgotten. Only messages whose
// MAC verified are recorded, so only a holder of the key can fill it.

export interface ReplayGuardOptions {
  /** Default 10,000: ~33 updates a second over the default 300 s fudge. */
  maxEntries?: number;
}

const DEFAULT_MAX_ENTRIES = 10_000;

export class ReplayGuard {
  private readonly maxEntries: number;
  /** key name + MAC → second after which the message fails the time check anyway; insertion order. */
  private readonly seen = new Map<string, number>();
  private sweptAtSec = -Infinity;

  constructor(options: ReplayGuardOptions = {}) {
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    if (!(this.maxEntries >= 1)) throw new RangeError(`maxEntries must be at least 1, got ${this.maxEntries}`);
  }

  /** True the first time this signed message is seen (and records it); false for a replay. */
  admit(keyName: string, mac: Buffer, timeSignedSec: number, fudgeSec: number, nowSec: number): boolean {
    this.expire(nowSec);
    const id = `${keyName.toLowerCase()}\0${mac.toString("base64")}`;
    if (this.seen.has(id)) return false;
    // Oldest first: Map keeps insertion order.
    while (this.seen.size >= this.maxEntries) this.seen.delete(this.seen.keys().next().value as string);
    this.seen.set(id, timeSignedSec + fudgeSec);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  private expire(nowSec: number): void {
    // At most once a second: a sweep walks every entry (at most maxEntries).
    if (nowSec < this.sweptAtSec + 1) return;
    this.sweptAtSec = nowSec;
    for (const [id, untilSec] of this.seen) if (untilSec < nowSec) this.seen.delete(id);
  }
}
