// Latency by percentile, HdrHistogram style: x is the percentile on a log axis (0 %, 90 %,
// 99 %, 99.9 % …), y the latency in ms, one panel per kind so each has its own scale.

import { escapeHtml } from "../escape.js";
import type { PercentileSeries } from "../percentile-series.js";
import { formatTick, linearScale, logAxis, logScale, niceAxis, percentileTickLabel, type LinearScale } from "../scales.js";
import { linePath, plotBox, px, svgOpen, xAxis, yAxis, type Frame } from "../svg.js";

/**
 * Above this ratio of the slowest to the median request (timeouts among millisecond
 * answers), a linear axis flattens the body of the curve to a line at 0: use log10.
 */
export const LOG_Y_RATIO = 100;

const FRAME: Frame = { width: 420, height: 260, left: 58, right: 28, top: 14, bottom: 40 };

/** Whole nines shown on the x axis: at least 99.9 %, up to the last point. */
function ninesOf(series: PercentileSeries): number {
  const last = series.points[series.points.length - 1]?.x ?? 0;
  return Math.max(3, Math.ceil(last - 1e-9));
}

export function latencyChartSvg(title: string, series: PercentileSeries, color: string): string {
  const nines = ninesOf(series);
  const { x0, x1, y0, y1 } = plotBox(FRAME);
  const x = linearScale([0, nines], [x0, x1]);
  const { y, ticks: yValues, log } = latencyAxis(series, y0, y1);
  const xTicks = Array.from({ length: nines + 1 }, (_, k) => ({ value: k, label: percentileTickLabel(k) }));
  const yTicks = yValues.map((v) => ({ value: v, label: formatTick(v) }));
  const coords = series.points.map((p) => [x(p.x), y(p.valueMs)] as const);
  const body =
    coords.length === 1
      ? `<circle class="series" cx="${px(coords[0][0])}" cy="${px(coords[0][1])}" r="3" fill="${color}"/>`
      : `<path class="series" d="${linePath(coords)}" stroke="${color}" fill="none"/>`;
  // Invisible-ish dots carry tooltips with the exact percentile and value.
  const dots = series.points
    .map(
      (p) =>
        `<circle class="hover-dot" cx="${px(x(p.x))}" cy="${px(y(p.valueMs))}" r="2.5" fill="${color}"><title>${escapeHtml(
          `${formatPercentile(p.percentile)}: ${p.valueMs} ms`,
        )}</title></circle>`,
    )
    .join("");
  return (
    svgOpen(FRAME, `${title} latency by percentile`, "latency") +
    xAxis(FRAME, x, xTicks, "percentile") +
    yAxis(FRAME, y, yTicks, log ? "latency (ms, log)" : "latency (ms)") +
    body +
    dots +
    "</svg>"
  );
}

/** Linear from 0, or log10 when the tail is far above the median. */
export function latencyAxis(series: PercentileSeries, y0: number, y1: number): { y: LinearScale; ticks: number[]; log: boolean } {
  const median = series.points.find((p) => p.percentile >= 50)?.valueMs ?? 0;
  const minPositive = series.points.find((p) => p.valueMs > 0)?.valueMs ?? 0;
  if (median > 0 && series.maxMs / median > LOG_Y_RATIO) {
    const axis = logAxis(minPositive, series.maxMs);
    return { y: logScale([axis.min, axis.max], [y0, y1]), ticks: axis.ticks, log: true };
  }
  const axis = niceAxis(series.maxMs, 5);
  return { y: linearScale([0, axis.max], [y0, y1]), ticks: axis.ticks, log: false };
}

/** 99.90234375 → "99.9023%". */
export function formatPercentile(percentile: number): string {
  return `${Number(percentile.toFixed(4))}%`;
}
