// One SRV answer record as the selection profiles see it: the endpoint it names and
// its RFC 2782 priority and weight. Endpoints are indexed 0..31 so that sets of them
// (removed, up) fit one 32-bit mask.

export interface SrvCandidate {
  /** Endpoint index, 0..31. Several records may name the same endpoint. */
  host: number;
  /** Lower is preferred (RFC 2782), 0..65535. */
  priority: number;
  /** Relative share inside a priority (RFC 2782), 0..65535. */
  weight: number;
}

/** Endpoint indexes must fit a 32-bit mask. */
export const MAX_ENDPOINTS = 32;

/** True when bit `host` is set in `mask` (works for bit 31 too). */
export function hasHost(mask: number, host: number): boolean {
  return ((mask >>> host) & 1) === 1;
}

/** Mask with bit `host` set. */
export function hostBit(host: number): number {
  return (1 << host) >>> 0;
}

/**
 * Checks a candidate list once, before it enters a hot path (the selectors do not
 * re-check): hosts are integers 0..31, priority and weight finite and >= 0.
 * Returns the problems found, empty when the list is usable.
 */
export function candidateProblems(candidates: readonly SrvCandidate[]): string[] {
  const problems: string[] = [];
  candidates.forEach((c, i) => {
    if (!Number.isInteger(c.host) || c.host < 0 || c.host >= MAX_ENDPOINTS) {
      problems.push(`candidate ${i}: host index ${c.host} is not an integer 0..${MAX_ENDPOINTS - 1}`);
    }
    if (!Number.isFinite(c.priority) || c.priority < 0) {
      problems.push(`candidate ${i}: priority ${c.priority} must be a finite number >= 0`);
    }
    if (!Number.isFinite(c.weight) || c.weight < 0) {
      problems.push(`candidate ${i}: weight ${c.weight} must be a finite number >= 0`);
    }
  });
  return problems;
}
