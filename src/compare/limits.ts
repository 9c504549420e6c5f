// `--max-regression`: how much worse (relative to the baseline) a metric may get before
// it counts as a regression. `10%` for every metric, or `p99=5%,default=10%` with
// per-metric keys (globs, matched against the whole name or a dotted tail of it).

import { CompareError } from "./errors.js";
import { matchesNameOrTail } from "./glob.js";

export const DEFAULT_MAX_REGRESSION = "10%";

export interface RegressionLimits {
  /** Fraction: 0.1 = a metric may get 10 % worse. */
  defaultFraction: number;
  /** Per-metric keys in the order given. */
  overrides: readonly { key: string; fraction: number }[];
}

function parsePercent(text: string, where: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(text);
  if (m === null) {
    throw new CompareError(`--max-regression: ${where} '${text}' is not a percentage like 10% or 2.5%`, "KMSSIM_BAD_LIMIT");
  }
  return Number(m[1]) / 100;
}

export function parseMaxRegression(text: string): RegressionLimits {
  const parts = text.split(",").map((p) => p.trim());
  if (parts.some((p) => p === "")) {
    throw new CompareError(`--max-regression: '${text}' has an empty entry; use e.g. 10% or p99=5%,default=10%`, "KMSSIM_BAD_LIMIT");
  }
  let defaultFraction: number | undefined;
  const overrides: { key: string; fraction: number }[] = [];
  for (const part of parts) {
    const eq = part.indexOf("=");
    if (eq < 0) {
      if (defaultFraction !== undefined) throw new CompareError(`--max-regression: '${text}' gives the default twice`, "KMSSIM_BAD_LIMIT");
      defaultFraction = parsePercent(part, "limit");
      continue;
    }
    const key = part.slice(0, eq).trim();
    const fraction = parsePercent(part.slice(eq + 1), `limit of '${key}'`);
    if (key === "") throw new CompareError(`--max-regression: '${part}' names no metric before '='`, "KMSSIM_BAD_LIMIT");
    if (key === "default") {
      if (defaultFraction !== undefined) throw new CompareError(`--max-regression: '${text}' gives the default twice`, "KMSSIM_BAD_LIMIT");
      defaultFraction = fraction;
    } else {
      overrides.push({ key, fraction });
    }
  }
  return { defaultFraction: defaultFraction ?? parsePercent(DEFAULT_MAX_REGRESSION, "default"), overrides };
}

/** The limit of one metric: the longest matching key wins (more specific), a later one on a tie. */
export function limitFor(limits: RegressionLimits, metric: string): number {
  let best: { key: string; fraction: number } | undefined;
  for (const o of limits.overrides) {
    if (matchesNameOrTail(o.key, metric) && (best === undefined || o.key.length >= best.key.length)) best = o;
  }
  return best?.fraction ?? limits.defaultFraction;
}

/** Override keys that match none of these metrics (likely typos; the command warns). */
export function unusedOverrides(limits: RegressionLimits, metrics: readonly string[]): string[] {
  return limits.overrides.filter((o) => !metrics.some((m) => matchesNameOrTail(o.key, m))).map((o) => o.key);
}
