// Hosts of shard results added up. What a host counts per request (requests, refusals,
// `slmgr /dlv` counters, promised requests) is summed. What it is (its CMID count per
// product, low-count alert, state at the end) is the same in every virtual shard, since
// each simulates the whole fleet; realtime shards that ran their own copies of a host
// each saw part of the fleet, so the merge keeps the largest count, products low in
// every copy, and the state of the first shard. Its load (utilization, peak queue) is
// the whole fleet's in every virtual shard; of realtime copies the busiest is kept.

import { HOST_COUNTER_KEYS, type HostCounters } from "../core/host/host-logic.js";
import type { HostResult } from "../results/result.js";
import type { HostTotals } from "../results/run-totals.js";
import { MergeError } from "./merge-error.js";
import { sumCounts, sumOf } from "./sum-counts.js";
import type { HostProductTotals } from "../core/host/product-report.js";
import type { ShardInput } from "./check-shards.js";

export function mergeHosts(shards: readonly ShardInput[]): HostTotals[] {
  const names = shards[0].result.hosts.map((h) => h.name);
  // Shards of one run list the scenario's hosts: one more or less means another run.
  for (const { file, result } of shards) {
    const extra = result.hosts.find((h) => !names.includes(h.name));
    if (extra !== undefined) throw new MergeError(`'${file}' has a host '${extra.name}' that '${shards[0].file}' does not have`, "KMSSIM_DIFFERENT_HOSTS");
  }
  return names.map((name) => {
    const copies = shards.map(({ file, result }) => {
      const host = result.hosts.find((h) => h.name === name);
      if (host === undefined) throw new MergeError(`'${file}' has no host '${name}' although '${shards[0].file}' has`, "KMSSIM_DIFFERENT_HOSTS");
      if (host.expectedRequests === undefined)
        throw new MergeError(`'${file}': host '${name}' lacks expectedRequests (written by an older kmssim?)`, "KMSSIM_NOT_A_SHARD");
      return host;
    });
    const first = copies[0];
    const dlv = Object.fromEntries(HOST_COUNTER_KEYS.map((key) => [key, sumOf(copies, (h) => h.dlv[key])])) as unknown as HostCounters;
    const optional = (pick: (h: HostResult) => number | undefined): number | undefined =>
      copies.every((h) => pick(h) === undefined) ? undefined : sumOf(copies, (h) => pick(h) ?? 0);
    const largest = (pick: (h: HostResult) => number | undefined): number | undefined =>
      copies.every((h) => pick(h) === undefined) ? undefined : Math.max(...copies.map((h) => pick(h) ?? 0));
    const utilization = largest((h) => h.utilization);
    const peakQueued = largest((h) => h.peakQueued);
    const clientAnswered = optional((h) => h.clientAnswered);
    const clientTimedOut = optional((h) => h.clientTimedOut);
    return {
      name,
      requests: sumOf(copies, (h) => h.requests),
      activations: sumOf(copies, (h) => h.activations),
      renewals: sumOf(copies, (h) => h.renewals),
      refused: sumOf(copies, (h) => h.refused),
      unanswered: sumOf(copies, (h) => h.unanswered),
      lost: sumOf(copies, (h) => h.lost),
      late: sumOf(copies, (h) => h.late),
      state: first.state,
      dlv,
      count: largestCounts(copies.map((h) => h.count)),
      lowCount: first.lowCount.filter((product) => copies.every((h) => h.lowCount.includes(product))),
      ...(copies.every((h) => h.products === undefined) ? {} : { products: mergeProducts(copies) }),
      expectedRequests: sumOf(copies, (h) => h.expectedRequests ?? 0),
      ...(utilization === undefined ? {} : { utilization }),
      ...(peakQueued === undefined ? {} : { peakQueued }),
      ...(clientAnswered === undefined ? {} : { clientAnswered }),
      ...(clientTimedOut === undefined ? {} : { clientTimedOut }),
    };
  });
}

/** Per product: counters summed, the count kept like `count`, low only when low in every copy that lists it. */
function mergeProducts(copies: readonly HostResult[]): HostProductTotals[] {
  const names: string[] = [];
  for (const h of copies) for (const p of h.products ?? []) if (!names.includes(p.name)) names.push(p.name);
  return names.map((name) => {
    const parts = copies.flatMap((h) => (h.products ?? []).filter((p) => p.name === name));
    const first = parts[0];
    const dlv = Object.fromEntries(HOST_COUNTER_KEYS.map((key) => [key, sumOf(parts, (p) => p.dlv[key])])) as unknown as HostCounters;
    return {
      ...first,
      count: Math.max(...parts.map((p) => p.count)),
      low: parts.every((p) => p.low),
      dlv,
      errors: sumCounts(parts.map((p) => p.errors)),
    };
  });
}

function largestCounts(counts: readonly Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const count of counts) for (const [product, n] of Object.entries(count)) out[product] = Math.max(out[product] ?? 0, n);
  return out;
}
