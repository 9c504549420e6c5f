// What the SRV records promise for first-choice requests (the result's `expectedShare`),
// given which endpoints are up. Matches the long-run frequencies of selectHost with
// removedMask = ~upMask.

import type { SelectionProfile } from "./select-host.js";
import type { SrvCandidate } from "./srv-candidate.js";

/**
 * Share per endpoint index 0..endpointCount-1, written into `out` (zeroed first; a new
 * array when omitted; `out.length` must be ≥ endpointCount).
 * - win7: among up records, the lowest priority present; weight / sum inside it (all
 *   weights zero → equal per record). Weight-0 records get 0 when the sum is positive.
 * - vista: equal per up record.
 * An endpoint named by several records gets the sum. Shares sum to 1 up to rounding (a
 * few ulps: 60/30/10 sums to 1 + 2^-52) when any candidate is up, all zero otherwise. A
 * candidate naming an endpoint ≥ endpointCount (a target that appeared in DNS mid-run,
 * which nobody simulates) is never up: it serves no request, so it takes no share,
 * whatever `upMask` says.
 */
export function expectedShares(
  profile: SelectionProfile,
  candidates: readonly SrvCandidate[],
  upMask: number,
  endpointCount: number,
  out?: Float64Array,
): Float64Array {
  const shares = out ?? new Float64Array(endpointCount);
  if (shares.length < endpointCount) {
    throw new RangeError(`expectedShares: out has ${shares.length} slots, need ${endpointCount}`);
  }
  shares.fill(0);
  const isUp = (c: SrvCandidate): boolean => c.host >= 0 && c.host < endpointCount && ((upMask >>> c.host) & 1) === 1;

  let bestPriority = Infinity;
  let records = 0;
  for (const c of candidates) {
    if (!isUp(c)) continue;
    records++;
    bestPriority = Math.min(bestPriority, c.priority);
  }
  if (records === 0) return shares;

  if (profile === "vista") {
    for (const c of candidates) if (isUp(c)) shares[c.host] += 1 / records;
    return normalise(shares, endpointCount);
  }

  let weightSum = 0;
  let bestRecords = 0;
  for (const c of candidates) {
    if (c.priority !== bestPriority || !isUp(c)) continue;
    weightSum += c.weight;
    bestRecords++;
  }
  for (const c of candidates) {
    if (c.priority !== bestPriority || !isUp(c)) continue;
    shares[c.host] += weightSum > 0 ? c.weight / weightSum : 1 / bestRecords;
  }
  return normalise(shares, endpointCount);
}

/**
 * Divides the shares by their float sum. In exact arithmetic a no-op (they already sum to 1);
 * in floats it moves last bits only, and does not make the sum exactly 1 (60/30/10: 1 + 2^-52;
 * 7 equal records: 0.14285714285714288 each, not 1/7). Kept because every result was computed
 * with it: without it the last bits of shares move (licensed starts cut their cumulative sum).
 * Called only with an up candidate, so the sum is positive: each up record of the lowest
 * priority adds a positive share (weight / sum with some weight positive, else 1 / records).
 */
function normalise(shares: Float64Array, endpointCount: number): Float64Array {
  const used = shares.subarray(0, endpointCount);
  let sum = 0;
  for (const share of used) sum += share;
  used.forEach((share, i) => (used[i] = share / sum));
  return shares;
}
