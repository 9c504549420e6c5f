// `kmssim report` on a result with 300,000 timeline samples: no "Maximum call stack size
// exceeded" (no spread of a long array into a call), and the charts are thinned to a few
// thousand points that still show a one-sample spike.

import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Result } from "../../src/results/result.js";
import { formatTable } from "../../src/format/format-table.js";
import { CHART_BUCKETS, downsampleMinMax, maxOf } from "../../src/report/downsample.js";
import { renderHtmlReport } from "../../src/report/index.js";
import { fixtureResult } from "./fixtures.js";

const SAMPLES = 300_000;
const SPIKE_AT = 123_457;
const SPIKE_REQUESTS = 987_654;

/** The fixture's timeline stretched to `n` samples, one interval with a spike of requests. */
function hugeResult(n: number): Result {
  const result = fixtureResult();
  const stepSeconds = result.simulatedSeconds / n;
  result.timeline = Array.from({ length: n }, (_, k) => ({
    t: (k + 1) * stepSeconds,
    activated: Math.floor((100 * (k + 1)) / n),
    licensed: Math.floor((100 * k) / n),
    hostRequests: k === SPIKE_AT ? { kms1: SPIKE_REQUESTS, kms2: 1 } : { kms1: 2 + (k % 3), kms2: 1 },
    spread: result.spread,
  }));
  return result;
}

describe("a result with 300,000 timeline samples", () => {
  let html = "";
  beforeAll(() => {
    html = renderHtmlReport(hugeResult(SAMPLES));
  });

  it("renders, at a size a browser opens", () => {
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html.length).toBeLessThan(2_000_000);
  });

  it("draws a few thousand points per line, not 300,000", () => {
    const paths = html.match(/<path class="series" d="[^"]*"/g) ?? [];
    expect(paths.length).toBeGreaterThan(0);
    for (const path of paths) expect((path.match(/L/g) ?? []).length).toBeLessThanOrEqual(4 * CHART_BUCKETS + 1);
  });

  it("keeps the one-sample spike in the requests chart", () => {
    expect(html).toContain(`kms1: ${SPIKE_REQUESTS} requests`);
    expect((html.match(/<rect [^>]*><title>kms1: /g) ?? []).length).toBeLessThanOrEqual(CHART_BUCKETS);
  });
});

describe("downsampleMinMax", () => {
  it("keeps first, last, every bucket's extremes, in order, at most 4 per bucket", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 3000 }), fc.integer({ min: 1, max: 50 }), (values, buckets) => {
        const points = values.map((v, i) => ({ i, v }));
        const kept = downsampleMinMax(points, (p) => p.v, buckets);
        expect(kept.length).toBeLessThanOrEqual(Math.max(points.length <= 4 * buckets ? points.length : 0, 4 * buckets));
        for (let k = 1; k < kept.length; k++) expect(kept[k].i).toBeGreaterThan(kept[k - 1].i);
        expect(kept[0].i).toBe(0);
        expect(kept[kept.length - 1].i).toBe(points.length - 1);
        const values_ = kept.map((p) => p.v);
        expect(Math.min(...values_)).toBe(Math.min(...values));
        expect(Math.max(...values_)).toBe(Math.max(...values));
      }),
      { numRuns: 200 },
    );
  });

  it("maxOf takes 300,000 values without a stack overflow", () => {
    const values = Array.from({ length: SAMPLES }, (_, k) => k % 1000);
    expect(maxOf(values)).toBe(999);
    expect(maxOf([], 7)).toBe(7);
  });
});

it("formatTable lays out 300,000 rows", () => {
  const rows = Array.from({ length: SAMPLES }, (_, k) => [String(k), "x"]);
  const lines = formatTable(rows);
  expect(lines).toHaveLength(SAMPLES);
  // Every row padded to the widest first cell ("299999").
  expect(lines[0]).toBe(`0${" ".repeat(5)}  x`);
  expect(lines[SAMPLES - 1]).toBe("299999  x");
});
