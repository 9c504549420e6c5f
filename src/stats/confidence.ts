// Mean and confidence interval of one metric over a point's replications: Student's t
// over the replications (they are independent runs with their own seeds). One
// replication has a mean but no interval; none has neither.

import { studentTCritical } from "./student-t.js";

export interface MeanCi {
  /** Replications the metric has a value in. */
  n: number;
  mean: number | null;
  /** Bounds of the interval; null with fewer than 2 values. */
  low: number | null;
  high: number | null;
  /** high − mean (the interval is symmetric); null with fewer than 2 values. */
  halfWidth: number | null;
}

export const CONFIDENCE = 0.95;

export function meanCi(values: readonly number[], confidence = CONFIDENCE): MeanCi {
  const n = values.length;
  if (n === 0) return { n, mean: null, low: null, high: null, halfWidth: null };
  const min = Math.min(...values);
  const max = Math.max(...values);
  // Summation may land an ulp outside [min, max] (three times 0.1): keep the mean inside.
  const mean = Math.min(max, Math.max(min, values.reduce((a, b) => a + b, 0) / n));
  if (n === 1) return { n, mean, low: null, high: null, halfWidth: null };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  const halfWidth = studentTCritical(confidence, n - 1) * Math.sqrt(variance / n);
  return { n, mean, low: mean - halfWidth, high: mean + halfWidth, halfWidth };
}
