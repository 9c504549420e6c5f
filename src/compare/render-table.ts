// The comparison as text: one aligned row per metric, then the verdict line.

import { formatCount, formatMs } from "../format/format-number.js";
import { formatTable } from "../format/format-table.js";
import type { Comparison, ComparisonRow } from "./compare-runs.js";
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
  const sign = row.delta > 0 ? "+" : "-";
  return sign + formatValue(Math.abs(row.delta), row.unit);
}

function formatDeltaPct(row: ComparisonRow): string {
  if (row.delta === null) return "–";
  if (row.deltaPct === null) return "from 0";
  if (row.deltaPct === 0) return "0%";
  return `${row.deltaPct > 0 ? "+" : ""}${row.deltaPct.toFixed(1)}%`;
}

/** Word per row: REGRESSED (past the limit), worse (within it), better, same, changed (no better way), n/a (not measured). */
export function verdictWord(row: ComparisonRow): string {
  if (row.delta === null) return "n/a";
  if (row.better === "neither") return row.delta === 0 ? "same" : "changed";
  if (row.regressed) return "REGRESSED";
  if (row.worse) return "worse";
  return row.delta === 0 ? "same" : "better";
}

export function renderComparison(comparison: Comparison, names: { baseline: string; candidate: string }): string {
  const header = ["metric", "baseline", "candidate", "delta", "delta%", "limit", "verdict"];
  const body = comparison.rows.map((row) => [
    row.metric + (row.unit === "ms" ? " (ms)" : ""),
    formatValue(row.baseline, row.unit),
    formatValue(row.candidate, row.unit),
    formatDelta(row),
    formatDeltaPct(row),
    `${row.limitPct}%`,
    verdictWord(row),
  ]);
  const lines = [
    `${" ".repeat(INDENT)}kmssim compare  baseline ${names.baseline}  candidate ${names.candidate}`,
    "",
    ...formatTable([header, ...body], { indent: INDENT, align: ["left", "right", "right", "right", "right", "right", "left"] }),
    "",
  ];
  const regressed = comparison.rows.filter((r) => r.regressed);
  const n = comparison.rows.length;
  if (regressed.length === 0) {
    lines.push(`${" ".repeat(INDENT)}PASS  no metric regressed past its limit (${n} compared)`);
  } else {
    lines.push(`${" ".repeat(INDENT)}FAIL  ${regressed.length} of ${n} metrics regressed past their limit: ${regressed.map((r) => r.metric).join(", ")}`);
  }
  return lines.join("\n");
}
