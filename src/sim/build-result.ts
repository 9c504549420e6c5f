// Turns a finished (or interrupted) virtual run into the result JSON of design.md.

import { LicenseStatus, licenseStatusAt } from "../core/license.js";
import { computeSpread } from "../core/metrics/spread.js";
import { evaluateThresholds } from "../core/metrics/thresholds.js";
import type { HostResult, Result, RpcKindResult } from "../output/result.js";
import { RESULT_SCHEMA } from "../output/result.js";
import { countsByHex, type OutcomeStats } from "./rpc-stats.js";
import type { VirtualEngine } from "./virtual-engine.js";

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

export function buildResult(engine: VirtualEngine, wallSeconds: number, interrupted: boolean): Result {
  const { scenario, fleet } = engine;
  const nowMs = engine.nowMs;
  engine.ledger.flush(engine.servingMask());
  engine.ledger.takeInterval();

  const byStatus = [0, 0, 0, 0];
  for (let i = 0; i < fleet.size; i++) byStatus[licenseStatusAt(nowMs, fleet.installedAtMs(i), fleet.validUntilMs(i))]++;

  const realHosts = engine.hosts.filter((h) => h.spec !== null);
  const totalRequests = engine.hosts.reduce((a, h) => a + h.requests, 0);
  const expectedTotal = engine.ledger.total.reduce((a, b) => a + b, 0);
  const shares = engine.hosts.map((h) => (totalRequests > 0 ? h.requests / totalRequests : 0));
  const expected = Array.from(engine.ledger.total, (e) => (expectedTotal > 0 ? e / expectedTotal : 0));

  const hosts: HostResult[] = realHosts.map((h) => {
    const c = h.logic.counters;
    const count = h.logic.counts(nowMs);
    return {
      name: h.name,
      requests: h.requests,
      activations: h.activations,
      renewals: h.renewals,
      share: round6(shares[h.index]),
      expectedShare: round6(expected[h.index]),
      count,
      // The alert fires for products in use on this host: some clients counted, too few.
      lowCount: h.logic.lowCountProducts(nowMs).filter((product) => (count[product] ?? 0) > 0),
      dlv: {
        total: c.total,
        failed: c.failed,
        licensed: c.licensed,
        initialGrace: c.initialGrace,
        outOfToleranceGrace: c.outOfToleranceGrace,
        notification: c.notification,
      },
      refused: h.refused,
      unanswered: h.unanswered,
      lost: h.lost,
      late: h.late,
      state: h.stateName,
    };
  });

  const partial: Omit<Result, "thresholds" | "pass"> = {
    schema: RESULT_SCHEMA,
    scenario: scenario.name,
    mode: "virtual",
    seed: scenario.seed,
    simulatedSeconds: nowMs / 1000,
    wallSeconds: Math.round(wallSeconds * 1000) / 1000,
    ...(interrupted ? { interrupted: true } : {}),
    clients: {
      total: fleet.size,
      activated: engine.activatedClients,
      notActivated: fleet.size - engine.activatedClients,
      licensed: byStatus[LicenseStatus.Licensed],
      unlicensed: byStatus[LicenseStatus.Notification],
      initialGrace: byStatus[LicenseStatus.InitialGrace],
      outOfToleranceGrace: byStatus[LicenseStatus.OutOfToleranceGrace],
      errors: countsByHex(engine.attemptErrors),
      inFlightAtEnd: engine.inFlight(),
    },
    rpc: { activation: rpcResult(engine.activation), renewal: rpcResult(engine.renewal) },
    dns: {
      queries: engine.dnsStats.sent,
      failed: engine.dnsStats.failed,
      latencyMs: engine.dnsStats.latency.summary(),
      histogram: engine.dnsStats.latency.encode(),
    },
    hosts,
    spread: computeSpread(shares, expected),
    failovers: engine.failovers,
    rediscoveries: engine.rediscoveries,
    events: engine.eventLog,
    timeline: engine.samples.samples,
  };
  const thresholds = evaluateThresholds(scenario.thresholds, partial);
  return { ...partial, thresholds, pass: thresholds.every((t) => t.pass) && !interrupted };
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
