// A small, complete Result for the report's unit tests, with real encoded histograms and
// a timeline, built from a few knobs so tests can put hostile strings anywhere.

import { LatencyRecorder } from "../../src/results/latency-recorder.js";
import type { Result } from "../../src/results/result.js";

export function histogramOf(valuesMs: readonly number[]): string {
  const r = new LatencyRecorder();
  for (const v of valuesMs) r.recordMs(v);
  return r.encode();
}

export interface FixtureNames {
  scenario?: string;
  hosts?: [string, string];
  metric?: string;
  eventTarget?: string;
  reason?: string;
  product?: string;
}

const dlv = { total: 0, failed: 0, licensed: 0, initialGrace: 0, outOfToleranceGrace: 0, notification: 0 };
const latency = { mean: 2, p50: 2, p90: 3, p99: 5, p999: 9, max: 12 };

export function fixtureResult(names: FixtureNames = {}): Result {
  const [a, b] = names.hosts ?? ["kms1", "kms2"];
  const product = names.product ?? "windows-client";
  const spread = { jain: 0.99, maxOverMean: 1.1, cv: 0.1, maxShareDeviation: 0.04 };
  const timeline = Array.from({ length: 12 }, (_, k) => ({
    t: (k + 1) * 3600,
    activated: Math.min(100, (k + 1) * 20),
    licensed: Math.min(100, k * 20),
    // Interval 5 has no requests at all: its share is undefined, not 0.
    hostRequests: k === 5 ? { [a]: 0, [b]: 0 } : { [a]: 30 + k, [b]: k < 3 ? 10 : 0 },
    spread,
    // What the clients saw: after kms2's crash at 3 h its requests fail (refused, fast),
    // and interval 5 completed nothing (no percentiles: a gap in the latency lines).
    rpc:
      k === 5
        ? { activation: { completed: 0, failed: 0 }, renewal: { completed: 0, failed: 0 }, all: { completed: 0, failed: 0 } }
        : {
            activation: { completed: 20, failed: k >= 3 ? 5 : 0, latencyMs: { p50: 2, p95: 4, p99: 6 + k } },
            renewal: { completed: 20, failed: 0, latencyMs: { p50: 2, p95: 3, p99: 4 } },
            all: { completed: 40, failed: k >= 3 ? 5 : 0, latencyMs: { p50: 2, p95: 3.5 + k / 10, p99: 6 + k } },
          },
    hostErrors: { [a]: 0, [b]: k >= 3 && k !== 5 ? 5 : 0 },
  }));
  return {
    schema: "kmssim/result@1",
    scenario: names.scenario ?? "fixture",
    mode: "virtual",
    seed: 7,
    simulatedSeconds: 12 * 3600,
    wallSeconds: 0.4,
    clients: {
      total: 100,
      activated: 100,
      notActivated: 0,
      licensed: 100,
      unlicensed: 0,
      initialGrace: 0,
      outOfToleranceGrace: 0,
      errors: { "0xC004F074": 3 },
      inFlightAtEnd: 0,
    },
    rpc: {
      activation: {
        sent: 110,
        ok: 100,
        failed: 10,
        errors: { "0xC004F038": 10 },
        latencyMs: latency,
        histogram: histogramOf(Array.from({ length: 110 }, (_, k) => 1 + k / 10)),
      },
      renewal: {
        sent: 50,
        ok: 45,
        failed: 5,
        errors: { "0x800706BA": 5 },
        latencyMs: latency,
        histogram: histogramOf(Array.from({ length: 50 }, (_, k) => (k < 45 ? 2 : 5000))),
      },
    },
    dns: { queries: 120, failed: 0, latencyMs: latency, histogram: histogramOf(Array.from({ length: 120 }, () => 1)) },
    hosts: [
      {
        name: a,
        requests: 400,
        activations: 80,
        renewals: 320,
        share: 0.8,
        expectedShare: 0.75,
        count: { [product]: 50 },
        lowCount: [],
        dlv: { ...dlv },
        refused: 0,
        unanswered: 0,
        lost: 0,
        late: 0,
        state: "up",
      },
      {
        name: b,
        requests: 100,
        activations: 20,
        renewals: 80,
        share: 0.2,
        expectedShare: 0.25,
        count: { [product]: 20 },
        lowCount: [product],
        dlv: { ...dlv },
        refused: 5,
        unanswered: 0,
        lost: 0,
        late: 0,
        state: "down",
      },
    ],
    spread,
    failovers: 5,
    rediscoveries: 5,
    events: [
      { t: 0, kind: "dns", target: a, action: "published", domain: "corp.example", eventId: 12294 },
      { t: 3 * 3600, kind: "host", target: names.eventTarget ?? b, action: "crash" },
      { t: 4 * 3600, kind: "dns", target: "dns", action: "down" },
      { t: 5 * 3600, kind: "dns", target: b, action: "publish-failed", domain: "corp.example", eventId: 12293, reason: names.reason ?? "refused" },
    ],
    timeline,
    thresholds: [
      { metric: names.metric ?? "rpc.activation.latencyMs.p99", op: "lt", value: 50, actual: 5, pass: true },
      { metric: "clients.notActivated", op: "eq", value: 0, actual: 1, pass: false },
    ],
    pass: false,
  };
}
