// Answers kept for their TTL on a clock the caller injects (tests move time by hand).
// Bounded: past maxEntries the oldest entry goes first.

export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAtMs: number }>();

  constructor(
    private readonly now: () => number,
    private readonly maxEntries: number,
  ) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a whole number ≥ 1, got ${maxEntries}`);
  }

  /** The value and the time it has left, or undefined when absent or expired. */
  get(key: string): { value: V; remainingMs: number } | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    const remainingMs = entry.expiresAtMs - this.now();
    if (remainingMs <= 0) {
      this.entries.delete(key);
      return undefined;
    }
    return { value: entry.value, remainingMs };
  }

  /** Keeps value for ttlMs from now; a ttl of 0 or less stores nothing. */
  set(key: string, value: V, ttlMs: number): void {
    this.entries.delete(key);
    if (ttlMs <= 0) return;
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAtMs: this.now() + ttlMs });
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
