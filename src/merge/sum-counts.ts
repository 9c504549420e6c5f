// Adding up counters of shard results: plain numbers, and objects of counts keyed by
// error code or product (keys in sorted order, as a run writes them).

export function sumOf<T>(parts: readonly T[], pick: (part: T) => number): number {
  let total = 0;
  for (const part of parts) total += pick(part);
  return total;
}

/** Key-wise sum of count objects; keys sorted. */
export function sumCounts(parts: readonly Record<string, number>[]): Record<string, number> {
  const sums = new Map<string, number>();
  for (const part of parts) for (const [key, n] of Object.entries(part)) sums.set(key, (sums.get(key) ?? 0) + n);
  const out: Record<string, number> = {};
  for (const key of [...sums.keys()].sort()) out[key] = sums.get(key)!;
  return out;
}
