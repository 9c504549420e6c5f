// The sweep's outcome as data (`--out plan.json`, schema kmssim/plan@1): each point with
// its replications, how many replications met each threshold, means with 95% confidence
// intervals, and per fleet size the smallest host count that met every threshold in all
// replications. Pure: the same runs give the same report, apart from wallSeconds.

import type { ThresholdSpec } from "../scenario/model.js";
import { CONFIDENCE, meanCi, type MeanCi } from "../stats/confidence.js";
import { recommendHosts, type Recommendation } from "./recommend.js";
import type { ReplicationMetrics } from "./replication-metrics.js";
import type { SweepPoint } from "./sweep-plan.js";

export const PLAN_SCHEMA = "kmssim/plan@1";

export interface PlanPoint {
  hosts: number;
  clients: number;
  hostNames: string[];
  /** Replications finished (fewer than asked only when interrupted). */
  runs: number;
  complete: boolean;
  /** Complete, and every replication met every threshold. */
  pass: boolean;
  /** Per threshold (scenario order): replications that met it. */
  thresholdPasses: number[];
  p99ActivationMs: MeanCi;
  /** Over the replications where every client activated; `never` counts the others. */
  allActivatedHours: MeanCi & { never: number };
  maxShareDeviation: MeanCi;
  replications: ReplicationMetrics[];
}

export type PlanRecommendation = { clients: number } & Recommendation;

export interface PlanReport {
  schema: typeof PLAN_SCHEMA;
  scenario: string;
  seed: number;
  hostCounts: number[];
  fleetSizes: number[];
  replications: number;
  confidence: number;
  thresholds: ThresholdSpec[];
  wallSeconds: number;
  interrupted?: true;
  /** A run failed (a worker threw or died): the finished replications are kept and shown. */
  incomplete?: { reason: string };
  points: PlanPoint[];
  recommendations: PlanRecommendation[];
  /** Every fleet size has a recommended host count. */
  pass: boolean;
}

export interface PlanInputs {
  scenario: string;
  seed: number;
  hostCounts: readonly number[];
  fleetSizes: readonly number[];
  replications: number;
  thresholds: readonly ThresholdSpec[];
  points: readonly SweepPoint[];
  hostNames: readonly (readonly string[])[];
  /** Finished replications per point (any order). */
  done: readonly (readonly ReplicationMetrics[])[];
  wallSeconds: number;
  interrupted: boolean;
  /** What failed, when a run did: the sweep stopped there. */
  failure?: string;
}

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

function rounded(ci: MeanCi): MeanCi {
  const r = (x: number | null): number | null => (x === null ? null : round6(x));
  return { n: ci.n, mean: r(ci.mean), low: r(ci.low), high: r(ci.high), halfWidth: r(ci.halfWidth) };
}

export function buildPlanReport(inputs: PlanInputs): PlanReport {
  const points = inputs.points.map((point, k): PlanPoint => {
    const replications = [...inputs.done[k]].sort((a, b) => a.replication - b.replication);
    const complete = replications.length === inputs.replications;
    const reached = replications.flatMap((r) => (r.allActivatedHours === null ? [] : [r.allActivatedHours]));
    return {
      hosts: point.hosts,
      clients: point.clients,
      hostNames: [...inputs.hostNames[k]],
      runs: replications.length,
      complete,
      pass: complete && replications.every((r) => r.pass),
      thresholdPasses: inputs.thresholds.map((_, t) => replications.filter((r) => r.thresholds[t]?.pass === true).length),
      p99ActivationMs: rounded(
        meanCi(
          replications.map((r) => r.p99ActivationMs),
          CONFIDENCE,
        ),
      ),
      allActivatedHours: { ...rounded(meanCi(reached, CONFIDENCE)), never: replications.length - reached.length },
      maxShareDeviation: rounded(
        meanCi(
          replications.map((r) => r.maxShareDeviation),
          CONFIDENCE,
        ),
      ),
      replications,
    };
  });
  const recommendations = inputs.fleetSizes.map((clients): PlanRecommendation => ({
    clients,
    ...recommendHosts(points.filter((p) => p.clients === clients)),
  }));
  return {
    schema: PLAN_SCHEMA,
    scenario: inputs.scenario,
    seed: inputs.seed,
    hostCounts: [...inputs.hostCounts],
    fleetSizes: [...inputs.fleetSizes],
    replications: inputs.replications,
    confidence: CONFIDENCE,
    thresholds: inputs.thresholds.map(({ metric, op, value }) => ({ metric, op, value })),
    wallSeconds: Math.round(inputs.wallSeconds * 1000) / 1000,
    ...(inputs.interrupted ? { interrupted: true as const } : {}),
    ...(inputs.failure === undefined ? {} : { incomplete: { reason: inputs.failure } }),
    points,
    recommendations,
    pass: inputs.failure === undefined && recommendations.every((r) => r.hosts !== null),
  };
}
