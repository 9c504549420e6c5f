// What the plan report adds to the run report's stylesheet (REPORT_CSS comes first).

export const PLAN_CSS = `
.card.recommendation .value { color: var(--ok); } .card.recommendation.none .value { color: var(--bad); }
section.fleet h2 b { color: var(--ok); }
svg.chart .recommended { fill: var(--ok); opacity: .1; }
svg.chart text.recommended-label { fill: var(--ok); font-weight: 600; font-size: 10.5px; }
svg.chart .limit { stroke: var(--bad); stroke-width: 1.4; stroke-dasharray: 6 4; }
svg.chart text.limit-label { fill: var(--bad); font-weight: 600; paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
svg.chart .mean-line { stroke: #9aa3af; stroke-width: 1.4; }
svg.chart .whisker { stroke-width: 1.6; fill: none; }
svg.chart .point { stroke: #fff; stroke-width: 1.5; }
svg.chart .never-mark { stroke-width: 2.4; stroke-linecap: round; fill: none; }
svg.chart .never-rule { stroke: #c9ced6; stroke-dasharray: 2 3; }
svg.chart text.never-label { fill: var(--bad); font-weight: 600; }
.swatch.band { background: var(--ok); opacity: .25; height: 12px; width: 12px; }
.never { color: var(--bad); font-weight: 600; }
table.points tr.recommended td { background: #eaf6ee; }
table.points .rec { color: var(--ok); font-size: 11px; font-weight: 600; margin-left: 4px; }
tr.unfinished .verdict { color: var(--muted); }
table.plan-thresholds { width: auto; min-width: 420px; } .tid { white-space: nowrap; } table.plan-thresholds td.num { padding-left: 32px; }
`;
