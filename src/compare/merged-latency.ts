// Latency percentiles of one kind, recomputed from its HdrHistograms. Several histograms
// (shards, workers) are added bucket by bucket first: percentiles are never averaged.

import { LatencyRecorder } from "../results/latency-recorder.js";
import type { LatencySummaryMs } from "../results/result.js";
import { quantileRankInterval } from "../stats/quantile-ranks.js";
import { CompareError } from "./errors.js";
import type { SampleInterval } from "./noise.js";

export type LatencyPercentilesMs = Omit<LatencySummaryMs, "mean">;

export const PERCENTILE_KEYS = ["p50", "p90", "p99", "p999", "max"] as const satisfies readonly (keyof LatencyPercentilesMs)[];

/** Each key as a quantile. */
const FRACTION: Readonly<Record<(typeof PERCENTILE_KEYS)[number], number>> = { p50: 0.5, p90: 0.9, p99: 0.99, p999: 0.999, max: 1 };

export interface MergedLatency {
  percentiles: LatencyPercentilesMs;
  /** Per key, the interval its sample supports at the given confidence (compare's single-run noise). */
  intervals: Record<(typeof PERCENTILE_KEYS)[number], SampleInterval>;
}

/** Decodes and adds every histogram; `path` names the field in errors. */
export function mergedLatency(histograms: readonly string[], path: string, confidence: number): MergedLatency {
  const merged = LatencyRecorder.sumOf(histograms, (k, err) => {
    const where = histograms.length > 1 ? `${path}[${k}]` : path;
    const why = err instanceof Error ? err.message : String(err);
    return new CompareError(`${where} is not a readable HdrHistogram (compressed base64): ${why}`, "KMSSIM_BAD_HISTOGRAM");
  });
  const { p50, p90, p99, p999, max } = merged.summary();
  const samples = merged.count;
  const interval = (key: (typeof PERCENTILE_KEYS)[number]): SampleInterval => {
    const ranks = quantileRankInterval(samples, FRACTION[key], confidence);
    return {
      samples,
      beyond: ranks.beyond,
      lowMs: ranks.low === null ? null : merged.valueAtRankMs(ranks.low),
      highMs: ranks.high === null ? null : merged.valueAtRankMs(ranks.high),
    };
  };
  return {
    percentiles: { p50, p90, p99, p999, max },
    intervals: { p50: interval("p50"), p90: interval("p90"), p99: interval("p99"), p999: interval("p999"), max: interval("max") },
  };
}

/** `histogram` holds one encoded histogram, or a list of them to add. */
export function histogramList(histogram: string | readonly string[]): readonly string[] {
  return typeof histogram === "string" ? [histogram] : histogram;
}
