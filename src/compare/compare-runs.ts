// The pure core of `kmssim compare`: two results in, one row per metric out, each with its
// delta and verdict, plus warnings when the runs are not like for like.

import type { Result } from "../results/result.js";
import { CompareError } from "./errors.js";
import { matchesGlob, selectMetric } from "./glob.js";
import { DEFAULT_MAX_REGRESSION, limitFor, parseMaxRegression, type RegressionLimits } from "./limits.js";
import { profileOf, type Better, type MetricUnit, type MetricValue, type RunIdentity, type RunProfile } from "./run-profile.js";
import { judge } from "./verdict.js";
import { CONFIDENCE } from "../stats/confidence.js";
import { percentileNoise, type Noise, type NoiseJudge } from "./noise.js";

export interface ComparisonRow {
  metric: string;
  unit: MetricUnit;
  better: Better;
  baseline: number | null;
  candidate: number | null;
  delta: number | null;
  deltaPct: number | null;
  /** The limit applied, in percent of the baseline. */
  limitPct: number;
  worse: boolean;
  /** Worse past the limit and the change is significant (not within noise). */
  regressed: boolean;
  /** Worse past the limit, but within the noise estimate: not a regression. */
  withinNoise: boolean;
  /** The noise estimate behind `withinNoise`; absent when the metric has none (judged by its limit alone). */
  noise?: Noise;
}

export interface Comparison {
  rows: ComparisonRow[];
  /** No row regressed. */
  pass: boolean;
  /** The runs differ in scenario, mode, clients or seed, or one was interrupted. */
  warnings: string[];
}

export interface CompareOptions {
  /** Default: 10 % for every metric. */
  limits?: RegressionLimits;
  /**
   * `--metric` globs (`!glob` excludes); empty or absent: every default metric. A name
   * without wildcards may also be any other number of the result (`hosts.kms1.late`).
   */
  metrics?: readonly string[];
  /**
   * How to tell change from noise; default: single runs, the latency percentiles'
   * sampling intervals (computed by profileOf at its confidence).
   */
  noise?: NoiseJudge;
  /** Confidence of the default noise judge, as a fraction (default 0.95). */
  confidence?: number;
  /** Do not warn when the seeds differ (replications: each side runs several on purpose). */
  ignoreSeed?: boolean;
}

/** Every metric of both runs, paired by name: error codes seen in only one run count 0 in the other. */
function pairs(baseline: RunProfile, candidate: RunProfile): { base: MetricValue; cand: MetricValue }[] {
  const out = baseline.metrics.map((base, k) => ({ base, cand: candidate.metrics[k] }));
  baseline.errorGroups.forEach((group, g) => {
    const other = candidate.errorGroups[g].counts;
    const codes = [...new Set([...Object.keys(group.counts), ...Object.keys(other)])].sort();
    for (const code of codes) {
      const metric = `${group.prefix}.${code}`;
      out.push({
        base: { metric, unit: "count", better: "lower", value: group.counts[code] ?? 0 },
        cand: { metric, unit: "count", better: "lower", value: other[code] ?? 0 },
      });
    }
  });
  return out;
}

export function differences(baseline: RunIdentity, candidate: RunIdentity, ignoreSeed = false): string[] {
  const warnings: string[] = [];
  for (const key of ignoreSeed ? (["scenario", "mode", "clients"] as const) : (["scenario", "mode", "clients", "seed"] as const)) {
    if (baseline[key] !== candidate[key]) {
      warnings.push(`the runs differ in ${key} (baseline ${baseline[key]}, candidate ${candidate[key]}): deltas may come from that, not from a change`);
    }
  }
  if (baseline.interrupted) warnings.push("the baseline run was interrupted: its numbers cover only part of the run");
  if (candidate.interrupted) warnings.push("the candidate run was interrupted: its numbers cover only part of the run");
  return warnings;
}

/**
 * Numbers of the results named exactly by `--metric` that are not default metrics, and
 * client groups' numbers a glob starting `groups.` selects (`groups.*.rpc.*.latencyMs.p99`):
 * a number only one run has is compared with "not measured" on the other side.
 */
function namedFields(
  baseline: RunProfile,
  candidate: RunProfile,
  globs: readonly string[],
  defaults: readonly string[],
): { base: MetricValue; cand: MetricValue }[] {
  const taken = new Set(defaults.map((m) => m.toLowerCase()));
  const out: { base: MetricValue; cand: MetricValue }[] = [];
  const groupGlobs = globs.filter((g) => /^groups\./i.test(g) && /[*?]/.test(g));
  const names = [
    ...globs,
    ...[...new Set([...baseline.fields.keys(), ...candidate.fields.keys()])].filter(
      (name) => /^groups\./.test(name) && groupGlobs.some((g) => matchesGlob(g, name)) && selectMetric(globs, name),
    ),
  ];
  for (const name of names) {
    if (name.startsWith("!") || /[*?]/.test(name) || taken.has(name.toLowerCase())) continue;
    const base = baseline.fields.get(name);
    const cand = candidate.fields.get(name);
    const either = base ?? cand;
    if (either === undefined) continue;
    taken.add(name.toLowerCase());
    out.push({ base: base ?? { ...either, value: null }, cand: cand ?? { ...either, value: null } });
  }
  return out;
}

export function compareProfiles(baseline: RunProfile, candidate: RunProfile, options: CompareOptions = {}): Comparison {
  const limits = options.limits ?? parseMaxRegression(DEFAULT_MAX_REGRESSION);
  const globs = options.metrics ?? [];
  const all = pairs(baseline, candidate);
  const defaults = all.filter(({ base }) => selectMetric(globs, base.metric));
  const selected = [
    ...defaults,
    ...namedFields(
      baseline,
      candidate,
      globs,
      all.map((p) => p.base.metric),
    ),
  ];
  if (globs.length > 0 && selected.length === 0) {
    throw new CompareError(
      `--metric ${globs.join(" ")} selects no metric; metrics are: ${all.map((p) => p.base.metric).join(", ")}, ` +
        "or any other number of the results by its exact path (e.g. hosts.<name>.late)",
      "KMSSIM_BAD_METRIC",
    );
  }
  const noiseOf = options.noise ?? percentileNoise(baseline.intervals, candidate.intervals, options.confidence ?? CONFIDENCE);
  const rows = selected.map(({ base, cand }): ComparisonRow => {
    const limit = limitFor(limits, base.metric);
    const verdict = judge(base.value, cand.value, base.better, base.unit, limit);
    const noise = verdict.delta === null ? undefined : noiseOf(base.metric);
    const significant = noise?.significant ?? true;
    return {
      metric: base.metric,
      unit: base.unit,
      better: base.better,
      baseline: base.value,
      candidate: cand.value,
      ...verdict,
      regressed: verdict.regressed && significant,
      withinNoise: verdict.regressed && !significant,
      limitPct: Math.round(limit * 100 * 1e6) / 1e6,
      ...(noise === undefined ? {} : { noise }),
    };
  });
  return { rows, pass: rows.every((r) => !r.regressed), warnings: differences(baseline.identity, candidate.identity, options.ignoreSeed) };
}

/** Both results in, rows out; throws CompareError on a histogram that does not decode. */
export function compareResults(baseline: Result, candidate: Result, options: CompareOptions = {}): Comparison {
  return compareProfiles(profileOf(baseline), profileOf(candidate), options);
}
