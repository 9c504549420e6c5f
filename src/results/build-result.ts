// Turns a finished (or interrupted) run into the result JSON of design.md.

import { withRates } from "./rates.js";
import { alertsOf, withPublishFailed } from "./alerts.js";
import { derivedMetric } from "./derived-metrics.js";
import { LicenseStatus } from "../core/license.js";
import type { HostProductTotals } from "../core/host/product-report.js";
import { computeSpread, partsOf } from "../core/metrics/spread.js";
import { evaluateThresholds } from "../core/metrics/thresholds.js";
import type { DnsResult, GroupResult, HostResult, Result, RpcKindResult, ShardMeta, SpreadResult, TimelineSample } from "./result.js";
import type { ThresholdSpec } from "../scenario/model.js";
import { RESULT_SCHEMA } from "./result.js";
import { countsByHex, type OutcomeStats } from "./outcome-stats.js";
import type { GroupTotals, HostTotals, RunTotals } from "./run-totals.js";

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/**
 * Design.md's result of a finished or interrupted run.
 * `shard`: the result is one part of a sharded run; it then also carries the unrounded
 * expected requests (per host, and per host and timeline interval) that an exact merge needs.
 */
export function buildResult(totals: RunTotals, wallSeconds: number, interrupted: boolean, shard?: ShardMeta): Result {
  const { scenario, byStatus } = totals;
  const { hosts, spread } = hostResultsOf(totals.hosts, shard !== undefined);

  const partial: Omit<Result, "thresholds" | "pass"> = {
    schema: RESULT_SCHEMA,
    scenario: scenario.name,
    mode: totals.mode,
    seed: scenario.seed,
    simulatedSeconds: totals.nowMs / 1000,
    wallSeconds: Math.round(wallSeconds * 1000) / 1000,
    rpcTimeoutMs: scenario.network.rpcTimeoutMs,
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
      ...(totals.activationTimes === undefined ? {} : { activationTimes: totals.activationTimes.encode() }),
    },
    rpc: { activation: rpcResult(totals.activation), renewal: rpcResult(totals.renewal) },
    dns: dnsResult(totals.dns),
    groups: totals.groups.map(groupResult),
    hosts: withPublishFailed(hosts, totals.events),
    spread,
    failovers: totals.failovers,
    rediscoveries: totals.rediscoveries,
    events: totals.events,
    timeline: shard === undefined ? totals.timeline.map(withoutExpected) : totals.timeline,
    ...(totals.generator === undefined ? {} : { generator: totals.generator }),
  };
  partial.alerts = alertsOf(partial);
  // Thresholds speak of the whole fleet: a shard's are judged after the merge, never here.
  return withVerdict(withRates(partial), shard === undefined ? scenario.thresholds : []);
}

/**
 * Hosts' results with shares of all requests and of what the records promised, and the
 * spread between the two. `keepExpected`: also the unrounded expected requests (shards).
 */
export function hostResultsOf(totals: readonly HostTotals[], keepExpected: boolean): { hosts: HostResult[]; spread: SpreadResult } {
  const shares = partsOf(totals.map((h) => h.requests));
  const expected = partsOf(totals.map((h) => h.expectedRequests));
  const hosts = totals.map((h, k) => ({
    name: h.name,
    requests: h.requests,
    activations: h.activations,
    renewals: h.renewals,
    share: round6(shares[k]),
    expectedShare: round6(expected[k]),
    count: h.count,
    lowCount: h.lowCount,
    dlv: { ...h.dlv },
    ...(h.products === undefined ? {} : { products: h.products.map(copyProduct) }),
    refused: h.refused,
    unanswered: h.unanswered,
    lost: h.lost,
    late: h.late,
    state: h.state,
    ...(h.utilization === undefined ? {} : { utilization: Number(h.utilization.toPrecision(6)) }),
    ...(h.peakQueued === undefined ? {} : { peakQueued: h.peakQueued }),
    ...(h.clientAnswered === undefined ? {} : { clientAnswered: h.clientAnswered }),
    ...(h.clientTimedOut === undefined ? {} : { clientTimedOut: h.clientTimedOut }),
    ...(keepExpected ? { expectedRequests: h.expectedRequests } : {}),
  }));
  return { hosts, spread: computeSpread(shares, expected) };
}

function copyProduct(p: HostProductTotals): HostProductTotals {
  return { ...p, dlv: { ...p.dlv }, errors: { ...p.errors } };
}

/** Thresholds evaluated on the result; it passes when all hold and the run was whole. */
export function withVerdict(partial: Omit<Result, "thresholds" | "pass">, specs: readonly ThresholdSpec[]): Result {
  const thresholds = evaluateThresholds(specs, partial, (metric) => derivedMetric(partial, metric));
  return { ...partial, thresholds, pass: thresholds.every((t) => t.pass) && partial.interrupted !== true && partial.incomplete === undefined };
}

/** Shard-only detail (promised requests, interval histograms) left out of a whole run's samples. */
function withoutExpected(sample: TimelineSample): TimelineSample {
  if (sample.hostExpected === undefined && sample.latencyHistograms === undefined) return sample;
  const rest = { ...sample };
  delete rest.hostExpected;
  delete rest.latencyHistograms;
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

function dnsResult(stats: OutcomeStats): DnsResult {
  return { queries: stats.sent, failed: stats.failed, latencyMs: stats.latency.summary(), histogram: stats.latency.encode() };
}

function groupResult({ name, byStatus, tally }: GroupTotals): GroupResult {
  const clients = byStatus.reduce((a, n) => a + n, 0);
  return {
    name,
    clients,
    activated: tally.activatedClients,
    notActivated: clients - tally.activatedClients,
    licensed: byStatus[LicenseStatus.Licensed],
    unlicensed: byStatus[LicenseStatus.Notification],
    initialGrace: byStatus[LicenseStatus.InitialGrace],
    outOfToleranceGrace: byStatus[LicenseStatus.OutOfToleranceGrace],
    rpc: { activation: rpcResult(tally.activation), renewal: rpcResult(tally.renewal) },
    dns: dnsResult(tally.dns),
    failovers: tally.failovers,
    rediscoveries: tally.rediscoveries,
  };
}
