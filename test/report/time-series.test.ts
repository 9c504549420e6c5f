// The report's time series: lines that break at empty intervals, per-interval latency
// percentiles and failures, the activation zoom, the percentile table and the explanations'
// code spans.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { activationCurve } from "../../src/report/charts/activations-chart.js";
import { downsampleGapped } from "../../src/report/downsample.js";
import { escapeWithCode } from "../../src/report/escape.js";
import { renderHtmlReport } from "../../src/report/index.js";
import { definedRuns, hostErrorSeries, latencySeries } from "../../src/report/interval-series.js";
import { percentileRow } from "../../src/report/sections/percentiles.js";
import { gappedPath } from "../../src/report/svg.js";
import { LatencyRecorder } from "../../src/results/latency-recorder.js";
import { fixtureResult, histogramOf } from "./fixtures.js";

const maybeValue = fc.option(fc.integer({ min: 0, max: 500 }), { nil: null });

/** The "M…L…" runs of a path: each run's points, as [x, y] pairs. */
function runsOf(d: string): [number, number][][] {
  return d
    .split("M")
    .filter((run) => run !== "")
    .map((run) => run.split("L").map((p) => p.split(",").map(Number) as [number, number]));
}

describe("gappedPath", () => {
  it("draws each stretch of defined points as its own run and never joins across a null", () => {
    fc.assert(
      fc.property(fc.array(maybeValue, { maxLength: 60 }), (values) => {
        const points = values.map((v, k) => (v === null ? null : ([k, v] as const)));
        const { d, lone } = gappedPath(points);
        const runs = definedRuns(values);
        const drawn = runsOf(d);
        expect(drawn.map((r) => r.length)).toEqual(runs.filter(([a, b]) => b - a > 1).map(([a, b]) => b - a));
        // Within a run the x steps by one: consecutive intervals, no gap crossed.
        for (const run of drawn) run.forEach(([x], k) => k > 0 && expect(x - run[k - 1][0]).toBe(1));
        expect(lone.map(([x]) => x)).toEqual(runs.filter(([a, b]) => b - a === 1).map(([a]) => a));
      }),
    );
  });
});

describe("downsampleGapped", () => {
  it("keeps a gap as a null and a spike in a long series", () => {
    const n = 20_000;
    const values = Array.from({ length: n }, (_, k) => (k >= 5000 && k < 6000 ? null : k === 12_345 ? 999 : 1));
    const kept = downsampleGapped(values, (v) => v, 100);
    expect(kept.length).toBeLessThan(500);
    expect(kept).toContain(null);
    expect(kept).toContain(999);
    // Nothing before the gap is joined to anything after it: a null sits between.
    const gap = kept.indexOf(null);
    expect(gap).toBeGreaterThan(0);
    expect(gap).toBeLessThan(kept.length - 1);
  });
});

describe("per-interval series", () => {
  it("has no latency point where no RPC completed, and the failures per host as counted", () => {
    const result = fixtureResult();
    const latency = latencySeries(result.timeline);
    expect(latency.map((p) => p.p99 === null)).toEqual(result.timeline.map((s) => s.rpc?.all.latencyMs === undefined));
    expect(latency[5].p50).toBeNull();
    expect(latency[4].p99).toBe(result.timeline[4].rpc!.all.latencyMs!.p99);
    const errors = hostErrorSeries(result.timeline, ["kms1", "kms2"]);
    expect(errors.map((s) => s.counts[1])).toEqual(result.timeline.map((s) => s.hostErrors!.kms2));
  });

  it("shows a one-interval spike of latency in a bucketed long timeline (each bucket is its worst interval)", () => {
    const base = fixtureResult().timeline[0];
    const timeline = Array.from({ length: 50_000 }, (_, k) => ({
      ...base,
      t: k + 1,
      rpc: { ...base.rpc!, all: { completed: 1, failed: 0, latencyMs: { p50: 1, p95: 2, p99: k === 31_337 ? 5000 : 3 } } },
    }));
    const points = latencySeries(timeline, 100);
    expect(points).toHaveLength(100);
    expect(Math.max(...points.map((p) => p.p99 ?? 0))).toBe(5000);
    expect(points.reduce((a, p) => a + p.of, 0)).toBe(50_000);
  });
});

describe("the report's time charts", () => {
  const html = renderHtmlReport(fixtureResult());
  const chart = (cls: string): string => new RegExp(`<svg class="chart ${cls}"[^]*?</svg>`).exec(html)?.[0] ?? "";

  it("breaks every percentile line and every share line at the interval without requests", () => {
    for (const p of ["p50", "p95", "p99"]) {
      const d = new RegExp(`<g class="percentile-series ${p}"><path class="series" d="([^"]*)"`).exec(chart("latency-time"))?.[1] ?? "";
      // Intervals 0–4 and 6–11: two runs, not one line across interval 5.
      expect(runsOf(d).map((r) => r.length)).toEqual([5, 6]);
    }
    const kms1 = /<g class="host-series"><path class="series" d="([^"]*)"/.exec(chart("host-share"))?.[1] ?? "";
    expect(runsOf(kms1).map((r) => r.length)).toEqual([5, 6]);
  });

  it("draws the failed requests of the crashed host, and no script anywhere", () => {
    expect(chart("host-errors")).toMatch(/<title>kms2: 5 failed requests/);
    expect(html).not.toMatch(/<script|\son\w+=|javascript:/i);
  });

  it("draws licensed dashed, after (over) activated", () => {
    const svg = chart("activations");
    const activated = svg.indexOf('<path class="series" ');
    const licensed = svg.indexOf('<path class="series licensed" ');
    expect(activated).toBeGreaterThan(0);
    expect(licensed).toBeGreaterThan(activated);
  });

  it("says so instead of drawing when a result has no per-interval fields (older files)", () => {
    const old = fixtureResult();
    for (const s of old.timeline) {
      delete s.rpc;
      delete s.hostErrors;
    }
    const page = renderHtmlReport(old);
    expect(page).not.toContain('class="chart latency-time"');
    expect(page).toContain("no per-interval latency or errors");
  });
});

describe("the activation zoom", () => {
  it("zooms to the first-activation times when every client activated early, and draws their curve", () => {
    const result = fixtureResult();
    const times = new LatencyRecorder();
    // 100 clients in the first 40 minutes of a 12 h run (seconds in the recorder's µs unit).
    for (let k = 0; k < 100; k++) times.recordMs((k * 24) / 1000);
    result.clients.activationTimes = times.encode();
    const html = renderHtmlReport(result);
    expect(html).toMatch(/Activations zoomed to the first 50m: every client that activated had done so by 39m/);
    expect((html.match(/<svg class="chart activations"/g) ?? []).length).toBe(2);
  });

  it("without first-activation times, zooms on the samples and says when they are too coarse", () => {
    const result = fixtureResult();
    for (const s of result.timeline) s.activated = 100;
    const html = renderHtmlReport(result);
    expect(html).toMatch(/The samples are 1h apart, so this is one interval: set a shorter <code>sampleInterval<\/code>/);
  });

  it("no zoom when activations take most of the run", () => {
    expect(renderHtmlReport(fixtureResult())).not.toContain('<p class="zoom-note">');
  });

  it("activationCurve: rises to every client, never backwards, ends at the last activation", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 8_000_000 }), { minLength: 1, maxLength: 300 }), (seconds) => {
        const times = new LatencyRecorder();
        for (const s of seconds) times.recordMs(s / 1000);
        const curve = activationCurve(times.encode())!;
        expect(curve[curve.length - 1].activated).toBe(seconds.length);
        for (let k = 1; k < curve.length; k++) {
          expect(curve[k].t).toBeGreaterThanOrEqual(curve[k - 1].t);
          expect(curve[k].activated).toBeGreaterThanOrEqual(curve[k - 1].activated);
        }
        // HdrHistogram's 3 digits: the last point is the slowest value, at most 0.1 % high.
        const last = Math.max(...seconds);
        expect(curve[curve.length - 1].t).toBeGreaterThanOrEqual(last);
        expect(curve[curve.length - 1].t).toBeLessThanOrEqual(last * 1.001 + 1);
      }),
      { numRuns: 40 },
    );
    expect(activationCurve(undefined)).toBeNull();
    expect(activationCurve("not a histogram")).toBeNull();
  });
});

describe("the percentile table", () => {
  it("reads p95 (and the rest) from the histogram, within HdrHistogram's 3 digits of the sorted values", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 10_000_000 }), { minLength: 1, maxLength: 400 }), (us) => {
        const row = percentileRow("Activation", histogramOf(us.map((v) => v / 1000)), undefined);
        const sorted = [...us].sort((a, b) => a - b);
        [50, 90, 95, 99, 99.9].forEach((p, k) => {
          const exact = sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1] / 1000;
          expect(row.values[k]).toBeGreaterThanOrEqual(exact);
          expect(row.values[k]!).toBeLessThanOrEqual(exact * 1.001 + 0.001);
        });
        expect(row.count).toBe(us.length);
      }),
      { numRuns: 60 },
    );
  });

  it("shows a p95 column in the page", () => {
    const html = renderHtmlReport(fixtureResult());
    expect(html).toMatch(
      /<table class="percentiles"><thead><tr><th>kind<\/th><th class="num">requests<\/th><th class="num">p50<\/th><th class="num">p90<\/th><th class="num">p95<\/th>/,
    );
  });
});

describe("escapeWithCode", () => {
  it("turns backticked spans into code and still escapes markup inside and out", () => {
    expect(escapeWithCode("run `kmssim explain <code>` & see")).toBe("run <code>kmssim explain &lt;code&gt;</code> &amp; see");
    expect(escapeWithCode("a lone ` stays")).toBe("a lone ` stays");
  });

  it("renders the explanations' backticks as code in the report", () => {
    const html = renderHtmlReport(fixtureResult());
    // 0xC004F038's remedy names the result's keys in backticks.
    expect(html).toContain("<code>hosts[].count</code>");
    expect(html).not.toMatch(/`hosts\[\]\.count`/);
  });
});
