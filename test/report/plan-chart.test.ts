import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planChartGeometry, planChartSvg } from "../../src/report/plan/plan-chart.js";
import { metricLimit, planSeries, fleetPoints, type PlanSeriesPoint } from "../../src/report/plan/plan-series.js";
import { plotBox } from "../../src/report/svg.js";
import { fixturePlan } from "./plan-fixture.js";

const value = fc.double({ min: 0, max: 1e6, noNaN: true });

/** A series point as a plan file may hold it: no value, one value, or a symmetric interval whose low end may fall below 0. */
const seriesPoint = (hosts: number): fc.Arbitrary<PlanSeriesPoint> =>
  fc
    .record({
      hosts: fc.constant(hosts),
      kind: fc.constantFrom("none", "one", "ci"),
      mean: value,
      halfWidth: fc.double({ min: 0, max: 2e6, noNaN: true }),
      never: fc.nat({ max: 5 }),
      verdict: fc.constantFrom("pass" as const, "fail" as const, "unfinished" as const),
    })
    .map(({ kind, mean, halfWidth, never, verdict }) => ({
      hosts,
      mean: kind === "none" ? null : mean,
      low: kind === "ci" ? mean - halfWidth : null,
      high: kind === "ci" ? mean + halfWidth : null,
      halfWidth: kind === "ci" ? halfWidth : null,
      n: kind === "none" ? 0 : kind === "one" ? 1 : 3,
      never,
      runs: 3,
      verdict,
    }));

const series = fc
  .uniqueArray(fc.integer({ min: 1, max: 32 }), { minLength: 1, maxLength: 32 })
  .map((hosts) => [...hosts].sort((a, b) => a - b))
  .chain((hosts) => fc.tuple(...hosts.map(seriesPoint)));

const limit = fc.option(fc.record({ op: fc.constantFrom("lt", "lte", "gt"), value }), { nil: null });

describe("planChartGeometry", () => {
  it("puts every mark, error bar and the limit inside the plot area; each bar contains its mean", () => {
    fc.assert(
      fc.property(series, limit, (points, lim) => {
        const g = planChartGeometry(points, lim, null);
        const { x0, x1, y0, y1 } = plotBox(g.frame);
        const inside = (x: number, y: number): boolean => x >= x0 && x <= x1 && y >= y1 && y <= y0;
        for (const m of g.marks) {
          expect(inside(m.cx, m.cy), `mark ${m.hosts} at ${m.cx},${m.cy}`).toBe(true);
          if (m.whisker !== null) {
            expect(inside(m.cx, m.whisker.top) && inside(m.cx, m.whisker.bottom)).toBe(true);
            expect(m.whisker.top).toBeLessThanOrEqual(m.cy);
            expect(m.whisker.bottom).toBeGreaterThanOrEqual(m.cy);
          }
        }
        if (lim !== null) expect(g.limitY !== null && g.limitY >= y1 && g.limitY <= y0).toBe(true);
        else expect(g.limitY).toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it("draws each point with a value once, a point that never finished activating in the never row above every value, and skips the rest", () => {
    fc.assert(
      fc.property(series, (points) => {
        const g = planChartGeometry(points, null, null);
        const expected = points.filter((p) => p.mean !== null || p.never > 0).map((p) => p.hosts);
        expect(g.marks.map((m) => m.hosts)).toEqual(expected);
        const valued = g.marks.filter((m) => !m.never);
        const never = g.marks.filter((m) => m.never);
        expect(g.neverY === null).toBe(!points.some((p) => p.mean === null && p.never > 0));
        for (const n of never) {
          expect(n.cy).toBe(g.neverY);
          for (const v of valued) expect(n.cy).toBeLessThan(v.cy);
          // Above the top of the value axis, not merely above these values.
          expect(n.cy).toBeLessThan(g.y(g.y.domain[1]));
        }
      }),
      { numRuns: 200 },
    );
  });

  it("keeps order: more hosts further right, a larger mean higher up", () => {
    fc.assert(
      fc.property(series, (points) => {
        const g = planChartGeometry(points, null, null);
        for (let k = 1; k < g.marks.length; k++) expect(g.marks[k].cx).toBeGreaterThan(g.marks[k - 1].cx);
        const valued = g.marks.filter((m) => !m.never);
        for (const a of valued) {
          for (const b of valued) {
            if (a.point.mean! < b.point.mean!) expect(a.cy).toBeGreaterThanOrEqual(b.cy);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it("centres the recommended band on its host count, inside the plot, narrower than the gap to a neighbour", () => {
    fc.assert(
      fc.property(
        series.chain((points) => fc.tuple(fc.constant(points), fc.constantFrom(...points.map((p) => p.hosts)))),
        ([points, recommended]) => {
          const g = planChartGeometry(points, null, recommended);
          const { x0, x1 } = plotBox(g.frame);
          expect(g.recommended).not.toBeNull();
          expect(g.recommended!.x).toBeCloseTo(g.x(recommended), 9);
          expect(g.recommended!.x - g.recommended!.width / 2).toBeGreaterThanOrEqual(x0);
          expect(g.recommended!.x + g.recommended!.width / 2).toBeLessThanOrEqual(x1);
          const xs = points.map((p) => g.x(p.hosts));
          for (let k = 1; k < xs.length; k++) expect(g.recommended!.width).toBeLessThan(xs[k] - xs[k - 1]);
        },
      ),
      { numRuns: 150 },
    );
    expect(
      planChartGeometry([{ hosts: 2, mean: 1, low: null, high: null, halfWidth: null, n: 1, never: 0, runs: 1, verdict: "pass" }], null, 7).recommended,
    ).toBeNull();
  });

  it("cuts an interval's negative low end at 0 and lifts the axis to show the limit", () => {
    const g = planChartGeometry(
      [{ hosts: 1, mean: 0.002, low: -0.001, high: 0.005, halfWidth: 0.003, n: 3, never: 0, runs: 3, verdict: "pass" }],
      { op: "lt", value: 0.05 },
      null,
    );
    expect(g.marks[0].whisker!.bottom).toBe(g.y(0));
    expect(g.y.domain[1]).toBeGreaterThanOrEqual(0.05);
    expect(g.limitY).toBe(g.y(0.05));
  });
});

describe("plan series", () => {
  it("reads a fleet size's points in host order with verdicts, intervals and never counts", () => {
    const plan = fixturePlan({ fleetSizes: [10_000, 50_000], hostCounts: [1, 2, 3, 4] });
    const points = fleetPoints(plan, 50_000);
    expect(points.map((p) => [p.hosts, p.clients])).toEqual([1, 2, 3, 4].map((h) => [h, 50_000]));
    const p99 = planSeries(points, "p99ActivationMs");
    expect(p99.map((p) => p.verdict)).toEqual(["fail", "fail", "pass", "pass"]);
    expect(p99[2].mean).toBe(points[2].p99ActivationMs.mean);
    const hours = planSeries(points, "allActivatedHours");
    expect(hours.map((p) => [p.mean, p.never])).toEqual([
      [null, 3],
      [null, 3],
      [2.25, 0],
      [2.25, 0],
    ]);
    expect(planSeries(points, "p99ActivationMs").every((p) => p.never === 0)).toBe(true);
  });

  it("finds the limit of the metrics that have a threshold, and none for the hours", () => {
    const plan = fixturePlan();
    expect(metricLimit(plan, "p99ActivationMs")).toEqual({ op: "lt", value: 1500 });
    expect(metricLimit(plan, "maxShareDeviation")).toEqual({ op: "lt", value: 0.05 });
    expect(metricLimit(plan, "allActivatedHours")).toBeNull();
    expect(metricLimit(fixturePlan({ thresholds: [{ metric: "clients.notActivated", op: "eq", value: 0 }] }), "p99ActivationMs")).toBeNull();
  });
});

describe("planChartSvg", () => {
  it("draws a circle per valued point coloured by verdict, × for never, the limit line and the recommended band", () => {
    const plan = fixturePlan();
    const points = fleetPoints(plan, 50_000);
    const describe = (p: PlanSeriesPoint): string => `${p.hosts} hosts`;
    const p99 = planChartSvg(
      planSeries(points, "p99ActivationMs"),
      metricLimit(plan, "p99ActivationMs"),
      3,
      { label: "p99", yTitle: "ms", describe, limitLabel: "limit < 1500 ms" },
      "p99",
    );
    expect(p99.match(/<circle class="point"/g)).toHaveLength(4);
    expect(p99.match(/fill="#c0392b"/g)).toHaveLength(2);
    expect(p99.match(/fill="#1e8449"/g)).toHaveLength(2);
    expect(p99).toMatch(/<line class="limit"[^>]*><title>limit &lt; 1500 ms<\/title>/);
    expect(p99).toMatch(/<rect class="recommended"[^>]*><title>recommended: 3 hosts<\/title>/);
    expect(p99.match(/<path class="whisker"/g)).toHaveLength(4);
    const hours = planChartSvg(planSeries(points, "allActivatedHours"), null, 3, { label: "h", yTitle: "h", describe }, "hours");
    expect(hours.match(/<path class="never-mark"/g)).toHaveLength(2);
    expect(hours.match(/<circle class="point"/g)).toHaveLength(2);
    expect(hours).toContain(">never</text>");
    expect(hours).not.toContain('class="limit"');
  });
});
