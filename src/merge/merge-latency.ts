// Latency of shard results added up: histograms merged bucket by bucket, the summary
// recomputed from the merged histogram (never averaged percentiles).

import { LatencyRecorder } from "../metrics/latency-recorder.js";
import type { LatencySummaryMs } from "../output/result.js";
import { MergeError } from "./merge-error.js";

export function mergeHistograms(encoded: readonly { file: string; histogram: string }[], path: string): { latencyMs: LatencySummaryMs; histogram: string } {
  const merged = new LatencyRecorder();
  for (const { file, histogram } of encoded) {
    let part: LatencyRecorder;
    try {
      part = LatencyRecorder.decode(histogram);
    } catch (err) {
      throw new MergeError(`'${file}': ${path} is not a readable HdrHistogram (${err instanceof Error ? err.message : String(err)})`, "MERGE_BAD_HISTOGRAM");
    }
    merged.add(part);
  }
  return { latencyMs: merged.summary(), histogram: merged.encode() };
}
