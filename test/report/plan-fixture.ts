// Capacity plans for the plan report's unit tests, built by the real buildPlanReport from
// made-up replications: p99 falls with the host count, `overloadedBelow` hosts time out
// and never finish activating, names can be anything.

import { buildPlanReport, type PlanReport } from "../../src/capacity/plan-report.js";
import type { ReplicationMetrics } from "../../src/capacity/replication-metrics.js";
import { planSweep } from "../../src/capacity/sweep-plan.js";
import type { ThresholdSpec } from "../../src/scenario/model.js";

export interface PlanFixtureOptions {
  scenario?: string;
  hostCounts?: number[];
  fleetSizes?: number[];
  replications?: number;
  /** Host counts below this fail the p99 threshold and never get every client activated. */
  overloadedBelow?: number;
  thresholds?: ThresholdSpec[];
  hostName?: string;
  /** Leave this many replications of the last point unfinished (interrupted sweep). */
  unfinished?: number;
}

export const DEFAULT_THRESHOLDS: ThresholdSpec[] = [
  { metric: "rpc.activation.latencyMs.p99", op: "lt", value: 1500 },
  { metric: "clients.notActivated", op: "eq", value: 0 },
  { metric: "spread.maxShareDeviation", op: "lt", value: 0.05 },
];

export function fixturePlan(options: PlanFixtureOptions = {}): PlanReport {
  const hostCounts = options.hostCounts ?? [1, 2, 3, 4];
  const fleetSizes = options.fleetSizes ?? [50_000];
  const replications = options.replications ?? 3;
  const overloadedBelow = options.overloadedBelow ?? 3;
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const sweep = planSweep(42, hostCounts, fleetSizes, replications);
  const done: ReplicationMetrics[][] = sweep.points.map(() => []);
  for (const run of sweep.runs) {
    const point = sweep.points[run.point];
    const overloaded = point.hosts < overloadedBelow;
    const p99 = overloaded ? 5001 : 900 + 40 * run.replication + 10 * point.hosts;
    const deviation = point.hosts === 1 ? 0 : 0.002 + 0.001 * run.replication;
    const activated = overloaded ? point.clients - 1000 : point.clients;
    const actuals = thresholds.map((t) =>
      t.metric === "rpc.activation.latencyMs.p99"
        ? p99
        : t.metric === "clients.notActivated"
          ? point.clients - activated
          : t.metric === "spread.maxShareDeviation"
            ? deviation
            : 0,
    );
    const passes = thresholds.map((t, k) => (t.op === "lt" ? actuals[k] < t.value : t.op === "eq" ? actuals[k] === t.value : true));
    done[run.point].push({
      replication: run.replication,
      seed: run.seed,
      pass: passes.every(Boolean),
      thresholds: actuals.map((actual, k) => ({ actual, pass: passes[k] })),
      p99ActivationMs: p99,
      allActivatedHours: overloaded ? null : 2 + 0.25 * run.replication,
      maxShareDeviation: deviation,
      clients: point.clients,
      activated,
    });
  }
  if (options.unfinished !== undefined) done[done.length - 1].splice(0, options.unfinished);
  const name = options.hostName ?? "kms";
  return buildPlanReport({
    scenario: options.scenario ?? "capacity",
    seed: 42,
    hostCounts,
    fleetSizes,
    replications,
    thresholds,
    points: sweep.points,
    hostNames: sweep.points.map((p) => Array.from({ length: p.hosts }, (_, k) => `${name}${k + 1}`)),
    done,
    wallSeconds: 1.5,
    interrupted: options.unfinished !== undefined,
  });
}
