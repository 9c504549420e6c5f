// The client groups of shard results added up: each shard measured its own clients of
// every group, so counters sum and histograms merge bucket by bucket, group by group.

import type { GroupResult, Result } from "../results/result.js";
import type { ShardInput } from "./check-shards.js";
import { MergeError } from "./merge-error.js";
import { mergeDnsParts, mergeRpcParts } from "./merge-outcomes.js";
import { sumOf } from "./sum-counts.js";

/** `{ groups }` of the merged result, or nothing when a shard has none (written by an older kmssim). */
export function mergeGroups(shards: readonly ShardInput[]): Pick<Result, "groups"> {
  const lists = shards.map((s) => s.result.groups);
  if (lists.some((list) => list === undefined)) return {};
  // The shards share a run digest, so the same scenario: the same groups in the same order.
  const names = lists[0]!.map((g) => g.name).join("\0");
  const odd = shards.find((s) => s.result.groups!.map((g) => g.name).join("\0") !== names);
  if (odd !== undefined) {
    throw new MergeError(`'${odd.file}' lists other client groups than '${shards[0].file}': they were not written by the same run`, "KMSSIM_DIFFERENT_RUNS");
  }
  return { groups: lists[0]!.map((first, g) => mergeGroup(first.name, shards, g)) };
}

function mergeGroup(name: string, shards: readonly ShardInput[], g: number): GroupResult {
  const parts = shards.map(({ file, result }) => ({ file, part: result.groups![g] }));
  const sum = (pick: (part: GroupResult) => number): number => sumOf(parts, (p) => pick(p.part));
  const path = `groups.${name}`;
  return {
    name,
    clients: sum((p) => p.clients),
    activated: sum((p) => p.activated),
    notActivated: sum((p) => p.notActivated),
    licensed: sum((p) => p.licensed),
    unlicensed: sum((p) => p.unlicensed),
    initialGrace: sum((p) => p.initialGrace),
    outOfToleranceGrace: sum((p) => p.outOfToleranceGrace),
    rpc: {
      activation: mergeRpcParts(
        parts.map(({ file, part }) => ({ file, part: part.rpc.activation })),
        `${path}.rpc.activation`,
      ),
      renewal: mergeRpcParts(
        parts.map(({ file, part }) => ({ file, part: part.rpc.renewal })),
        `${path}.rpc.renewal`,
      ),
    },
    dns: mergeDnsParts(
      parts.map(({ file, part }) => ({ file, part: part.dns })),
      `${path}.dns`,
    ),
    failovers: sum((p) => p.failovers),
    rediscoveries: sum((p) => p.rediscoveries),
  };
}
