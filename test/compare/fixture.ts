// Results for compare tests: the hand-written sample result with real histograms built
// from given latencies (ms), so percentiles come from decoding like a real file.

import { LatencyRecorder } from "../../src/results/latency-recorder.js";
import type { Result } from "../../src/results/result.js";
import { sampleResult } from "../results/sample-result.js";

export function encodeLatencies(latenciesMs: readonly number[]): string {
  const recorder = new LatencyRecorder();
  for (const ms of latenciesMs) recorder.recordMs(ms);
  return recorder.encode();
}

export interface LatencyInputs {
  activation?: readonly number[];
  renewal?: readonly number[];
  dns?: readonly number[];
}

/** `sampleResult()` with histograms of these latencies (default: a few fixed values each). */
export function resultWith(latencies: LatencyInputs = {}, edit: (r: Result) => void = () => undefined): Result {
  const r = sampleResult();
  r.rpc.activation.histogram = encodeLatencies(latencies.activation ?? [1, 2, 3, 4, 10]);
  r.rpc.renewal.histogram = encodeLatencies(latencies.renewal ?? [1.5, 2.5, 3.5]);
  r.dns.histogram = encodeLatencies(latencies.dns ?? [0.5, 0.6, 0.7]);
  edit(r);
  return r;
}
