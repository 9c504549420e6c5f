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
 * An endpoint named by several records gets the sum. Shares sum to 1 when any
 * candidate is up, all zero otherwise. A candidate naming an endpoint ≥ endpointCount
 * (a target that appeared in DNS mid-run, which nobody simulates) is never up: it
 * serves no request, so it takes no share, whatever `upMask` says.
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
    if (c.priority < bestPriority) bestPriority = c.priority;
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

/** Removes rounding drift so the shares sum to 1 as closely as floats allow. */
function normalise(shares: Float64Array, endpointCount: number): Float64Array {
  let sum = 0;
  for (let i = 0; i < endpointCount; i++) sum += shares[i];
  if (sum > 0) for (let i = 0; i < endpointCount; i++) shares[i] /= sum;
  return shares;
}
