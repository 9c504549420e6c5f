// How a realtime run cuts its part of the fleet into worker slices. A shard's clients are
// every shard.count-th global client (core/shard deals them out round-robin); a worker
// takes a contiguous run of the shard's own numbering, i.e. a strided run of global
// indices. Without a shard (WHOLE_FLEET) the slices are plain contiguous ranges. Pure.

import { shardClientAt, shardSize, type ShardSpec } from "../../core/shard/shard.js";

/** One worker's clients: global indices first, first + stride, … (`count` of them). */
export interface SliceRange {
  first: number;
  count: number;
  stride: number;
}

/** The slices of `shard`'s clients of a fleet of `fleetSize`, over at most `workers` workers (never an empty one). */
export function shardSlices(shard: ShardSpec, fleetSize: number, workers: number): SliceRange[] {
  const size = shardSize(shard, fleetSize);
  if (size === 0) return [];
  return splitRange(size, Math.max(1, workers)).map(([k0, count]) => ({
    first: shardClientAt(shard, k0),
    count,
    stride: shard.count,
  }));
}

/** [0, total) in `parts` contiguous runs as even as can be: [first, count] each. */
export function splitRange(total: number, parts: number): [number, number][] {
  const n = Math.max(1, Math.min(parts, total));
  const out: [number, number][] = [];
  for (let k = 0, first = 0; k < n; k++) {
    const count = Math.floor(total / n) + (k < total % n ? 1 : 0);
    out.push([first, count]);
    first += count;
  }
  return out;
}
