// Latency percentiles of one kind, recomputed from its HdrHistograms. Several histograms
// (shards, workers) are added bucket by bucket first: percentiles are never averaged.

import { LatencyRecorder } from "../results/latency-recorder.js";
import type { LatencySummaryMs } from "../results/result.js";
import { CompareError } from "./errors.js";

export type LatencyPercentilesMs = Omit<LatencySummaryMs, "mean">;

export const PERCENTILE_KEYS = ["p50", "p90", "p99", "p999", "max"] as const satisfies readonly (keyof LatencyPercentilesMs)[];

/** Decodes and adds every histogram; `path` names the field in errors. */
export function mergedLatency(histograms: readonly string[], path: string): LatencyPercentilesMs {
  const merged = LatencyRecorder.sumOf(histograms, (k, err) => {
    const where = histograms.length > 1 ? `${path}[${k}]` : path;
    const why = err instanceof Error ? err.message : String(err);
    return new CompareError(`${where} is not a readable HdrHistogram (compressed base64): ${why}`, "KMSSIM_BAD_HISTOGRAM");
  });
  const { p50, p90, p99, p999, max } = merged.summary();
  return { p50, p90, p99, p999, max };
}

/** `histogram` holds one encoded histogram, or a list of them to add. */
export function histogramList(histogram: string | readonly string[]): readonly string[] {
  return typeof histogram === "string" ? [histogram] : histogram;
}
