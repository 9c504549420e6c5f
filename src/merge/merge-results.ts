// `kmssim merge`: the shards of one run added up into that run's result. Counters are
// summed, histograms merged bucket by bucket, shares and spread recomputed from the
// summed requests, and the thresholds evaluated on the merged result, never per shard.
// Virtual shards give exactly the single run's counters and histograms (each shard
// simulated the whole fleet and measured its own clients).

import { withRates } from "../results/rates.js";
import type { RpcKindResult, Result } from "../results/result.js";
import { RESULT_SCHEMA } from "../results/result.js";
import { hostResultsOf, withVerdict } from "../results/build-result.js";
import { alertsOf, withPublishFailed } from "../results/alerts.js";
import { checkShards, type ShardInput } from "./check-shards.js";
import { mergeHistograms } from "./merge-latency.js";
import { mergeHosts } from "./merge-hosts.js";
import { hostSideThresholds } from "./host-side.js";
import { withHostReports, type HostReportInput } from "./host-reports.js";
import type { HostTotals } from "../results/run-totals.js";
import { mergeTimelines } from "./merge-timeline.js";
import { MergeError } from "./merge-error.js";
import { sumCounts, sumOf } from "./sum-counts.js";
import { mergeGroups } from "./merge-groups.js";
import { mergeDnsParts, mergeRpcParts } from "./merge-outcomes.js";

/** `hostReports`: for --external-hosts shards, the hosts' own counts (`kmssim host --out`). */
export function mergeShardResults(inputs: readonly ShardInput[], hostReports: readonly HostReportInput[] = []): Result {
  const shards = checkShards(inputs);
  const results = shards.map((s) => s.result);
  const first = results[0];
  const meta = first.shard!;
  const clientsTotal = sumOf(results, (r) => r.clients.total);
  const incomplete = mergedIncomplete(results);
  if (incomplete === undefined && clientsTotal !== meta.fleetClients) {
    throw new MergeError(
      `the shards hold ${clientsTotal} clients but their run has ${meta.fleetClients}: they were not written by the same kmssim`,
      "KMSSIM_CLIENTS_MISMATCH",
    );
  }
  const totals = hostsOf(shards, hostReports);
  const { hosts, spread } = hostResultsOf(totals, false);
  const interrupted = results.some((r) => r.interrupted === true);
  const sumClients = (pick: (c: Result["clients"]) => number): number => sumOf(results, (r) => pick(r.clients));
  const partial: Omit<Result, "thresholds" | "pass"> = {
    schema: RESULT_SCHEMA,
    scenario: first.scenario,
    mode: first.mode,
    seed: first.seed,
    // Shards run side by side: the merged run took as long as its slowest part.
    simulatedSeconds: Math.max(...results.map((r) => r.simulatedSeconds)),
    wallSeconds: Math.max(...results.map((r) => r.wallSeconds)),
    ...(first.rpcTimeoutMs === undefined ? {} : { rpcTimeoutMs: first.rpcTimeoutMs }),
    ...(interrupted ? { interrupted: true } : {}),
    ...(incomplete === undefined ? {} : { incomplete }),
    merged: { shards: meta.count, runDigest: meta.runDigest },
    clients: {
      total: clientsTotal,
      activated: sumClients((c) => c.activated),
      notActivated: sumClients((c) => c.notActivated),
      licensed: sumClients((c) => c.licensed),
      unlicensed: sumClients((c) => c.unlicensed),
      initialGrace: sumClients((c) => c.initialGrace),
      outOfToleranceGrace: sumClients((c) => c.outOfToleranceGrace),
      errors: sumCounts(results.map((r) => r.clients.errors)),
      inFlightAtEnd: sumClients((c) => c.inFlightAtEnd),
      ...activationTimesOf(shards),
    },
    rpc: {
      activation: mergeRpcKind(shards, "activation"),
      renewal: mergeRpcKind(shards, "renewal"),
    },
    dns: mergeDnsParts(
      shards.map(({ file, result }) => ({ file, part: result.dns })),
      "dns",
    ),
    ...mergeGroups(shards),
    hosts: withPublishFailed(hosts, first.events),
    spread,
    failovers: sumOf(results, (r) => r.failovers),
    rediscoveries: sumOf(results, (r) => r.rediscoveries),
    // Scenario events and DNS record changes happen to the hosts, the same in every shard.
    events: first.events,
    timeline: mergeTimelines(
      shards,
      hosts.map((h) => h.name),
    ),
  };
  partial.alerts = alertsOf(partial);
  // The scenario's thresholds, carried by every shard, judged on the whole fleet.
  return withVerdict(
    withRates(partial),
    // The result schema admits only the scenario's operators (checkShards read each shard through it).
    meta.thresholds.map(({ metric, op, value }) => ({ metric, op, value })),
  );
}

/**
 * The merged hosts. Shards that ran their own hosts counted them; --external-hosts shards
 * saw only their side, so what only a host counts comes from its report, and without one a
 * threshold on it is refused rather than judged on placeholders.
 */
function hostsOf(shards: readonly ShardInput[], reports: readonly HostReportInput[]): HostTotals[] {
  const totals = mergeHosts(shards);
  const meta = shards[0].result.shard!;
  if (meta.externalHosts !== true) {
    if (reports.length > 0) {
      throw new MergeError("--hosts is for shards run with --external-hosts: these shards ran their own hosts and counted them", "KMSSIM_HOSTS_NOT_EXTERNAL");
    }
    return totals;
  }
  if (reports.length > 0) return withHostReports(totals, reports, shards[0].result);
  const hostSide = hostSideThresholds(
    meta.thresholds,
    totals.map((t) => t.name),
  );
  if (hostSide.length > 0) {
    throw new MergeError(
      `the shards ran with --external-hosts, so only the hosts counted ${hostSide.join(", ")}: ` +
        "give their counts with --hosts (the file `kmssim host --out` writes when stopped)",
      "KMSSIM_NEEDS_HOSTS",
    );
  }
  return totals;
}

function mergeRpcKind(shards: readonly ShardInput[], kind: "activation" | "renewal"): RpcKindResult {
  return mergeRpcParts(
    shards.map(({ file, result }) => ({ file, part: result.rpc[kind] })),
    `rpc.${kind}`,
  );
}

/** Shards that were cut short: their reasons, and every client not reported. */
function mergedIncomplete(results: readonly Result[]): Result["incomplete"] {
  const cut = results.filter((r) => r.incomplete !== undefined);
  if (cut.length === 0) return undefined;
  const reasons = [...new Set(cut.map((r) => `shard ${r.shard!.index}/${r.shard!.count}: ${r.incomplete!.reason}`))];
  return { reason: reasons.join("; "), clientsUnreported: sumOf(cut, (r) => r.incomplete!.clientsUnreported) };
}

/** The shards' first-activation times added up; left out unless every shard has them (older files). */
function activationTimesOf(shards: readonly ShardInput[]): { activationTimes?: string } {
  const parts = shards.map(({ file, result }) => ({ file, histogram: result.clients.activationTimes }));
  if (parts.some((p) => p.histogram === undefined)) return {};
  return { activationTimes: mergeHistograms(parts as { file: string; histogram: string }[], "clients.activationTimes").histogram };
}
