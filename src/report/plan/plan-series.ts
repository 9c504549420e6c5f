// What one plan chart draws: per host count of one fleet size, a metric's mean and 95%
// interval with the point's verdict, and the scenario threshold that limits the metric.
// Values from the file are checked here (a number or null), so the drawing never sees NaN.

import type { PlanPoint, PlanReport } from "../../capacity/plan-report.js";

export type PlanMetric = "p99ActivationMs" | "allActivatedHours" | "maxShareDeviation";

export type PointVerdict = "pass" | "fail" | "unfinished";

export interface PlanSeriesPoint {
  hosts: number;
  /** Null: no replication has a value (none ran, or none had every client activated). */
  mean: number | null;
  /** Interval bounds; null with fewer than 2 values. */
  low: number | null;
  high: number | null;
  halfWidth: number | null;
  /** Replications with a value. */
  n: number;
  /** Replications whose fleet never finished activating (hours only, else 0). */
  never: number;
  runs: number;
  verdict: PointVerdict;
}

export interface MetricLimit {
  op: string;
  value: number;
}

/** The scenario threshold metric each plan metric is the value of. */
const THRESHOLD_METRIC: Record<PlanMetric, string | null> = {
  p99ActivationMs: "rpc.activation.latencyMs.p99",
  allActivatedHours: null,
  maxShareDeviation: "spread.maxShareDeviation",
};

const finite = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const whole = (v: unknown): number => finite(v) ?? 0;

export function pointVerdict(point: Pick<PlanPoint, "complete" | "pass">): PointVerdict {
  if (point.complete !== true) return "unfinished";
  return point.pass === true ? "pass" : "fail";
}

/** The points of one fleet size, by host count. */
export function fleetPoints(plan: PlanReport, clients: number): PlanPoint[] {
  return plan.points.filter((p) => p.clients === clients).sort((a, b) => a.hosts - b.hosts);
}

export function planSeries(points: readonly PlanPoint[], metric: PlanMetric): PlanSeriesPoint[] {
  return points.map((p) => {
    const ci = (p[metric] ?? {}) as Partial<PlanPoint["allActivatedHours"]>;
    return {
      hosts: whole(p.hosts),
      mean: finite(ci.mean),
      low: finite(ci.low),
      high: finite(ci.high),
      halfWidth: finite(ci.halfWidth),
      n: whole(ci.n),
      never: metric === "allActivatedHours" ? whole(ci.never) : 0,
      runs: whole(p.runs),
      verdict: pointVerdict(p),
    };
  });
}

/** The threshold on this metric (the first, if several), or null when the scenario sets none. */
export function metricLimit(plan: PlanReport, metric: PlanMetric): MetricLimit | null {
  const name = THRESHOLD_METRIC[metric];
  if (name === null) return null;
  const t = plan.thresholds.find((th) => th.metric === name && finite(th.value) !== null);
  return t === undefined ? null : { op: String(t.op), value: t.value };
}
