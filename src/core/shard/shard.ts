// Shards split one fleet into N disjoint parts the way k6 execution segments do: every
// instance computes its own part from the scenario and the seed alone, no coordinator.
// Clients are dealt out round-robin (client g goes to shard g mod N): clients of a group
// sit in boot order, so striding gives every shard the same mix of groups and boot
// times, where contiguous ranges would give shard 1 all the early risers. Pure.

import { KmssimError } from "../kmssim-error.js";

/** Shard `index` of `count`, both as written on the command line: 1 ≤ index ≤ count. */
export interface ShardSpec {
  index: number;
  count: number;
}

/** The whole fleet: what a run without --shard is. */
export const WHOLE_FLEET: ShardSpec = Object.freeze({ index: 1, count: 1 });

/** The most shards one fleet is cut into (more would leave most of them near-empty). */
export const MAX_SHARDS = 10_000;

export class ShardSpecError extends KmssimError {
  constructor(message: string) {
    super(message, "KMSSIM_BAD_SHARD");
    this.name = "ShardSpecError";
  }
}

/** Parses `i/N` (e.g. `2/4`); throws ShardSpecError with what was wrong. */
export function parseShard(text: string): ShardSpec {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (match === null) throw new ShardSpecError(`expected i/N, like 2/4 (the second of four shards), got '${text}'`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > MAX_SHARDS) throw new ShardSpecError(`the shard count N must be from 1 to ${MAX_SHARDS}, got ${count}`);
  if (index < 1 || index > count) throw new ShardSpecError(`the shard number i must be from 1 to ${count} (shards count from 1), got ${index}`);
  return { index, count };
}

export function formatShard(shard: ShardSpec): string {
  return `${shard.index}/${shard.count}`;
}

/** Whether global client `clientIndex` belongs to `shard`. */
export function ownsClient(shard: ShardSpec, clientIndex: number): boolean {
  return clientIndex % shard.count === shard.index - 1;
}

/** How many of `fleetSize` clients the shard holds. */
export function shardSize(shard: ShardSpec, fleetSize: number): number {
  const first = shard.index - 1;
  return first >= fleetSize ? 0 : Math.floor((fleetSize - 1 - first) / shard.count) + 1;
}

/** The global index of the shard's k-th client (0 ≤ k < shardSize). */
export function shardClientAt(shard: ShardSpec, k: number): number {
  return shard.index - 1 + k * shard.count;
}
