// Turns a finished (or interrupted) run into the result JSON of design.md.

import { LicenseStatus } from "../core/license.js";
import { computeSpread } from "../core/metrics/spread.js";
import { evaluateThresholds } from "../core/metrics/thresholds.js";
import type { HostResult, Result, RpcKindResult, ShardMeta, TimelineSample } from "../output/result.js";
import { RESULT_SCHEMA } from "../output/result.js";
import { countsByHex, type OutcomeStats } from "./outcome-stats.js";
import type { RunTotals } from "./run-totals.js";

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/**
 * `shard`: the result is one part of a sharded run; it then also carries the unrounded
 * expected requests (per host, and per host and timeline interval) that an exact merge needs.
 */
export function buildResult(totals: RunTotals, wallSeconds: number, interrupted: boolean, shard?: ShardMeta): Result {
  const { scenario, byStatus } = totals;
  const totalRequests = totals.hosts.reduce((a, h) => a + h.requests, 0);
  const expectedTotal = totals.hosts.reduce((a, h) => a + h.expectedRequests, 0);
  const shares = totals.hosts.map((h) => (totalRequests > 0 ? h.requests / totalRequests : 0));
  const expected = totals.hosts.map((h) => (expectedTotal > 0 ? h.expectedRequests / expectedTotal : 0));

  const hosts: HostResult[] = totals.hosts.map((h, k) => ({
    name: h.name,
    requests: h.requests,
    activations: h.activations,
    renewals: h.renewals,
    share: round6(shares[k]),
    expectedShare: round6(expected[k]),
    count: h.count,
    // The alert fires for products in use on this host: some clients counted, too few.
    lowCount: h.lowCount.filter((product) => (h.count[product] ?? 0) > 0),
    dlv: { ...h.dlv },
    refused: h.refused,
    unanswered: h.unanswered,
    lost: h.lost,
    late: h.late,
    state: h.state,
    ...(h.clientAnswered === undefined ? {} : { clientAnswered: h.clientAnswered }),
    ...(h.clientTimedOut === undefined ? {} : { clientTimedOut: h.clientTimedOut }),
    ...(shard === undefined ? {} : { expectedRequests: h.expectedRequests }),
  }));

  const partial: Omit<Result, "thresholds" | "pass"> = {
    schema: RESULT_SCHEMA,
    scenario: scenario.name,
    mode: totals.mode,
    seed: scenario.seed,
    simulatedSeconds: totals.nowMs / 1000,
    wallSeconds: Math.round(wallSeconds * 1000) / 1000,
    ...(interrupted ? { interrupted: true } : {}),
    ...(totals.incomplete === undefined ? {} : { incomplete: totals.incomplete }),
    ...(shard === undefined ? {} : { shard }),
    clients: {
      total: totals.clientsTotal,
      activated: totals.activatedClients,
      notActivated: totals.clientsTotal - totals.activatedClients,
      licensed: byStatus[LicenseStatus.Licensed],
      unlicensed: byStatus[LicenseStatus.Notification],
      initialGrace: byStatus[LicenseStatus.InitialGrace],
      outOfToleranceGrace: byStatus[LicenseStatus.OutOfToleranceGrace],
      errors: countsByHex(totals.attemptErrors),
      inFlightAtEnd: totals.inFlight,
    },
    rpc: { activation: rpcResult(totals.activation), renewal: rpcResult(totals.renewal) },
    dns: {
      queries: totals.dns.sent,
      failed: totals.dns.failed,
      latencyMs: totals.dns.latency.summary(),
      histogram: totals.dns.latency.encode(),
    },
    hosts,
    spread: computeSpread(shares, expected),
    failovers: totals.failovers,
    rediscoveries: totals.rediscoveries,
    events: totals.events,
    timeline: shard === undefined ? totals.timeline.map(withoutExpected) : totals.timeline,
  };
  const thresholds = evaluateThresholds(scenario.thresholds, partial);
  return { ...partial, thresholds, pass: thresholds.every((t) => t.pass) && !interrupted && totals.incomplete === undefined };
}

function withoutExpected(sample: TimelineSample): TimelineSample {
  if (sample.hostExpected === undefined) return sample;
  const rest = { ...sample };
  delete rest.hostExpected;
  return rest;
}

function rpcResult(stats: OutcomeStats): RpcKindResult {
  return {
    sent: stats.sent,
    ok: stats.ok,
    failed: stats.failed,
    errors: stats.errorsByHex(),
    latencyMs: stats.latency.summary(),
    histogram: stats.latency.encode(),
  };
}
