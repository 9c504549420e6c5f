// How compare tells a change from seed-to-seed noise. Two ways, by what it was given:
// - single runs: a latency percentile is read from a sample; the ranks that bracket it
//   (stats/quantile-ranks.ts) give an interval per run, and a change counts only when the
//   two intervals do not overlap. A percentile with few samples beyond it (p99.9 of 5,000
//   activations) has no upper bound, so it never regresses on its own.
// - replications: every metric is a mean over N seeds per side, tested with Welch's t.
// A row regresses only when it is past its limit (verdict.ts) AND significant here.

import type { MeanCi } from "../stats/confidence.js";
import type { WelchTest } from "../stats/welch.js";

/** One run's interval for a percentile, from its own histogram. */
export interface SampleInterval {
  /** Values in the histogram. */
  samples: number;
  /** Values expected above the percentile: samples · (1 − q); 0 for the max. */
  beyond: number;
  /** Bounds in ms; null: unbounded on that side (too few samples beyond it). */
  lowMs: number | null;
  highMs: number | null;
}

export interface PercentileNoise {
  method: "order-statistics";
  confidencePct: number;
  baseline: SampleInterval;
  candidate: SampleInterval;
  /** The two intervals do not overlap. */
  significant: boolean;
}

export interface ReplicationNoise {
  method: "welch";
  confidencePct: number;
  /** Mean and confidence interval over each side's replications that measured the metric. */
  baseline: MeanCi;
  candidate: MeanCi;
  /** Welch's test of candidate against baseline; null with fewer than 2 values on a side. */
  welch: WelchTest | null;
  /** p below 1 − confidence, or below `pNeeded` after Holm's correction across the compared metrics. */
  significant: boolean;
  /** The p this row needed after Holm's correction (compare sets it over all rows it tested). */
  pNeeded?: number;
}

export type Noise = PercentileNoise | ReplicationNoise;

/** The noise estimate of one metric, or undefined when there is none (judged by its limit alone). */
export type NoiseJudge = (metric: string) => Noise | undefined;

const pct = (fraction: number): number => Math.round(fraction * 100 * 1e6) / 1e6;

/** Intervals overlap unless one lies wholly above the other; an unbounded side always reaches. */
export function intervalsApart(a: SampleInterval, b: SampleInterval): boolean {
  const above = (x: SampleInterval, y: SampleInterval): boolean => x.lowMs !== null && y.highMs !== null && x.lowMs > y.highMs;
  return above(a, b) || above(b, a);
}

/** Single runs: percentile rows are judged by their sampling intervals. */
export function percentileNoise(baseline: ReadonlyMap<string, SampleInterval>, candidate: ReadonlyMap<string, SampleInterval>, confidence: number): NoiseJudge {
  return (metric) => {
    const base = baseline.get(metric);
    const cand = candidate.get(metric);
    if (base === undefined || cand === undefined) return undefined;
    return { method: "order-statistics", confidencePct: pct(confidence), baseline: base, candidate: cand, significant: intervalsApart(base, cand) };
  };
}

export const confidencePct = pct;
