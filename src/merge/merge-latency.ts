// Latency of shard results added up: histograms merged bucket by bucket, the summary
// recomputed from the merged histogram (never averaged percentiles).

import { LatencyRecorder } from "../results/latency-recorder.js";
import type { LatencySummaryMs } from "../results/result.js";
import { MergeError } from "./merge-error.js";

export function mergeHistograms(encoded: readonly { file: string; histogram: string }[], path: string): { latencyMs: LatencySummaryMs; histogram: string } {
  const merged = LatencyRecorder.sumOf(
    encoded.map((e) => e.histogram),
    (k, err) =>
      new MergeError(
        `'${encoded[k].file}': ${path} is not a readable HdrHistogram (${err instanceof Error ? err.message : String(err)})`,
        "KMSSIM_BAD_HISTOGRAM",
      ),
  );
  return { latencyMs: merged.summary(), histogram: merged.encode() };
}
