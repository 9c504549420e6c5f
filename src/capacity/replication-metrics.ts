// What a sweep keeps of one replication's result: its verdict per threshold and the three
// numbers a capacity plan reads (p99 activation latency, when the whole fleet had
// activated, how far the spread strayed from the SRV records' promise).

import type { Result, TimelineSample } from "../results/result.js";

export interface ReplicationMetrics {
  replication: number;
  seed: number;
  /** Every threshold met. */
  pass: boolean;
  /** In the scenario's threshold order. */
  thresholds: { actual: number | null; pass: boolean }[];
  p99ActivationMs: number;
  /** Simulated hours until the first timeline sample with every client activated; null: never. */
  allActivatedHours: number | null;
  maxShareDeviation: number;
  clients: number;
  activated: number;
}

/**
 * Hours from the start to the first sample where every client had activated: resolution
 * is the scenario's sampleInterval; rounded to 6 decimals. Null when no sample has them all.
 */
export function allActivatedHours(timeline: readonly TimelineSample[], totalClients: number): number | null {
  const sample = timeline.find((s) => s.activated >= totalClients);
  return sample === undefined ? null : Math.round((sample.t / 3600) * 1e6) / 1e6;
}

export function replicationMetrics(result: Result, replication: number, seed: number): ReplicationMetrics {
  return {
    replication,
    seed,
    pass: result.pass,
    thresholds: result.thresholds.map((t) => ({ actual: t.actual, pass: t.pass })),
    p99ActivationMs: result.rpc.activation.latencyMs.p99,
    allActivatedHours: allActivatedHours(result.timeline, result.clients.total),
    maxShareDeviation: result.spread.maxShareDeviation,
    clients: result.clients.total,
    activated: result.clients.activated,
  };
}
