// Host selection of Windows Vista / Server 2008 clients: uniform over the SRV answer,
// priority and weight ignored.

import type { Rng } from "../rng.js";
import type { SrvCandidate } from "./srv-candidate.js";

/**
 * Picks a live record uniformly at random and returns its endpoint, or -1 when every
 * candidate's endpoint is removed (or the list is empty). Bit h of `removedMask` set ⇒
 * endpoint h is never returned. An endpoint named by k records gets k shares.
 *
 * Draws: exactly one `rng.next()` when the live records name ≥ 2 distinct endpoints,
 * none otherwise. No allocation.
 */
export function selectVista(candidates: readonly SrvCandidate[], removedMask: number, rng: Rng): number {
  const n = candidates.length;
  let records = 0;
  let hostsSeen = 0;
  let onlyHost = -1;
  for (let i = 0; i < n; i++) {
    const h = candidates[i].host;
    if (((removedMask >>> h) & 1) === 1) continue;
    records++;
    hostsSeen |= 1 << h;
    onlyHost = h;
  }
  if (records === 0) return -1;
  if ((hostsSeen & (hostsSeen - 1)) === 0) return onlyHost;

  let k = Math.floor(rng.next() * records);
  for (let i = 0; i < n; i++) {
    const h = candidates[i].host;
    if (((removedMask >>> h) & 1) === 1) continue;
    if (k === 0) return h;
    k--;
  }
  return onlyHost; // unreachable: k < records
}
