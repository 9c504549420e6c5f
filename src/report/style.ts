// The report's only stylesheet, inlined: the file must read the same offline.

export const REPORT_CSS = `
:root { --fg: #1d2430; --muted: #5f6b7a; --line: #e3e7ed; --bg: #f6f7f9; --card: #fff; --ok: #1e8449; --bad: #c0392b; --warn: #b9770e; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 20px 24px 48px; }
header .title { display: flex; align-items: center; gap: 14px; }
h1 { font-size: 24px; margin: 0; font-weight: 650; }
h1 .product { color: var(--muted); font-weight: 500; margin-right: 4px; }
h2 { font-size: 17px; margin: 0 0 4px; }
h3 { font-size: 14px; margin: 0 0 6px; }
.badge { font-weight: 700; font-size: 13px; letter-spacing: .06em; padding: 3px 10px; border-radius: 4px; color: #fff; }
.badge.pass { background: var(--ok); } .badge.fail { background: var(--bad); }
.facts { color: var(--muted); margin: 6px 0 14px; } .facts b { color: var(--fg); font-weight: 600; }
.warning { background: #fff4e0; border-left: 4px solid var(--warn); padding: 8px 12px; margin: 8px 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 10px; margin-bottom: 6px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .value { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; }
.card .note { color: var(--muted); font-size: 12px; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 14px 16px; margin-top: 16px; }
section > p.lead { color: var(--muted); margin: 0 0 10px; }
.grid3 { display: grid; grid-template-columns: repeat(auto-fit, minmax(330px, 1fr)); gap: 14px; }
.panel h3 { margin: 0; }
.panel .stats { color: var(--muted); font-weight: 400; font-size: 12px; margin: 0 0 4px; }
.panel .empty { color: var(--muted); aspect-ratio: 420 / 260; display: flex; align-items: center; justify-content: center; border: 1px dashed var(--line); border-radius: 4px; }
svg.chart { width: 100%; height: auto; display: block; }
svg.chart text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; fill: #4a5563; }
svg.chart .grid { stroke: #e9ecf1; stroke-width: 1; }
svg.chart .axis { stroke: #9aa3af; stroke-width: 1; }
svg.chart .axis-title { fill: var(--muted); font-size: 11px; }
svg.chart .series { stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; }
svg.chart .hover-dot { opacity: 0; } svg.chart .hover-dot:hover { opacity: 1; }
svg.chart .licensed { stroke-width: 2.4; stroke-dasharray: 7 5; }
svg.chart .percentile-series .series { stroke-width: 1.8; }
.zoom-note { color: var(--muted); font-size: 12.5px; margin: 10px 0 4px; }
table.percentiles { width: auto; min-width: 60%; }
h3.table-title { margin: 14px 0 4px; }
svg.chart .expected { stroke-width: 1.6; stroke-dasharray: 6 4; opacity: .85; }
svg.chart .event { stroke-width: 1.2; stroke-dasharray: 3 3; }
svg.chart text.event-label { font-size: 11px; font-weight: 600; paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 0 0 6px; color: var(--muted); font-size: 13px; }
.legend .key { display: inline-flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 14px; height: 4px; border-radius: 2px; vertical-align: middle; margin-right: 6px; }
.swatch.dashed { background: repeating-linear-gradient(90deg, currentColor 0 5px, transparent 5px 8px) !important; height: 2px; }
.dot { display: inline-block; width: 8px; height: 8px; border-radius: 50%; margin-right: 6px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: 12px; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.counts { font-size: 13px; }
td.verdict, td.at, th.at { width: 1%; white-space: nowrap; }
td.warn { color: var(--warn); font-weight: 600; }
tr.ok .verdict { color: var(--ok); font-weight: 600; white-space: nowrap; } tr.bad .verdict { color: var(--bad); font-weight: 600; white-space: nowrap; }
tr.bad { background: #fdf0ee; }
.state-down, .state-hung, .state-decommissioned { color: var(--bad); font-weight: 600; }
.counts .low { color: var(--bad); font-weight: 600; }
.error-code { border-top: 1px solid var(--line); padding: 10px 0 4px; }
.error-code:first-of-type { border-top: 0; padding-top: 0; }
.error-code h3 { display: flex; flex-wrap: wrap; gap: 10px; align-items: baseline; }
.error-code .symbol { color: var(--muted); font-weight: 500; font-size: 12px; }
.error-code .where { margin-left: auto; color: var(--bad); font-weight: 600; font-size: 13px; }
.error-code p { margin: 4px 0; max-width: 100ch; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
pre.scenario { background: #f3f5f8; border: 1px solid var(--line); border-radius: 4px; padding: 10px 12px; overflow: auto; max-height: 520px; margin: 0; }
.muted { color: var(--muted); }
footer { color: var(--muted); font-size: 12px; margin-top: 18px; text-align: center; }
`;
