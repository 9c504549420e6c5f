// The plan report's text parts: the header with the answer per fleet size, the
// thresholds, and the table of every point. Every value from the file is escaped.

import { OP_SYMBOL } from "../../format/palette.js";
import type { MeanCi } from "../../stats/confidence.js";
import type { PlanPoint, PlanRecommendation, PlanReport } from "../../capacity/plan-report.js";
import { formatCi, formatHostCounts } from "../../capacity/render-plan.js";
import { escapeHtml } from "../escape.js";
import { count, duration, plain } from "../sections/format.js";
import { pointVerdict } from "./plan-series.js";

const replicationsText = (n: number): string => (n === 1 ? "its one replication" : `all ${count(n)} replications`);

/** "3 hosts", "none" or "not known" for the header's card of one fleet size. */
export function recommendationValue(r: PlanRecommendation | undefined): string {
  if (r === undefined) return "–";
  if (r.hosts !== null) return `${count(r.hosts)} host${r.hosts === 1 ? "" : "s"}`;
  return r.reason === "unfinished" ? "not known" : "none";
}

function recommendationNote(r: PlanRecommendation | undefined, plan: PlanReport): string {
  if (r === undefined) return "no recommendation in the file";
  if (r.hosts !== null) return `the smallest count that met every threshold in ${replicationsText(plan.replications)}`;
  if (r.reason === "unfinished") return `the sweep stopped before ${count(r.unfinishedAt)} hosts finished`;
  return `none of ${escapeHtml(formatHostCounts(plan.hostCounts))} hosts met every threshold in ${replicationsText(plan.replications)}`;
}

export function planHeaderHtml(plan: PlanReport): string {
  const verdict = plan.pass === true ? `<span class="badge pass">PASS</span>` : `<span class="badge fail">FAIL</span>`;
  const runs = plan.points.reduce((a, p) => a + (typeof p.runs === "number" ? p.runs : 0), 0);
  const facts = [
    `virtual`,
    `seed <b>${escapeHtml(plan.seed)}</b>`,
    `hosts <b>${escapeHtml(formatHostCounts(plan.hostCounts))}</b>`,
    `<b>${count(plan.replications)}</b> replication${plan.replications === 1 ? "" : "s"} per point`,
    `<b>${count(runs)}</b> runs`,
    `mean ± <b>${plain(plan.confidence * 100)}%</b> confidence interval`,
    `wall <b>${duration(plan.wallSeconds)}</b>`,
  ];
  const warning =
    plan.incomplete !== undefined
      ? `<p class="warning">A run failed and the sweep stopped (${escapeHtml(plan.incomplete.reason)}): points that did not finish are grey and marked "ran n/N".</p>`
      : plan.interrupted === true
        ? `<p class="warning">The sweep was interrupted: points that did not finish are grey and marked "ran n/N".</p>`
        : "";
  const cards = plan.fleetSizes.map((clients) => {
    const r = plan.recommendations.find((rec) => rec.clients === clients);
    const cls = r?.hosts === null || r === undefined ? " none" : "";
    return `<div class="card recommendation${cls}"><div class="label">${count(clients)} clients</div><div class="value">${recommendationValue(r)}</div><div class="note">${recommendationNote(r, plan)}</div></div>`;
  });
  return `<header>
<div class="title"><h1><span class="product">kmssim plan</span> ${escapeHtml(plan.scenario)}</h1>${verdict}</div>
<p class="facts">${facts.join(" · ")}</p>
${warning}
<div class="cards">${cards.join("")}</div>
</header>`;
}

export function planThresholdsHtml(plan: PlanReport): string {
  if (plan.thresholds.length === 0) return `<p class="muted">The scenario sets no thresholds: every host count passes.</p>`;
  const rows = plan.thresholds.map(
    (t, k) =>
      `<tr><td class="tid"><b>T${k + 1}</b></td><td><code>${escapeHtml(t.metric)}</code></td><td class="num">${escapeHtml(OP_SYMBOL[t.op] ?? t.op)} ${plain(t.value)}</td></tr>`,
  );
  return `<table class="plan-thresholds"><thead><tr><th class="tid"></th><th>metric</th><th class="num">limit</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/** "952.1ms ± 46.56ms", "–"; escaped. */
export function ciText(ci: MeanCi | undefined, unit = ""): string {
  if (ci === undefined || ci === null || typeof ci !== "object") return "–";
  const clean = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
  return escapeHtml(formatCi({ n: clean(ci.n) ?? 0, mean: clean(ci.mean), low: clean(ci.low), high: clean(ci.high), halfWidth: clean(ci.halfWidth) }, unit));
}

/** Hours until every client activated: "never" (a badge) when no replication got there. */
export function allActivatedHtml(point: PlanPoint): string {
  const a = point.allActivatedHours;
  const never = typeof a?.never === "number" ? a.never : 0;
  if (a === undefined || typeof a.n !== "number" || a.n === 0) return point.runs === 0 ? "–" : `<span class="never">never</span>`;
  return never === 0 ? ciText(a, "h") : `${ciText(a, "h")} <span class="never">never in ${count(never)}</span>`;
}

export function planPointsHtml(plan: PlanReport): string {
  const recommended = new Set(plan.recommendations.filter((r) => r.hosts !== null).map((r) => `${r.clients}/${r.hosts}`));
  const heads = plan.thresholds.map((t, k) => `<th class="num" title="${escapeHtml(`${t.metric} ${OP_SYMBOL[t.op] ?? t.op} ${t.value}`)}">T${k + 1}</th>`);
  const rows = plan.points.map((p) => {
    const verdict = pointVerdict(p);
    const verdictText = verdict === "pass" ? "✓ PASS" : verdict === "fail" ? "✗ fail" : `ran ${count(p.runs)}/${count(plan.replications)}`;
    const isRecommended = recommended.has(`${p.clients}/${p.hosts}`);
    const passes = (Array.isArray(p.thresholdPasses) ? p.thresholdPasses : []).map(
      (n) => `<td class="${n === p.runs ? "num" : "num warn"}">${count(n)}/${count(p.runs)}</td>`,
    );
    const cls = verdict === "pass" ? "ok" : verdict === "fail" ? "bad" : "unfinished";
    return (
      `<tr class="${cls}${isRecommended ? " recommended" : ""}"><td class="num" title="${escapeHtml((Array.isArray(p.hostNames) ? p.hostNames : []).join(", "))}">${count(p.hosts)}${isRecommended ? ` <span class="rec">recommended</span>` : ""}</td>` +
      `<td class="num">${count(p.clients)}</td><td class="verdict">${verdictText}</td>${passes.join("")}` +
      `<td class="num">${ciText(p.p99ActivationMs, "ms")}</td><td class="num">${allActivatedHtml(p)}</td><td class="num">${ciText(p.maxShareDeviation)}</td></tr>`
    );
  });
  return (
    `<table class="points"><thead><tr><th class="num">hosts</th><th class="num">clients</th><th>verdict</th>${heads.join("")}` +
    `<th class="num">p99 activation</th><th class="num">all activated</th><th class="num">max share deviation</th></tr></thead><tbody>${rows.join("")}</tbody></table>`
  );
}
