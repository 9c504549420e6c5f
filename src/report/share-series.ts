// Each host's share of the requests served in each timeline interval. An interval in
// which no host served anything has no share (null), not a share of 0.

import type { TimelineSample } from "../results/result.js";

export interface ShareSample {
  /** Start and end of the interval, simulated seconds. */
  fromSeconds: number;
  toSeconds: number;
  total: number;
  /** Requests per host, in the order of `hostNames`. */
  counts: number[];
  /** Per host, in the order of `hostNames`; null when total is 0. */
  shares: (number | null)[];
}

export function shareSeries(timeline: readonly TimelineSample[], hostNames: readonly string[]): ShareSample[] {
  return perHostSeries(timeline, hostNames, (sample) => sample.hostRequests);
}

/** Per interval, a count per host picked from each sample (requests, failures), and each host's part of them. */
export function perHostSeries(
  timeline: readonly TimelineSample[],
  hostNames: readonly string[],
  pick: (sample: TimelineSample) => Readonly<Record<string, number>> | undefined,
): ShareSample[] {
  return timeline.map((sample, k) => {
    const counts = hostNames.map((name) => countOf(pick(sample)?.[name]));
    const total = counts.reduce((a, b) => a + b, 0);
    return {
      fromSeconds: k === 0 ? 0 : timeline[k - 1].t,
      toSeconds: sample.t,
      total,
      counts,
      shares: counts.map((n) => (total > 0 ? n / total : null)),
    };
  });
}

/** A count from the JSON, or 0 when it is missing or not a number ≥ 0. */
export function countOf(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;
}
