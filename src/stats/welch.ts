// Welch's t-test: do two groups of replications (each run with its own seeds) differ in
// mean by more than their seed-to-seed spread explains? Unlike Student's pooled test it
// does not assume both sides vary alike — a slowed host often varies more.

import { twoSidedTailProbability } from "./student-t.js";

export interface WelchTest {
  /** (mean of b − mean of a) / its standard error; ±Infinity when neither side varies but the means differ. */
  t: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number;
  /** Two-sided p-value: the chance of a |t| this large when the means are equal. */
  p: number;
}

/** Below this, relative to the means, a difference or spread is float rounding, not data. */
const ROUNDING = 1e-12;

function meanAndVariance(values: readonly number[]): { mean: number; variance: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return { mean, variance: values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1) };
}

/** Welch's test of b against a; null when either side has fewer than 2 values. */
export function welchTest(a: readonly number[], b: readonly number[]): WelchTest | null {
  if (a.length < 2 || b.length < 2) return null;
  const x = meanAndVariance(a);
  const y = meanAndVariance(b);
  const scale = Math.max(Math.abs(x.mean), Math.abs(y.mean), Number.MIN_VALUE);
  const va = x.variance / a.length;
  const vb = y.variance / b.length;
  const se = Math.sqrt(va + vb);
  const diff = Math.abs(y.mean - x.mean) <= ROUNDING * scale ? 0 : y.mean - x.mean;
  if (se <= ROUNDING * scale) {
    // Neither side varies: equal means are no evidence, different ones are certain.
    const df = a.length + b.length - 2;
    return diff === 0 ? { t: 0, df, p: 1 } : { t: diff > 0 ? Infinity : -Infinity, df, p: 0 };
  }
  // Each side's share of the variance: the same df without squaring tiny (or huge) variances.
  const [ra, rb] = [va / (va + vb), vb / (va + vb)];
  const df = 1 / (ra ** 2 / (a.length - 1) + rb ** 2 / (b.length - 1));
  const t = diff / se;
  return { t, df, p: twoSidedTailProbability(Math.abs(t), df) };
}

/** Significant at `confidence` (0.95: p < 0.05); no test (too few values) is never significant. */
export function significant(test: WelchTest | null, confidence: number): boolean {
  return test !== null && test.p < 1 - confidence;
}
