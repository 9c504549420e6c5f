// The sweep's outcome as text: the thresholds once, then per fleet size a table with one
// row per host count (verdict, replications meeting each threshold, means ± 95% CI), and
// the recommended host count.

import { OP_SYMBOL, palette } from "../format/palette.js";
import { formatCount } from "../format/format-number.js";
import { formatDurationShort } from "../format/format-duration.js";
import { formatTable } from "../format/format-table.js";
import type { MeanCi } from "../stats/confidence.js";
import type { PlanPoint, PlanRecommendation, PlanReport } from "./plan-report.js";

export interface RenderOptions {
  color: boolean;
  /** Worker threads used (shown in the header). */
  workers: number;
}

/** 4 significant digits, thousands grouped from 1,000 up: 374.2, 0.007412, 5,001. */
export function formatValue(x: number): string {
  if (x === 0) return "0";
  if (Math.abs(x) >= 1000) return formatCount(Math.round(x));
  return String(Number(x.toPrecision(4)));
}

/** "mean ± half-width", "value (n=1)", or "–" without values. */
export function formatCi(ci: MeanCi, unit = ""): string {
  if (ci.mean === null) return "–";
  if (ci.halfWidth === null) return `${formatValue(ci.mean)}${unit} (n=1)`;
  return `${formatValue(ci.mean)}${unit} ± ${formatValue(ci.halfWidth)}${unit}`;
}

function allActivatedCell(point: PlanPoint): string {
  const a = point.allActivatedHours;
  if (a.n === 0) return point.runs === 0 ? "–" : "never";
  return a.never === 0 ? formatCi(a, "h") : `${formatCi(a, "h")}, never in ${a.never}`;
}

/** Host counts as the user would write them: 1..4, or 1,2,4. */
export function formatHostCounts(counts: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < counts.length;) {
    let j = i;
    while (j + 1 < counts.length && counts[j + 1] === counts[j] + 1) j++;
    parts.push(j - i >= 2 ? `${counts[i]}..${counts[j]}` : counts.slice(i, j + 1).join(","));
    i = j + 1;
  }
  return parts.join(",");
}

function recommendationLine(r: PlanRecommendation, report: PlanReport): string {
  const where = `${formatCount(r.clients)} clients`;
  const all = report.replications === 1 ? "its one replication" : `all ${report.replications} replications`;
  if (r.hosts !== null) return `→ ${where}: ${r.hosts} host${r.hosts === 1 ? "" : "s"}, the smallest count that met every threshold in ${all}`;
  if (r.reason === "unfinished") return `→ ${where}: not known: the sweep stopped before ${r.unfinishedAt} hosts finished`;
  return `→ ${where}: none of ${formatHostCounts(report.hostCounts)} hosts met every threshold in ${all}`;
}

export function renderPlan(report: PlanReport, options: RenderOptions): string {
  const { bold, green, red, yellow } = palette(options.color);
  const lines: string[] = [];
  const runs = report.points.length * report.replications;
  const state = report.incomplete !== undefined ? "  " + red("(incomplete: a run failed)") : report.interrupted ? "  " + yellow("(interrupted)") : "";
  lines.push(`  ${bold("kmssim plan")}  ${bold(report.scenario)}${state}`);
  lines.push(
    `  virtual · seed ${report.seed} · hosts ${formatHostCounts(report.hostCounts)} · ${report.replications} replication${report.replications === 1 ? "" : "s"} per point · ` +
      `${formatCount(runs)} runs · ${options.workers === 0 ? "main thread" : `${options.workers} worker${options.workers === 1 ? "" : "s"}`} · wall ${formatDurationShort(report.wallSeconds)}`,
  );
  lines.push("");
  if (report.thresholds.length === 0) {
    lines.push("  no thresholds in the scenario: every host count passes (add e.g. { metric: rpc.activation.latencyMs.p99, lt: 50 })");
  } else {
    lines.push("  thresholds");
    report.thresholds.forEach((t, k) => lines.push(`    T${k + 1}  ${t.metric} ${OP_SYMBOL[t.op] ?? t.op} ${t.value}`));
  }
  const thresholdHeads = report.thresholds.map((_, k) => `T${k + 1}`);
  for (const clients of report.fleetSizes) {
    lines.push("");
    lines.push(`  ${bold(`${formatCount(clients)} clients`)}  (mean ± ${report.confidence * 100}% confidence interval over replications)`);
    const rows: string[][] = [["hosts", "verdict", ...thresholdHeads, "p99 activation", "all activated", "max share deviation"]];
    for (const point of report.points.filter((p) => p.clients === clients)) {
      const verdict = !point.complete ? yellow(`ran ${point.runs}/${report.replications}`) : point.pass ? green("PASS") : red("fail");
      rows.push([
        String(point.hosts),
        verdict,
        ...point.thresholdPasses.map((n) => `${n}/${point.runs}`),
        formatCi(point.p99ActivationMs, "ms"),
        allActivatedCell(point),
        formatCi(point.maxShareDeviation),
      ]);
    }
    lines.push(...formatTable(rows, { indent: 2, align: ["right"] }));
    const recommendation = report.recommendations.find((r) => r.clients === clients);
    if (recommendation === undefined) continue;
    lines.push(`  ${bold(recommendationLine(recommendation, report))}`);
    if (recommendation.hosts !== null && recommendation.failedAbove.length > 0) {
      lines.push(
        `    note: ${recommendation.failedAbove.join(", ")} host(s) failed although ${recommendation.hosts} passed: results near a threshold vary between seeds; more --replications tell`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}
