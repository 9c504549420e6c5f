// Host selection of Windows 7 / Server 2008 R2 and later clients: RFC 2782 order.
// The lowest priority among the endpoints not yet removed wins; inside it a record is
// chosen at random in proportion to its weight.

import type { Rng } from "../rng.js";
import type { SrvCandidate } from "./srv-candidate.js";

/**
 * Picks the endpoint to try next, or -1 when every candidate's endpoint is removed
 * (or the list is empty). Bit h of `removedMask` set ⇒ endpoint h is never returned.
 *
 * RFC 2782 weighted choice inside the lowest live priority: records of weight 0 are
 * placed first, a running weight sum is kept, and the first record whose running sum
 * is ≥ r is taken, r uniform in [0, sum). With a continuous r a weight-0 record is
 * therefore taken only when r is exactly 0 — practically never while the priority has
 * any positive weight. When every weight there is 0, the choice is uniform per record.
 * An endpoint named by several records gets the sum of their chances.
 *
 * Draws: exactly one `rng.next()` when the lowest live priority names ≥ 2 distinct
 * endpoints, none otherwise (a single endpoint, or -1). No allocation.
 */
export function selectWin7(candidates: readonly SrvCandidate[], removedMask: number, rng: Rng): number {
  const n = candidates.length;

  // Pass 1: the lowest priority among live records.
  let bestPriority = Infinity;
  for (let i = 0; i < n; i++) {
    const c = candidates[i];
    if (((removedMask >>> c.host) & 1) === 0 && c.priority < bestPriority) bestPriority = c.priority;
  }
  if (bestPriority === Infinity) return -1;

  // Pass 2: weight sum, record count and distinct endpoints inside that priority.
  let weightSum = 0;
  let records = 0;
  let hostsSeen = 0;
  let onlyHost = -1;
  for (let i = 0; i < n; i++) {
    const c = candidates[i];
    if (c.priority !== bestPriority || ((removedMask >>> c.host) & 1) === 1) continue;
    weightSum += c.weight;
    records++;
    hostsSeen |= 1 << c.host;
    onlyHost = c.host;
  }
  // One distinct endpoint: nothing to choose, no draw.
  if ((hostsSeen & (hostsSeen - 1)) === 0) return onlyHost;

  const u = rng.next();

  if (weightSum <= 0) {
    // All weights zero: uniform over the records of this priority.
    let k = Math.floor(u * records);
    for (let i = 0; i < n; i++) {
      const c = candidates[i];
      if (c.priority !== bestPriority || ((removedMask >>> c.host) & 1) === 1) continue;
      if (k === 0) return c.host;
      k--;
    }
    return onlyHost; // unreachable: k < records
  }

  const r = u * weightSum;
  // Pass 3a (RFC ordering): zero-weight records first; running sum 0 ≥ r only when r = 0.
  if (r <= 0) {
    for (let i = 0; i < n; i++) {
      const c = candidates[i];
      if (c.priority === bestPriority && c.weight === 0 && ((removedMask >>> c.host) & 1) === 0) return c.host;
    }
  }
  // Pass 3b: positive weights in list order, first running sum ≥ r.
  let running = 0;
  let lastPositive = onlyHost;
  for (let i = 0; i < n; i++) {
    const c = candidates[i];
    if (c.priority !== bestPriority || c.weight <= 0 || ((removedMask >>> c.host) & 1) === 1) continue;
    running += c.weight;
    lastPositive = c.host;
    if (running >= r) return c.host;
  }
  return lastPositive; // rounding guard: r < weightSum in exact arithmetic
}
