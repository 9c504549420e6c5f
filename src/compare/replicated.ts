// One side of `compare --replications N`: N runs of the same setup with different seeds,
// folded into one profile of means (what the table shows) plus the values behind each
// mean (what Welch's test reads). An error code seen in only some runs counts 0 in the
// others; a metric not measured in a run (a success rate with nothing sent) is left out.

import { CONFIDENCE, meanCi } from "../stats/confidence.js";
import { significant, welchTest } from "../stats/welch.js";
import { confidencePct, type NoiseJudge } from "./noise.js";
import type { MetricValue, RunProfile } from "./run-profile.js";
import type { Comparison, ComparisonRow } from "./compare-runs.js";

export interface ReplicatedSide {
  /** Each metric's mean over the runs; identity of the first run (interrupted if any was). */
  profile: RunProfile;
  replications: number;
  /** Every run's value of a metric (measured runs only; error codes 0 where absent). */
  valuesOf(metric: string): number[];
}

const meanOf = (values: readonly number[]): number | null => meanCi(values).mean;

export function foldReplications(profiles: readonly RunProfile[]): ReplicatedSide {
  if (profiles.length === 0) throw new Error("foldReplications needs at least one run");
  const values = new Map<string, number[]>();
  const keep = (metric: string, value: number | null): void => {
    if (value === null) return;
    const list = values.get(metric);
    if (list === undefined) values.set(metric, [value]);
    else list.push(value);
  };
  const [first] = profiles;
  for (const p of profiles) for (const m of p.metrics) keep(m.metric, m.value);
  const errorPrefixes = first.errorGroups.map((g) => g.prefix);
  const errorGroups = first.errorGroups.map((group, g) => {
    const codes = [...new Set(profiles.flatMap((p) => Object.keys(p.errorGroups[g].counts)))].sort();
    const counts: Record<string, number> = {};
    for (const code of codes) {
      const all = profiles.map((p) => p.errorGroups[g].counts[code] ?? 0);
      values.set(`${group.prefix}.${code}`, all);
      counts[code] = meanOf(all)!;
    }
    return { prefix: group.prefix, counts };
  });
  const fields = new Map<string, MetricValue>();
  for (const p of profiles) {
    for (const [path, field] of p.fields) {
      if (!fields.has(path)) fields.set(path, field);
      keep(`field:${path}`, field.value);
    }
  }
  const mean = (metric: string): number | null => {
    const list = values.get(metric);
    return list === undefined ? null : meanOf(list);
  };
  const profile: RunProfile = {
    identity: { ...first.identity, interrupted: profiles.some((p) => p.identity.interrupted) },
    metrics: first.metrics.map((m) => ({ ...m, value: mean(m.metric) })),
    errorGroups,
    fields: new Map([...fields].map(([path, field]) => [path, { ...field, value: mean(`field:${path}`) }])),
    intervals: new Map(),
  };
  const fixed = new Set(first.metrics.map((m) => m.metric));
  return {
    profile,
    replications: profiles.length,
    valuesOf: (metric) => {
      const own = fixed.has(metric) || errorPrefixes.some((prefix) => metric.startsWith(`${prefix}.`)) ? values.get(metric) : values.get(`field:${metric}`);
      if (own !== undefined) return own;
      // An error code only the other side saw: 0 in every run of this one.
      return errorPrefixes.some((prefix) => metric.startsWith(`${prefix}.`)) ? profiles.map(() => 0) : [];
    },
  };
}

/** Replications: every metric is judged by Welch's t-test on the two sides' runs. */
export function replicationNoise(baseline: ReplicatedSide, candidate: ReplicatedSide, confidence = CONFIDENCE): NoiseJudge {
  return (metric) => {
    const a = baseline.valuesOf(metric);
    const b = candidate.valuesOf(metric);
    const welch = welchTest(a, b);
    return {
      method: "welch",
      confidencePct: confidencePct(confidence),
      baseline: meanCi(a, confidence),
      candidate: meanCi(b, confidence),
      welch,
      significant: significant(welch, confidence),
    };
  };
}

/**
 * Holm's step-down correction over the rows Welch tested: with ~25 metrics compared at
 * 95 %, one of them would pass the plain test by chance in most comparisons. Rows keep
 * their p; `pNeeded` is the bound their rank allows, and a row is significant only when
 * it and every smaller p pass. Rows past the limit that lose significance become noise.
 */
export function holmCorrected(comparison: Comparison, confidence = CONFIDENCE): Comparison {
  const tested = comparison.rows.filter((r) => r.better !== "neither" && r.noise?.method === "welch" && r.noise.welch !== null);
  const order = [...tested].sort((a, b) => pOf(a) - pOf(b));
  const alpha = 1 - confidence;
  const passed = new Set<ComparisonRow>();
  let stillPassing = true;
  order.forEach((row, rank) => {
    const needed = alpha / (order.length - rank);
    if (row.noise?.method === "welch") row.noise.pNeeded = needed;
    stillPassing = stillPassing && pOf(row) < needed;
    if (stillPassing) passed.add(row);
  });
  const rows = comparison.rows.map((row): ComparisonRow => {
    if (row.noise?.method !== "welch") return row;
    const significantNow = passed.has(row);
    const pastLimit = row.regressed || row.withinNoise;
    return { ...row, noise: { ...row.noise, significant: significantNow }, regressed: pastLimit && significantNow, withinNoise: pastLimit && !significantNow };
  });
  return { ...comparison, rows, pass: rows.every((r) => !r.regressed) };
}

const pOf = (row: ComparisonRow): number => (row.noise?.method === "welch" && row.noise.welch !== null ? row.noise.welch.p : 1);
