// One row's verdict. A metric regresses when it moved in its worse direction by more than
// both its relative limit (a fraction of the baseline) and an absolute floor per unit.
// The floor keeps a zero (or tiny) baseline from turning noise into an "infinite"
// regression: 0 → 0.001 ms is worse, but not a regression.

import type { Better, MetricUnit } from "./run-profile.js";

/** Changes at or below these never regress (documented in the README). */
export const ABSOLUTE_FLOOR: Readonly<Record<MetricUnit, number>> = {
  /** 10 µs: ten times the histogram's resolution below 2 ms. */
  ms: 0.01,
  /** Under one whole count: from a zero baseline, one more failure already regresses. */
  count: 0.5,
  /** 0.1 percentage point of a share, a success rate or Jain's index. */
  ratio: 0.001,
  /** Seconds, time scales, rates: compared by the relative limit alone. */
  number: 0,
};

export interface Verdict {
  /** candidate − baseline (null when either side was not measured). */
  delta: number | null;
  /** delta as a percentage of |baseline|; null when the baseline is 0 and the delta is not. */
  deltaPct: number | null;
  /** Moved in the worse direction at all. */
  worse: boolean;
  /** Worse by more than the limit and the floor. */
  regressed: boolean;
}

/** Rounds away float noise (0.1 + 0.2) so equal inputs give a delta of exactly 0. */
const clean = (x: number, decimals: number): number => {
  const scale = 10 ** decimals;
  const rounded = Math.round(x * scale) / scale;
  return rounded === 0 ? 0 : rounded; // no -0 in reports
};

export function judge(baseline: number | null, candidate: number | null, better: Better, unit: MetricUnit, limitFraction: number): Verdict {
  if (baseline === null || candidate === null) return { delta: null, deltaPct: null, worse: false, regressed: false };
  const delta = clean(candidate - baseline, 9);
  const deltaPct = baseline !== 0 ? clean((delta / Math.abs(baseline)) * 100, 4) : delta === 0 ? 0 : null;
  if (better === "neither") return { delta, deltaPct, worse: false, regressed: false };
  const worsening = better === "lower" ? delta : -delta;
  const allowed = Math.max(limitFraction * Math.abs(baseline), ABSOLUTE_FLOOR[unit]);
  return { delta, deltaPct, worse: worsening > 0, regressed: worsening > allowed };
}
