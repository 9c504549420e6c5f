// The comparison as text: one aligned row per metric, then the verdict line.

import { formatCount, formatMs } from "../format/format-number.js";
import { formatTable } from "../format/format-table.js";
import type { Comparison, ComparisonRow } from "./compare-runs.js";
import type { SampleInterval } from "./noise.js";
import type { MetricUnit } from "./run-profile.js";

const INDENT = 2;

function formatValue(value: number | null, unit: MetricUnit): string {
  if (value === null) return "–";
  if (unit === "ms") return formatMs(value);
  if (unit === "count") return formatCount(value);
  return String(Math.round(value * 1e6) / 1e6);
}

function formatDelta(row: ComparisonRow): string {
  if (row.delta === null) return "–";
  if (row.delta === 0) return "0";
  const magnitude = formatValue(Math.abs(row.delta), row.unit);
  // Too small to show at this precision: no sign on a zero ("-0.000").
  if (/^[0.]+$/.test(magnitude)) return magnitude;
  return (row.delta > 0 ? "+" : "-") + magnitude;
}

function formatDeltaPct(row: ComparisonRow): string {
  if (row.delta === null) return "–";
  if (row.deltaPct === null) return "from 0";
  if (row.deltaPct === 0) return "0%";
  const magnitude = Math.abs(row.deltaPct).toFixed(1);
  if (magnitude === "0.0") return "0.0%";
  return `${row.deltaPct > 0 ? "+" : "-"}${magnitude}%`;
}

/**
 * Word per row: REGRESSED (past the limit and significant), noise (past the limit, within
 * noise), worse (within the limit), better, same, changed (no better way), n/a (not measured).
 */
export function verdictWord(row: Omit<ComparisonRow, "withinNoise"> & { withinNoise?: boolean }): string {
  if (row.delta === null) return "n/a";
  if (row.better === "neither") return row.delta === 0 ? "same" : "changed";
  if (row.regressed) return "REGRESSED";
  if (row.withinNoise === true) return "noise";
  if (row.worse) return "worse";
  return row.delta === 0 ? "same" : "better";
}

/** "12.10–19.38 ms", "12.10 ms – beyond the largest sample": a single run's interval. */
function formatInterval(interval: SampleInterval): string {
  const low = interval.lowMs === null ? "below the smallest sample" : `${formatMs(interval.lowMs)} ms`;
  const high = interval.highMs === null ? "beyond the largest sample" : `${formatMs(interval.highMs)} ms`;
  return `${low} – ${high}`;
}

/** Why a row past its limit is not a regression, in one line. */
function noiseReason(row: ComparisonRow): string {
  const noise = row.noise;
  if (noise === undefined) return row.metric;
  if (noise.method === "welch") {
    const p = noise.welch === null ? "too few runs measured it" : `p = ${noise.welch.p.toPrecision(2)}`;
    const needed = noise.pNeeded ?? 1 - noise.confidencePct / 100;
    return `${row.metric}: ${p} (Welch's t-test, needs p < ${formatP(needed)}${noise.pNeeded === undefined ? "" : " after Holm's correction"})`;
  }
  const { baseline: b, candidate: c } = noise;
  return (
    `${row.metric}: ${noise.confidencePct}% intervals overlap — baseline ${formatInterval(b)} (${formatCount(b.samples)} samples, ${formatBeyond(b.beyond)} beyond it), ` +
    `candidate ${formatInterval(c)}`
  );
}

const formatP = (p: number): string => p.toPrecision(2);
const formatBeyond = (beyond: number): string => (beyond < 100 ? String(Math.round(beyond * 10) / 10) : formatCount(Math.round(beyond)));

export interface RenderNames {
  baseline: string;
  candidate: string;
  /** Runs per side when compare ran or read replications (values are then means). */
  replications?: number;
}

export function renderComparison(comparison: Comparison, names: RenderNames): string {
  const replicated = names.replications !== undefined && names.replications > 1;
  const header = [
    "metric",
    replicated ? "baseline mean" : "baseline",
    replicated ? "candidate mean" : "candidate",
    "delta",
    "delta%",
    ...(replicated ? ["p"] : []),
    "limit",
    "verdict",
  ];
  const body = comparison.rows.map((row) => [
    row.metric + (row.unit === "ms" ? " (ms)" : ""),
    formatValue(row.baseline, row.unit),
    formatValue(row.candidate, row.unit),
    formatDelta(row),
    formatDeltaPct(row),
    ...(replicated ? [row.noise?.method === "welch" && row.noise.welch !== null && row.delta !== 0 ? row.noise.welch.p.toPrecision(2) : "–"] : []),
    `${row.limitPct}%`,
    verdictWord(row),
  ]);
  const runs = replicated ? `  (${names.replications} runs per side)` : "";
  const lines = [
    `${" ".repeat(INDENT)}kmssim compare  baseline ${names.baseline}  candidate ${names.candidate}${runs}`,
    "",
    ...formatTable([header, ...body], {
      indent: INDENT,
      align: ["left", "right", "right", "right", "right", ...(replicated ? ["right" as const] : []), "right", "left"],
    }),
    "",
  ];
  const noisy = comparison.rows.filter((r) => r.withinNoise);
  if (noisy.length > 0) {
    lines.push(`${" ".repeat(INDENT)}Past the limit but within seed-to-seed noise (not regressions):`);
    for (const row of noisy) lines.push(`${" ".repeat(INDENT + 2)}${noiseReason(row)}`);
    lines.push("");
  }
  const regressed = comparison.rows.filter((r) => r.regressed);
  const n = comparison.rows.length;
  if (regressed.length === 0) {
    const within = noisy.length > 0 ? `, ${noisy.length} within noise` : "";
    lines.push(`${" ".repeat(INDENT)}PASS  no metric regressed past its limit (${n} compared${within})`);
  } else {
    lines.push(`${" ".repeat(INDENT)}FAIL  ${regressed.length} of ${n} metrics regressed past their limit: ${regressed.map((r) => r.metric).join(", ")}`);
  }
  return lines.join("\n");
}
