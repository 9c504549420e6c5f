// The `--out` report of `kmssim compare`, for CI: every row with its numbers and verdict.

import type { Comparison, ComparisonRow } from "./compare-runs.js";
import type { RegressionLimits } from "./limits.js";
import type { RunIdentity } from "./run-profile.js";

export const COMPARE_SCHEMA = "kmssim/compare@1";

export interface CompareReport {
  schema: typeof COMPARE_SCHEMA;
  baseline: RunIdentity & { file: string };
  candidate: RunIdentity & { file: string };
  /** Percent; `overrides` keyed as given on the command line. */
  maxRegression: { defaultPct: number; overrides: Record<string, number> };
  warnings: string[];
  rows: ComparisonRow[];
  /** Names of the regressed rows. */
  regressed: string[];
  pass: boolean;
}

const pct = (fraction: number): number => Math.round(fraction * 100 * 1e6) / 1e6;

export function buildCompareReport(
  comparison: Comparison,
  runs: { baseline: RunIdentity & { file: string }; candidate: RunIdentity & { file: string } },
  limits: RegressionLimits,
): CompareReport {
  return {
    schema: COMPARE_SCHEMA,
    baseline: runs.baseline,
    candidate: runs.candidate,
    maxRegression: { defaultPct: pct(limits.defaultFraction), overrides: Object.fromEntries(limits.overrides.map((o) => [o.key, pct(o.fraction)])) },
    warnings: comparison.warnings,
    rows: comparison.rows,
    regressed: comparison.rows.filter((r) => r.regressed).map((r) => r.metric),
    pass: comparison.pass,
  };
}
