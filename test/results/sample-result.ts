// A complete, hand-written Result for the threshold and summary tests.

import type { HostProductTotals } from "../../src/core/host/product-report.js";
import type { Result, RpcKindResult } from "../../src/results/result.js";

const latency = { mean: 1.1, p50: 1, p90: 1.6, p99: 3.1, p999: 6, max: 9.2 };

function rpc(sent: number, ok: number, errors: Record<string, number>): RpcKindResult {
  return {
    sent,
    ok,
    failed: sent - ok,
    errors,
    latencyMs: { ...latency },
    histogram: "",
    perSecond: sent / 17_280_000,
    successRate: ok / sent,
    errorRate: (sent - ok) / sent,
  };
}

const dlv = { total: 0, failed: 0, licensed: 0, initialGrace: 0, outOfToleranceGrace: 0, notification: 0 };

/** A served product on a host, as `slmgr /dlv <Activation ID>` shows it. */
function product(name: string, threshold: number, count: number, extra: Partial<HostProductTotals> = {}): HostProductTotals {
  const activationId = name === "office-2010" ? "bfe7a195-4f8f-4f0b-a622-cf13c7d16864" : null;
  return { name, activationId, threshold, licenseStatus: "licensed", count, low: false, dlv: { ...dlv }, errors: {}, ...extra };
}

export function sampleResult(): Result {
  return {
    schema: "kmssim/result@1",
    scenario: "multi-host",
    mode: "virtual",
    seed: 42,
    simulatedSeconds: 17_280_000,
    wallSeconds: 3.2,
    clients: {
      total: 5000,
      activated: 5000,
      notActivated: 0,
      licensed: 4990,
      unlicensed: 0,
      initialGrace: 4,
      outOfToleranceGrace: 6,
      errors: { "0xC004F074": 7 },
      inFlightAtEnd: 0,
    },
    rpc: { activation: rpc(5100, 5000, { "0xC004F038": 100 }), renewal: rpc(2000, 2000, {}) },
    rpcPerSecond: { mean: 7100 / 17_280_000, peak: 0.25 },
    dns: { queries: 5200, failed: 0, latencyMs: { ...latency }, histogram: "" },
    hosts: [
      {
        name: "kms1",
        requests: 2550,
        activations: 2500,
        renewals: 50,
        share: 0.51,
        expectedShare: 0.5,
        count: { "windows-client": 50 },
        lowCount: [],
        dlv: { ...dlv, total: 2550, licensed: 40 },
        products: [
          product("windows-client", 25, 50, { dlv: { ...dlv, total: 2550, failed: 24, licensed: 40, initialGrace: 2510 }, errors: { "0xC004F038": 24 } }),
          product("windows-server", 5, 0),
          product("office-2010", 5, 0),
        ],
        refused: 0,
        unanswered: 0,
        lost: 0,
        late: 0,
        publishFailed: 0,
        state: "up",
        perSecond: { mean: 0.000148, peak: 0.12 },
        utilization: 0.0021,
        peakQueued: 4,
        clientAnswered: 2550,
        clientTimedOut: 0,
      },
      {
        name: "kms2.branch",
        requests: 2450,
        activations: 2400,
        renewals: 50,
        share: 0.49,
        expectedShare: 0.5,
        count: { "windows-client": 50, "windows-server": 3 },
        lowCount: ["windows-server"],
        dlv: { ...dlv },
        products: [product("windows-client", 25, 50), product("windows-server", 5, 3, { low: true }), product("office-2010", 5, 0)],
        refused: 12,
        unanswered: 3,
        lost: 2,
        late: 1,
        publishFailed: 2,
        state: "down",
        perSecond: { mean: 0.000142, peak: 0.13 },
        utilization: 0.0019,
        peakQueued: 0,
        clientAnswered: 2445,
        clientTimedOut: 3,
      },
    ],
    spread: { jain: 0.9996, maxOverMean: 1.02, cv: 0.02, maxShareDeviation: 0.01 },
    failovers: 3,
    rediscoveries: 1,
    events: [
      { t: 7200, kind: "host", target: "kms1", action: "crash" },
      { t: 10_800, kind: "dns", target: "corp.example", action: "down" },
    ],
    timeline: [],
    alerts: {
      dnsPublishing: { count: 2 },
      lowActivationCount: { count: 0 },
      hostDown: { count: 0 },
      hostHung: { count: 0 },
      licenceLapsed: { count: 0 },
      list: [
        {
          kind: "dnsPublishing",
          severity: "warning",
          host: "kms2.branch",
          firstSeen: 3600,
          lastSeen: 7200,
          open: false,
          count: 2,
          message: "kms2.branch failed to publish its SRV record in corp.example (event 12293)",
        },
      ],
    },
    // As a realtime run reports it (a virtual result has none).
    generator: {
      clock: "adaptive",
      requestedTimeScale: 86_400,
      achievedTimeScale: 41_000,
      minTimeScale: 20_000,
      offeredRpcPerSecond: 4_000,
      achievedRpcPerSecond: 1_900,
      sendLagMs: { mean: 3, p50: 1, p90: 5, p99: 40, max: 120 },
      lateSends: 12,
      lateFraction: 0.002,
      unsentAtEnd: 0,
      eventLoopDelayMs: { p99: 30, max: 150 },
      threads: [{ name: "main", eventLoopDelayMs: { p50: 0.1, p99: 30, max: 150 }, utilization: 0.4 }],
      saturated: false,
    },
    thresholds: [
      { metric: "rpc.activation.latencyMs.p99", op: "lt", value: 50, actual: 3.1, pass: true },
      { metric: "spread.maxShareDeviation", op: "lt", value: 0.05, actual: 0.01, pass: true },
      { metric: "clients.notActivated", op: "eq", value: 0, actual: 0, pass: true },
    ],
    pass: true,
  };
}
