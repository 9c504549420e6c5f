// One plan chart: a metric against the host count for one fleet size. Each point is the
// mean over the replications with its 95% interval as an error bar, coloured by the
// point's verdict; the scenario's limit is a dashed line, the recommended count a band.
// A point whose fleet never finished activating has no value: it is drawn as × in a
// "never" row above the values, so it cannot be mistaken for a small number.
// Geometry (planChartGeometry) is separate from the markup so tests can check it.

import { escapeHtml } from "../escape.js";
import { maxOf } from "../downsample.js";
import { formatTick, linearScale, niceAxis, type LinearScale } from "../scales.js";
import { linePath, plotBox, px, svgOpen, xAxis, yAxis, type AxisTick, type Frame } from "../svg.js";
import type { MetricLimit, PlanSeriesPoint, PointVerdict } from "./plan-series.js";

export const VERDICT_COLOR: Record<PointVerdict, string> = { pass: "#1e8449", fail: "#c0392b", unfinished: "#8a939f" };

const FRAME: Frame = { width: 420, height: 270, left: 58, right: 20, top: 22, bottom: 40 };
/** Height of the "never" row at the top of the plot area. */
const NEVER_ROW_PX = 26;
/** Below this the value axis is [0, 1]. */
const MIN_AXIS_TOP = 1e-9;
/** Above this many host counts, only every k-th gets a label (the grid keeps all). */
const MAX_X_LABELS = 16;

export interface PlanMark {
  hosts: number;
  cx: number;
  /** The mean; for a "never" mark, the never row. */
  cy: number;
  /** Error bar ends (top < bottom in SVG), null without an interval. */
  whisker: { top: number; bottom: number } | null;
  never: boolean;
  point: PlanSeriesPoint;
}

export interface PlanChartGeometry {
  frame: Frame;
  x: LinearScale;
  y: LinearScale;
  xTicks: AxisTick[];
  yTicks: AxisTick[];
  marks: PlanMark[];
  /** y of the "never" row, null when no point needs it. */
  neverY: number | null;
  /** y of the limit line, null without a limit. */
  limitY: number | null;
  /** The recommended count's band, null without one (or when it is not a swept count). */
  recommended: { x: number; width: number } | null;
}

export function planChartGeometry(series: readonly PlanSeriesPoint[], limit: MetricLimit | null, recommendedHosts: number | null): PlanChartGeometry {
  const frame = FRAME;
  const { x0, x1, y0, y1 } = plotBox(frame);
  const counts = [...new Set(series.map((p) => p.hosts))].sort((a, b) => a - b);
  const lo = counts[0] ?? 1;
  const hi = counts[counts.length - 1] ?? 1;
  const pad = Math.max(0.5, (hi - lo) * 0.04);
  const x = linearScale([lo - pad, hi + pad], [x0, x1]);

  const hasNever = series.some((p) => p.mean === null && p.never > 0);
  const valueTop = hasNever ? y1 + NEVER_ROW_PX : y1;
  // The metrics cannot be negative: the axis starts at 0 and a symmetric interval's low
  // end below 0 is cut there.
  const values = series.flatMap((p) => [p.mean, p.high]).filter((v): v is number => v !== null);
  if (limit !== null) values.push(limit.value);
  // The plan rounds to 6 decimals: anything smaller is 0 (and would trip the tick maths).
  const top = maxOf(values);
  const axis = niceAxis(top < MIN_AXIS_TOP ? 0 : top, 5);
  const y = linearScale([0, axis.max], [y0, valueTop]);
  const clampY = (v: number): number => y(Math.min(axis.max, Math.max(0, v)));

  const marks = series.flatMap((point): PlanMark[] => {
    const cx = x(point.hosts);
    if (point.mean === null) {
      return point.never > 0 ? [{ hosts: point.hosts, cx, cy: y1 + NEVER_ROW_PX / 2, whisker: null, never: true, point }] : [];
    }
    const whisker =
      point.low === null || point.high === null ? null : { top: clampY(Math.max(point.high, point.mean)), bottom: clampY(Math.min(point.low, point.mean)) };
    return [{ hosts: point.hosts, cx, cy: clampY(point.mean), whisker, never: false, point }];
  });

  const every = Math.ceil(counts.length / MAX_X_LABELS);
  const xTicks = counts.map((c, k) => ({ value: c, label: k % every === 0 ? String(c) : "" }));
  const yTicks = axis.ticks.map((v) => ({ value: v, label: formatTick(v) }));
  const gaps = counts.slice(1).map((c, k) => x(c) - x(counts[k]));
  const bandWidth = Math.min(44, 0.7 * Math.min(x1 - x0, ...gaps));
  const recommended =
    recommendedHosts !== null && counts.includes(recommendedHosts)
      ? { x: x(recommendedHosts), width: Math.min(bandWidth, 2 * (x(recommendedHosts) - x0), 2 * (x1 - x(recommendedHosts))) }
      : null;
  return {
    frame,
    x,
    y,
    xTicks,
    yTicks,
    marks,
    neverY: hasNever ? y1 + NEVER_ROW_PX / 2 : null,
    limitY: limit === null ? null : clampY(limit.value),
    recommended,
  };
}

export interface PlanChartText {
  /** Accessible name of the chart. */
  label: string;
  yTitle: string;
  /** Tooltip text of a point, e.g. "3 hosts: 952.1ms ± 46.56ms, PASS". */
  describe(point: PlanSeriesPoint): string;
  /** The limit line's label, e.g. "limit < 1500 ms". */
  limitLabel?: string;
}

export function planChartSvg(
  series: readonly PlanSeriesPoint[],
  limit: MetricLimit | null,
  recommendedHosts: number | null,
  text: PlanChartText,
  cls: string,
): string {
  const g = planChartGeometry(series, limit, recommendedHosts);
  const { x0, x1, y0, y1 } = plotBox(g.frame);
  const band =
    g.recommended === null
      ? ""
      : `<rect class="recommended" x="${px(g.recommended.x - g.recommended.width / 2)}" y="${px(y1)}" width="${px(g.recommended.width)}" height="${px(y0 - y1)}"><title>${escapeHtml(
          `recommended: ${recommendedHosts} hosts`,
        )}</title></rect>` + `<text class="recommended-label" x="${px(g.recommended.x)}" y="${px(y1 - 6)}" text-anchor="middle">recommended</text>`;
  const never =
    g.neverY === null
      ? ""
      : `<line class="never-rule" x1="${px(x0)}" x2="${px(x1)}" y1="${px(y1 + NEVER_ROW_PX)}" y2="${px(y1 + NEVER_ROW_PX)}"/>` +
        `<text class="never-label" x="${px(x0 - 6)}" y="${px(g.neverY + 4)}" text-anchor="end">never</text>`;
  const limitLine =
    g.limitY === null
      ? ""
      : `<line class="limit" x1="${px(x0)}" x2="${px(x1)}" y1="${px(g.limitY)}" y2="${px(g.limitY)}"><title>${escapeHtml(text.limitLabel ?? "limit")}</title></line>` +
        // Near the top the label goes under the line, clear of the "recommended" label.
        `<text class="limit-label" x="${px(x1 - 4)}" y="${px(g.limitY - y1 < 16 ? g.limitY + 13 : g.limitY - 5)}" text-anchor="end">${escapeHtml(text.limitLabel ?? "limit")}</text>`;
  const valued = g.marks.filter((m) => !m.never);
  const meanLine = valued.length > 1 ? `<path class="mean-line" d="${linePath(valued.map((m) => [m.cx, m.cy]))}" fill="none"/>` : "";
  const marks = g.marks
    .map((m) => {
      const color = VERDICT_COLOR[m.point.verdict];
      const title = `<title>${escapeHtml(text.describe(m.point))}</title>`;
      if (m.never) {
        const d = 5;
        const cross = `M${px(m.cx - d)},${px(m.cy - d)}L${px(m.cx + d)},${px(m.cy + d)}M${px(m.cx - d)},${px(m.cy + d)}L${px(m.cx + d)},${px(m.cy - d)}`;
        return `<g class="mark never"><path class="never-mark" d="${cross}" stroke="${color}"/>${title}</g>`;
      }
      const w = m.whisker;
      const cap = 5;
      const bar =
        w === null
          ? ""
          : `<path class="whisker" d="M${px(m.cx)},${px(w.top)}L${px(m.cx)},${px(w.bottom)}M${px(m.cx - cap)},${px(w.top)}L${px(m.cx + cap)},${px(w.top)}M${px(m.cx - cap)},${px(w.bottom)}L${px(m.cx + cap)},${px(w.bottom)}" stroke="${color}"/>`;
      return `<g class="mark">${bar}<circle class="point" cx="${px(m.cx)}" cy="${px(m.cy)}" r="5" fill="${color}">${title}</circle></g>`;
    })
    .join("");
  const empty = g.marks.length === 0 ? `<text class="axis-title" x="${px((x0 + x1) / 2)}" y="${px((y0 + y1) / 2)}" text-anchor="middle">no values</text>` : "";
  return (
    svgOpen(g.frame, text.label, `plan ${cls}`) +
    band +
    xAxis(g.frame, g.x, g.xTicks, "hosts") +
    yAxis(g.frame, g.y, g.yTicks, text.yTitle) +
    never +
    limitLine +
    meanLine +
    marks +
    empty +
    "</svg>"
  );
}
