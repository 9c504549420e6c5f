// One RPC kind's or DNS's counters and latency of several shards added up: counters summed,
// histograms merged bucket by bucket (the whole run's, and each client group's).

import type { DnsResult, RpcKindResult } from "../results/result.js";
import { mergeHistograms } from "./merge-latency.js";
import { sumCounts, sumOf } from "./sum-counts.js";

/** DNS counters and histograms of several shards. */
export function mergeDnsParts(shardParts: readonly { file: string; part: DnsResult }[], path: string): DnsResult {
  const parts = shardParts.map((s) => s.part);
  const latency = mergeHistograms(
    shardParts.flatMap(({ file, part }) => histogramsOf(file, part.histogram)),
    `${path}.histogram`,
  );
  return { queries: sumOf(parts, (p) => p.queries), failed: sumOf(parts, (p) => p.failed), latencyMs: latency.latencyMs, histogram: latency.histogram };
}

/** A result may hold one histogram per kind or a list of them: each is added. */
function histogramsOf(file: string, histogram: string | readonly string[]): { file: string; histogram: string }[] {
  return (typeof histogram === "string" ? [histogram] : histogram).map((h) => ({ file, histogram: h }));
}

/** One RPC kind's counters and histograms of several shards (`path`: where they are, for an error). */
export function mergeRpcParts(shardParts: readonly { file: string; part: RpcKindResult }[], path: string): RpcKindResult {
  const parts = shardParts.map((s) => s.part);
  const latency = mergeHistograms(
    shardParts.flatMap(({ file, part }) => histogramsOf(file, part.histogram)),
    `${path}.histogram`,
  );
  return {
    sent: sumOf(parts, (p) => p.sent),
    ok: sumOf(parts, (p) => p.ok),
    failed: sumOf(parts, (p) => p.failed),
    errors: sumCounts(parts.map((p) => p.errors)),
    latencyMs: latency.latencyMs,
    histogram: latency.histogram,
  };
}
