// Numbers a threshold may ask for that the result does not store: any latency percentile,
// read from the kind's HdrHistogram (the result keeps p50, p90, p99, p999 and max).

import { latencyPercentileOf } from "../core/metrics/thresholds.js";
import { LatencyRecorder } from "./latency-recorder.js";

type WithHistograms = {
  rpc: Record<"activation" | "renewal", { histogram: string | readonly string[] }>;
  dns: { histogram: string | readonly string[] };
};

/** The value of `metric` when it is a percentile of one of the result's histograms, else null. */
export function derivedMetric(result: WithHistograms, metric: string): number | null {
  const asked = latencyPercentileOf(metric);
  if (asked === null) return null;
  const holder = asked.prefix === "dns" ? result.dns : result.rpc[asked.prefix === "rpc.activation" ? "activation" : "renewal"];
  const encoded = typeof holder.histogram === "string" ? [holder.histogram] : holder.histogram;
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
