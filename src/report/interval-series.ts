// Per-interval series of the timeline's client-side fields: latency percentiles of the RPCs
// completed in each interval (null where none completed: a gap, not a 0) and failed RPCs
// per host. Long timelines are cut into at most CHART_BUCKETS buckets, each drawn as its
// worst interval, so a one-interval spike of latency still shows.

import type { TimelineSample } from "../results/result.js";
import { bucketRanges, CHART_BUCKETS } from "./downsample.js";
import { countOf, perHostSeries, type ShareSample } from "./share-series.js";

export const LATENCY_PERCENTILES = ["p50", "p95", "p99"] as const;
export type IntervalPercentile = (typeof LATENCY_PERCENTILES)[number];

export interface LatencyPoint {
  fromSeconds: number;
  toSeconds: number;
  /** RPCs completed in the interval (the bucket's, for a bucket of intervals). */
  completed: number;
  /** ms; null when no RPC completed (or the result has no percentiles for it). */
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** Intervals this point stands for. */
  of: number;
}

/** Whether any sample carries client-side interval fields (results written before them do not). */
export function hasIntervalRpc(timeline: readonly TimelineSample[]): boolean {
  return timeline.some((s) => s.rpc !== undefined);
}

/** Latency percentiles of all RPCs per interval, bucketed for long timelines. */
export function latencySeries(timeline: readonly TimelineSample[], buckets = CHART_BUCKETS): LatencyPoint[] {
  const points: LatencyPoint[] = timeline.map((s, k) => {
    const latency = s.rpc?.all.latencyMs;
    const value = (p: IntervalPercentile): number | null => (latency !== undefined && Number.isFinite(latency[p]) ? latency[p] : null);
    return {
      fromSeconds: k === 0 ? 0 : timeline[k - 1].t,
      toSeconds: s.t,
      completed: countOf(s.rpc?.all.completed),
      p50: value("p50"),
      p95: value("p95"),
      p99: value("p99"),
      of: 1,
    };
  });
  if (points.length <= buckets) return points;
  return bucketRanges(points.length, buckets).map(([from, to]) => {
    const worst = (p: IntervalPercentile): number | null => {
      let most: number | null = null;
      for (let k = from; k < to; k++) {
        const v = points[k][p];
        if (v !== null && (most === null || v > most)) most = v;
      }
      return most;
    };
    let completed = 0;
    for (let k = from; k < to; k++) completed += points[k].completed;
    return {
      fromSeconds: points[from].fromSeconds,
      toSeconds: points[to - 1].toSeconds,
      completed,
      p50: worst("p50"),
      p95: worst("p95"),
      p99: worst("p99"),
      of: to - from,
    };
  });
}

/** Failed RPCs per host and interval, shaped like the request counts so the same stacked chart draws them. */
export function hostErrorSeries(timeline: readonly TimelineSample[], hostNames: readonly string[]): ShareSample[] {
  return perHostSeries(timeline, hostNames, (sample) => sample.hostErrors);
}

/**
 * Runs of consecutive defined values: a line is drawn through each run and never across a
 * gap. Returns index ranges [from, to) of `values` where every value is a number.
 */
export function definedRuns(values: readonly (number | null | undefined)[]): [number, number][] {
  const runs: [number, number][] = [];
  let start = -1;
  values.forEach((v, k) => {
    const defined = typeof v === "number" && Number.isFinite(v);
    if (defined && start < 0) start = k;
    if (!defined && start >= 0) {
      runs.push([start, k]);
      start = -1;
    }
  });
  if (start >= 0) runs.push([start, values.length]);
  return runs;
}
