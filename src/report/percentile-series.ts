// Latency by percentile from a result's compressed HdrHistogram (µs), HdrHistogram style:
// points at percentiles that halve the distance to 100 % in a fixed number of ticks, as
// HdrHistogram's own percentile distribution does, plus the maximum as the last point.

import hdr from "hdr-histogram-js";
import type { JsHistogram } from "hdr-histogram-js";
import { LatencyRecorder } from "../results/latency-recorder.js";
import { percentileToX } from "./scales.js";

export interface PercentilePoint {
  /** 0 ≤ percentile < 100. */
  percentile: number;
  /** percentileToX(percentile): the position on the log percentile axis. */
  x: number;
  valueMs: number;
}

export interface PercentileSeries {
  count: number;
  maxMs: number;
  points: PercentilePoint[];
}

/** Points per halving of the distance to 100 % (HdrHistogram's default). */
const TICKS_PER_HALF_DISTANCE = 5;
/** Bounds the loop: 2^-(400/5) is far below 1 / any count a run can have. */
const MAX_STEPS = 400;

/** Decodes a V2 compressed histogram; throws when the text is not one. */
export function decodeHistogram(base64: string): JsHistogram {
  return hdr.decodeFromCompressedBase64(base64, 64, false) as JsHistogram;
}

/**
 * The percentile curve of a histogram of µs values, in ms. Percentiles go up while one in
 * 1/(1 − p) values still exists (1 − p ≥ 1/count); the maximum closes the curve at the
 * "one in count" position, x = log10(count). Values never decrease along the curve.
 */
export function percentileSeries(histogram: JsHistogram): PercentileSeries {
  const count = histogram.totalCount;
  if (count === 0) return { count: 0, maxMs: 0, points: [] };
  const toMs = (us: number): number => us / 1000;
  const points: PercentilePoint[] = [];
  const lastX = Math.log10(count);
  for (let step = 0; step < MAX_STEPS; step++) {
    const percentile = 100 * (1 - 2 ** (-step / TICKS_PER_HALF_DISTANCE));
    const x = percentileToX(percentile);
    if (x >= lastX) break;
    points.push({ percentile, x, valueMs: toMs(histogram.getValueAtPercentile(percentile)) });
  }
  const maxMs = toMs(histogram.maxValue);
  points.push({ percentile: 100 * (1 - 1 / count), x: lastX, valueMs: maxMs });
  // getValueAtPercentile reports a bucket's highest equivalent value, maxValue may sit
  // lower in the same bucket: keep the curve monotone so it never dips at the end.
  for (let k = 1; k < points.length; k++) {
    if (points[k].valueMs < points[k - 1].valueMs) points[k].valueMs = points[k - 1].valueMs;
  }
  return { count, maxMs: points[points.length - 1].valueMs, points };
}

/** percentileSeries of a result's histogram text (a list is added up first); null when it cannot be decoded. */
export function percentileSeriesOf(histogram: string | readonly string[]): PercentileSeries | null {
  const parts = typeof histogram === "string" ? [histogram] : histogram;
  if (parts.length === 0 || parts.includes("")) return null;
  try {
    const base64 =
      parts.length === 1 ? parts[0] : LatencyRecorder.sumOf(parts, (_k, error) => (error instanceof Error ? error : new Error(String(error)))).encode();
    return percentileSeries(decodeHistogram(base64));
  } catch {
    return null;
  }
}
