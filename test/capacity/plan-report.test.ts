import { describe, expect, it } from "vitest";
import { buildPlanReport, PLAN_SCHEMA, type PlanInputs } from "../../src/capacity/plan-report.js";
import { formatCi, formatHostCounts, formatValue, renderPlan } from "../../src/capacity/render-plan.js";
import type { ReplicationMetrics } from "../../src/capacity/replication-metrics.js";
import { allActivatedHours } from "../../src/capacity/replication-metrics.js";

function rep(replication: number, p99: number, hours: number | null, passes: boolean[]): ReplicationMetrics {
  return {
    replication,
    seed: 1000 + replication,
    pass: passes.every(Boolean),
    thresholds: passes.map((pass) => ({ actual: p99, pass })),
    p99ActivationMs: p99,
    allActivatedHours: hours,
    maxShareDeviation: 0.01 * (replication + 1),
    clients: 100,
    activated: hours === null ? 90 : 100,
  };
}

function inputs(done: ReplicationMetrics[][], extra: Partial<PlanInputs> = {}): PlanInputs {
  return {
    scenario: "cap",
    seed: 7,
    hostCounts: [1, 2, 3],
    fleetSizes: [100],
    replications: 2,
    thresholds: [
      { metric: "rpc.activation.latencyMs.p99", op: "lt", value: 50 },
      { metric: "clients.notActivated", op: "eq", value: 0 },
    ],
    points: [1, 2, 3].map((hosts, index) => ({ index, hosts, clients: 100 })),
    hostNames: [["kms1"], ["kms1", "kms2"], ["kms1", "kms2", "kms3"]],
    done,
    wallSeconds: 1.23456,
    interrupted: false,
    ...extra,
  };
}

describe("the plan report", () => {
  const report = buildPlanReport(
    inputs([
      [rep(1, 900, null, [false, false]), rep(0, 800, null, [false, false])],
      [rep(0, 60, 2, [false, true]), rep(1, 40, null, [true, false])],
      [rep(0, 20, 1.5, [true, true]), rep(1, 30, 2.5, [true, true])],
    ]),
  );

  it("counts per point the replications meeting each threshold, and the verdict", () => {
    expect(report.schema).toBe(PLAN_SCHEMA);
    expect(report.points.map((p) => p.thresholdPasses)).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
    expect(report.points.map((p) => p.pass)).toEqual([false, false, true]);
    expect(report.points.map((p) => p.replications.map((r) => r.replication))).toEqual([
      [0, 1],
      [0, 1],
      [0, 1],
    ]);
    expect(report.recommendations).toEqual([{ clients: 100, hosts: 3, failedAbove: [] }]);
    expect(report.pass).toBe(true);
    expect(report.wallSeconds).toBe(1.235);
    expect(report).not.toHaveProperty("interrupted");
  });

  it("summarises each metric over the replications; time to all activated over those that got there", () => {
    const [one, two, three] = report.points;
    expect(three.p99ActivationMs).toMatchObject({ n: 2, mean: 25 });
    // t(1) · s / √2 with s = √50: 12.706 · 5 = 63.53.
    expect(three.p99ActivationMs.halfWidth).toBeCloseTo(63.531, 2);
    expect(one.allActivatedHours).toMatchObject({ n: 0, mean: null, never: 2 });
    expect(two.allActivatedHours).toMatchObject({ n: 1, mean: 2, halfWidth: null, never: 1 });
    expect(three.allActivatedHours).toMatchObject({ n: 2, mean: 2, never: 0 });
    expect(three.maxShareDeviation.mean).toBeCloseTo(0.015, 9);
  });

  it("an interrupted sweep keeps its finished replications and leaves the answer open behind an unfinished point", () => {
    const partial = buildPlanReport(
      inputs([[rep(0, 900, null, [false, false]), rep(1, 900, null, [false, false])], [rep(0, 20, 1, [true, true])], []], { interrupted: true }),
    );
    expect(partial.interrupted).toBe(true);
    expect(partial.points.map((p) => [p.runs, p.complete, p.pass])).toEqual([
      [2, true, false],
      [1, false, false],
      [0, false, false],
    ]);
    expect(partial.recommendations).toEqual([{ clients: 100, hosts: null, reason: "unfinished", unfinishedAt: 2 }]);
    expect(partial.pass).toBe(false);
    const text = renderPlan(partial, { color: false, workers: 2 });
    expect(text).toContain("(interrupted)");
    expect(text).toMatch(/ran 1\/2/);
    expect(text).toContain("not known: the sweep stopped before 2 hosts finished");
  });

  it("renders one row per host count with threshold counts, mean ± CI, and the answer", () => {
    const text = renderPlan(report, { color: false, workers: 2 });
    expect(text).toContain("T1  rpc.activation.latencyMs.p99 < 50");
    expect(text).toContain("T2  clients.notActivated = 0");
    const rows = text.split("\n").filter((l) => /^\s+\d\s+(PASS|fail)/.test(l));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/1\s+fail\s+0\/2\s+0\/2\s+850ms ± 635\.3ms\s+never/);
    expect(rows[1]).toMatch(/2\s+fail\s+1\/2\s+1\/2\s+50ms ± 127\.1ms\s+2h \(n=1\), never in 1/);
    expect(rows[2]).toMatch(/3\s+PASS\s+2\/2\s+2\/2\s+25ms ± 63\.53ms\s+2h ± 6\.353h/);
    expect(text).toContain("→ 100 clients: 3 hosts, the smallest count that met every threshold in all 2 replications");
  });

  it("says when no host count met the thresholds, and when larger counts failed after all", () => {
    const none = buildPlanReport(inputs([[rep(0, 90, 1, [false, true])], [rep(0, 90, 1, [false, true])], [rep(0, 90, 1, [false, true])]], { replications: 1 }));
    expect(none.pass).toBe(false);
    expect(renderPlan(none, { color: false, workers: 0 })).toContain("→ 100 clients: none of 1..3 hosts met every threshold in its one replication");
    const bumpy = buildPlanReport(inputs([[rep(0, 9, 1, [true, true])], [rep(0, 90, 1, [false, true])], [rep(0, 9, 1, [true, true])]], { replications: 1 }));
    expect(bumpy.recommendations[0]).toEqual({ clients: 100, hosts: 1, failedAbove: [2] });
    expect(renderPlan(bumpy, { color: false, workers: 0 })).toMatch(/note: 2 host\(s\) failed although 1 passed/);
  });
});

describe("plan formatting", () => {
  it("keeps 4 significant digits and groups thousands", () => {
    expect(formatValue(374.2345)).toBe("374.2");
    expect(formatValue(0.0074123)).toBe("0.007412");
    expect(formatValue(5001.215)).toBe("5,001");
    expect(formatValue(0)).toBe("0");
    expect(formatCi({ n: 1, mean: 3, low: null, high: null, halfWidth: null }, "ms")).toBe("3ms (n=1)");
    expect(formatCi({ n: 0, mean: null, low: null, high: null, halfWidth: null })).toBe("–");
  });

  it("writes host counts back as ranges", () => {
    expect(formatHostCounts([1, 2, 3, 4])).toBe("1..4");
    expect(formatHostCounts([1, 2, 4, 6, 7, 8])).toBe("1,2,4,6..8");
    expect(formatHostCounts([5])).toBe("5");
  });
});

describe("time until every client activated", () => {
  const sample = (t: number, activated: number) => ({
    t,
    activated,
    licensed: activated,
    hostRequests: {},
    spread: { jain: 1, maxOverMean: 1, cv: 0, maxShareDeviation: 0 },
  });

  it("is the first timeline sample with every client, in hours, or null", () => {
    expect(allActivatedHours([sample(1800, 50), sample(3600, 100), sample(5400, 100)], 100)).toBe(1);
    expect(allActivatedHours([sample(1800, 50), sample(3600, 99)], 100)).toBeNull();
    expect(allActivatedHours([], 100)).toBeNull();
  });
});
