// The `--out` report of `kmssim compare`, for CI: every row with its numbers and verdict.

import type { Comparison, ComparisonRow } from "./compare-runs.js";
import type { RegressionLimits } from "./limits.js";
import type { RunIdentity } from "./run-profile.js";

export const COMPARE_SCHEMA = "kmssim/compare@1";

/** One side: its file (a result, or the scenario compare ran), and with replications every run's seed and file. */
export type CompareSide = RunIdentity & { file: string; seeds?: number[]; files?: string[] };

export interface CompareReport {
  schema: typeof COMPARE_SCHEMA;
  baseline: CompareSide;
  candidate: CompareSide;
  /** Runs per side (1: single runs, rows hold their values; more: rows hold means, noise is Welch's t-test). */
  replications: number;
  /** Confidence of the noise estimates, percent. */
  confidencePct: number;
  /** Percent; `overrides` keyed as given on the command line. */
  maxRegression: { defaultPct: number; overrides: Record<string, number> };
  warnings: string[];
  rows: ComparisonRow[];
  /** Names of the regressed rows. */
  regressed: string[];
  /** Names of rows past their limit but within noise (not regressions). */
  withinNoise: string[];
  pass: boolean;
}

const pct = (fraction: number): number => Math.round(fraction * 100 * 1e6) / 1e6;

export function buildCompareReport(
  comparison: Comparison,
  runs: { baseline: CompareSide; candidate: CompareSide },
  limits: RegressionLimits,
  noise: { replications: number; confidence: number } = { replications: 1, confidence: 0.95 },
): CompareReport {
  return {
    schema: COMPARE_SCHEMA,
    baseline: runs.baseline,
    candidate: runs.candidate,
    replications: noise.replications,
    confidencePct: pct(noise.confidence),
    maxRegression: { defaultPct: pct(limits.defaultFraction), overrides: Object.fromEntries(limits.overrides.map((o) => [o.key, pct(o.fraction)])) },
    warnings: comparison.warnings,
    rows: comparison.rows,
    regressed: comparison.rows.filter((r) => r.regressed).map((r) => r.metric),
    withinNoise: comparison.rows.filter((r) => r.withinNoise).map((r) => r.metric),
    pass: comparison.pass,
  };
}
