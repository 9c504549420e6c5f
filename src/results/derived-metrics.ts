// Numbers a threshold may ask for that the result does not store: any latency percentile,
// read from the HdrHistogram beside it (the result keeps p50, p90, p99, p999 and max), the
// whole run's or a client group's (`groups.desktops.rpc.activation.latencyMs.p95`).

import { latencyPercentileOf, resolvePath } from "../core/metrics/thresholds.js";
import { LatencyRecorder } from "./latency-recorder.js";

/** The value of `metric` when it is a percentile of one of the result's histograms, else null. */
export function derivedMetric(result: unknown, metric: string): number | null {
  const asked = latencyPercentileOf(metric);
  if (asked === null) return null;
  const holder = resolvePath(result, asked.prefix) as { histogram?: unknown } | undefined;
  const histogram = holder?.histogram;
  const encoded = typeof histogram === "string" ? [histogram] : Array.isArray(histogram) ? histogram.filter((h) => typeof h === "string") : null;
  if (encoded === null) return null;
  try {
    return LatencyRecorder.sumOf(
      encoded.filter((h) => h !== ""),
      (_, error) => (error instanceof Error ? error : new Error(String(error))),
    ).percentileMs(asked.percentile);
  } catch {
    // A histogram that does not decode has no percentile: the threshold fails (actual null).
    return null;
  }
}
