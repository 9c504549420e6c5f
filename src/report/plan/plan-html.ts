// The HTML report of a capacity plan (`kmssim report plan.json --html F`): one offline
// page in the run report's style (its stylesheet, palette, scales and escaping), no
// script. Per fleet size, p99 activation latency, hours until all activated and the max
// share deviation against the host count; then every point in a table.

import type { PlanPoint, PlanReport } from "../../capacity/plan-report.js";
import { formatCi } from "../../capacity/render-plan.js";
import { escapeHtml } from "../escape.js";
import { REPORT_CSS } from "../style.js";
import { count, plain } from "../sections/format.js";
import { planChartSvg, VERDICT_COLOR, type PlanChartText } from "./plan-chart.js";
import { planHeaderHtml, planPointsHtml, planThresholdsHtml } from "./plan-sections.js";
import { OP_SYMBOL } from "../../format/palette.js";
import { fleetPoints, metricLimit, planSeries, type PlanMetric, type PlanSeriesPoint } from "./plan-series.js";
import { PLAN_CSS } from "./plan-style.js";
import { scenarioTextHtml } from "../sections/scenario.js";
import { pageStart } from "../html-report.js";

export interface PlanHtmlOptions {
  /** The scenario file's text, shown in full. */
  scenarioText?: string;
}

interface MetricSpec {
  metric: PlanMetric;
  title: string;
  yTitle: string;
  unit: string;
}

const METRICS: readonly MetricSpec[] = [
  { metric: "p99ActivationMs", title: "p99 activation latency", yTitle: "p99 activation (ms)", unit: "ms" },
  { metric: "allActivatedHours", title: "Hours until all activated", yTitle: "hours until all activated", unit: "h" },
  { metric: "maxShareDeviation", title: "Max share deviation", yTitle: "max share deviation", unit: "" },
];

const VERDICT_WORD = { pass: "PASS", fail: "fail", unfinished: "unfinished" } as const;

function describePoint(spec: MetricSpec, p: PlanSeriesPoint): string {
  const where = `${p.hosts} host${p.hosts === 1 ? "" : "s"}`;
  const verdict = `${VERDICT_WORD[p.verdict]}, ${p.runs} replication${p.runs === 1 ? "" : "s"}`;
  if (p.mean === null) return p.never > 0 ? `${where}: never all activated in ${p.never} of ${p.runs} (${verdict})` : `${where}: no value (${verdict})`;
  const value = formatCi({ n: p.n, mean: p.mean, low: p.low, high: p.high, halfWidth: p.halfWidth }, spec.unit);
  return `${where}: ${value}${p.never > 0 ? `, never in ${p.never}` : ""} (${verdict})`;
}

function fleetSection(plan: PlanReport, clients: number, index: number): string {
  const points: PlanPoint[] = fleetPoints(plan, clients);
  const rec = plan.recommendations.find((r) => r.clients === clients);
  const recommendedHosts = rec?.hosts ?? null;
  const panels = METRICS.map((spec) => {
    const limit = metricLimit(plan, spec.metric);
    const series = planSeries(points, spec.metric);
    const limitText =
      limit === null ? "" : `${OP_SYMBOL[limit.op] ?? limit.op} ${Math.round(limit.value * 1e6) / 1e6}${spec.unit === "" ? "" : ` ${spec.unit}`}`;
    const text: PlanChartText = {
      label: `${spec.title} against host count for ${clients} clients`,
      yTitle: spec.yTitle,
      describe: (p) => describePoint(spec, p),
      limitLabel: limit === null ? undefined : `limit ${limitText}`,
    };
    const stats =
      limit !== null
        ? `threshold ${escapeHtml(limitText)}`
        : spec.metric === "allActivatedHours"
          ? "× never: some client was still not activated at the end"
          : "no threshold on this metric";
    return `<div class="panel"><h3>${escapeHtml(spec.title)}</h3><p class="stats">${stats}</p>${planChartSvg(series, limit, recommendedHosts, text, spec.metric)}</div>`;
  });
  const note =
    rec !== undefined && rec.hosts !== null && Array.isArray(rec.failedAbove) && rec.failedAbove.length > 0
      ? `<p class="warning">${escapeHtml(rec.failedAbove.join(", "))} host(s) failed although ${count(rec.hosts)} passed: results near a threshold vary between seeds; more replications tell.</p>`
      : "";
  const answer =
    recommendedHosts === null
      ? `no host count met every threshold in every replication`
      : `<b>${count(recommendedHosts)} host${recommendedHosts === 1 ? "" : "s"}</b> recommended`;
  return `<section id="fleet-${index}" class="fleet"><h2>${count(clients)} clients: ${answer}</h2><p class="lead">Each point is the mean over the replications, the bar its ${plain(plan.confidence * 100)}% confidence interval; colour is the point's verdict over every threshold.</p>${legendHtml()}<div class="grid3">${panels.join("")}</div>${note}</section>`;
}

function legendHtml(): string {
  const dot = (color: string, label: string): string => `<span class="key"><span class="dot" style="background:${color}"></span>${label}</span>`;
  return (
    `<div class="legend">${dot(VERDICT_COLOR.pass, "every threshold met in every replication")}${dot(VERDICT_COLOR.fail, "some threshold missed")}${dot(VERDICT_COLOR.unfinished, "unfinished")}` +
    `<span class="key"><span class="swatch dashed" style="color:${VERDICT_COLOR.fail}"></span>threshold</span>` +
    `<span class="key"><span class="swatch band"></span>recommended host count</span></div>`
  );
}

export function renderPlanHtmlReport(plan: PlanReport, options: PlanHtmlOptions = {}): string {
  const answers = plan.fleetSizes.map((clients) => {
    const r = plan.recommendations.find((rec) => rec.clients === clients);
    return `${clients} clients: ${r?.hosts ?? "none"}`;
  });
  const title = `kmssim plan: ${plan.scenario} (${answers.join(", ")})`;
  const scenario = options.scenarioText === undefined ? "" : `<section id="scenario"><h2>Scenario</h2>${scenarioTextHtml(options.scenarioText)}</section>`;
  return `${pageStart(title, REPORT_CSS + PLAN_CSS)}
<main>
${planHeaderHtml(plan)}
<section id="thresholds"><h2>Thresholds</h2><p class="lead">The goal of the sweep: a host count passes when every replication meets every threshold.</p>${planThresholdsHtml(plan)}</section>
${plan.fleetSizes.map((clients, k) => fleetSection(plan, clients, k)).join("\n")}
<section id="points"><h2>Every point</h2><p class="lead">T<i>n</i>: replications that met threshold <i>n</i>. Values: mean ± half-width of the ${plain(plan.confidence * 100)}% interval over replications.</p>${planPointsHtml(plan)}</section>
${scenario}
<footer>${escapeHtml(plan.schema)} · generated by kmssim · self-contained: no scripts, no network</footer>
</main>
</body>
</html>
`;
}
