// Which order statistics bracket a percentile of a sample, without assuming a
// distribution: of n samples, the count B below the true q-quantile is Binomial(n, q), so
// the ranks l, u with P(B < l) ≤ α/2 and P(B < u) ≥ 1 − α/2 give X(l) ≤ Q ≤ X(u) at
// confidence 1 − α. Exact binomial sums up to EXACT_LIMIT samples (where the tails are
// short), the normal approximation above. With too few samples beyond the percentile
// (p99.9 of 1,000, or the max) no rank is high enough: that side is unbounded.

import { logGamma, studentTCritical } from "./student-t.js";

/** Up to this many samples the binomial is summed exactly. */
export const EXACT_LIMIT = 100_000;

export interface RankInterval {
  /** 1-based rank of the lower bound; null: below the smallest sample. */
  low: number | null;
  /** 1-based rank of the upper bound; null: beyond the largest sample. */
  high: number | null;
  /** Samples expected beyond the percentile: n·(1 − q). */
  beyond: number;
}

/** Two-sided critical value of the normal distribution (Student's t with a huge df). */
export function normalCritical(confidence: number): number {
  return studentTCritical(confidence, 1e6);
}

/** P(B ≤ k) for k = 0..n, B ~ Binomial(n, q), 0 < q < 1. */
function binomialCdf(n: number, q: number): Float64Array {
  const cdf = new Float64Array(n + 1);
  const lnN = logGamma(n + 1);
  const [lnQ, lnP] = [Math.log(q), Math.log1p(-q)];
  let sum = 0;
  for (let k = 0; k <= n; k++) {
    sum += Math.exp(lnN - logGamma(k + 1) - logGamma(n - k + 1) + k * lnQ + (n - k) * lnP);
    cdf[k] = Math.min(1, sum);
  }
  return cdf;
}

/** Ranks bracketing the `fraction` quantile (0.999 for p99.9, 1 for the max) of `samples` values. */
export function quantileRankInterval(samples: number, fraction: number, confidence: number): RankInterval {
  const n = samples;
  const beyond = Math.round(n * (1 - fraction) * 1e6) / 1e6;
  if (n === 0) return { low: null, high: null, beyond: 0 };
  if (fraction >= 1) return { low: n, high: null, beyond: 0 };
  if (fraction <= 0) return { low: null, high: 1, beyond };
  const tail = (1 - confidence) / 2;
  if (n <= EXACT_LIMIT) {
    const cdf = binomialCdf(n, fraction);
    // l: the largest rank with P(B ≤ l − 1) ≤ tail; u: the smallest with P(B ≤ u − 1) ≥ 1 − tail.
    let low: number | null = null;
    for (let l = 1; l <= n && cdf[l - 1] <= tail; l++) low = l;
    let high: number | null = null;
    for (let u = 1; u <= n; u++) {
      if (cdf[u - 1] >= 1 - tail) {
        high = u;
        break;
      }
    }
    return { low, high, beyond };
  }
  const below = n * fraction;
  const spread = normalCritical(confidence) * Math.sqrt(n * fraction * (1 - fraction));
  const low = Math.floor(below - spread) + 1;
  const high = Math.ceil(below + spread) + 1;
  return { low: low >= 1 ? low : null, high: high <= n ? high : null, beyond };
}
