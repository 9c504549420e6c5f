// How evenly load spread across hosts, measured against what the SRV records promise.

import type { SpreadResult } from "../vocabulary.js";

const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

/**
 * Spread of `shares` (each host's part of all requests) against `expected` (the part the
 * SRV records promise), index by index.
 *
 * Over the hosts with expected_h > 0 let x_h = share_h / expected_h (1 = exactly as
 * promised) and n their number:
 * - jain = (Σx)² / (n·Σx²), in (0, 1]; 1 when every host got exactly its promised part
 *   (all x equal), 1/n when one host got everything;
 * - maxOverMean = max(x) / mean(x) (1 = no host above its promise);
 * - cv = population standard deviation of x / mean(x) (0 = as promised);
 * - maxShareDeviation = max over ALL hosts of |share_h − expected_h| (so a host that got
 *   requests it was never promised counts here), in [0, 1] for shares that sum to ≤ 1.
 *
 * Degenerate cases — no host with expected > 0, or Σx = 0 (no requests, or all went to
 * hosts promised nothing): jain 1, maxOverMean 1, cv 0; maxShareDeviation as defined,
 * except with no requests at all (every share 0), where there is no spread to judge: 0.
 * All four rounded to 6 decimals.
 */
export function computeSpread(shares: ArrayLike<number>, expected: ArrayLike<number>): SpreadResult {
  if (shares.length !== expected.length) {
    throw new RangeError(`computeSpread: ${shares.length} shares but ${expected.length} expected shares`);
  }
  let n = 0;
  let sum = 0;
  let max = 0;
  let maxShareDeviation = 0;
  let anyRequests = false;
  for (let h = 0; h < shares.length; h++) {
    const share = shares[h];
    const promised = expected[h];
    maxShareDeviation = Math.max(maxShareDeviation, Math.abs(share - promised));
    if (share !== 0) anyRequests = true;
    if (!(promised > 0)) continue;
    const x = share / promised;
    n++;
    sum += x;
    if (x > max) max = x;
  }
  if (n === 0 || sum === 0) {
    return { jain: 1, maxOverMean: 1, cv: 0, maxShareDeviation: anyRequests ? round6(maxShareDeviation) : 0 };
  }
  const mean = sum / n;
  // Second pass for the variance: Σx² − n·mean² loses everything to cancellation when x ≈ 1.
  let squaredDeviations = 0;
  for (let h = 0; h < shares.length; h++) {
    if (expected[h] > 0) squaredDeviations += (shares[h] / expected[h] - mean) ** 2;
  }
  const cv = Math.sqrt(squaredDeviations / n) / mean;
  return {
    jain: round6(1 / (1 + cv * cv)), // = (Σx)² / (n·Σx²), without its cancellation
    maxOverMean: round6(max / mean),
    cv: round6(cv),
    maxShareDeviation: round6(maxShareDeviation),
  };
}

/** Parts of the whole (all 0 when the whole is 0). */
export function partsOf(counts: ArrayLike<number>): number[] {
  let total = 0;
  for (let h = 0; h < counts.length; h++) total += counts[h];
  return Array.from(counts, (c) => (total > 0 ? c / total : 0));
}

/** Spread of requests per host against requests the records promised each host (counts, not shares). */
export function spreadOfCounts(requests: ArrayLike<number>, expectedRequests: ArrayLike<number>): SpreadResult {
  return computeSpread(partsOf(requests), partsOf(expectedRequests));
}
