// Latency over simulated time: p50, p95 and p99 of the RPCs completed in each interval, a
// point per interval at its middle, lines broken where no RPC completed, and the fleet
// events marked, so a crash or a slow host shows as a step in the tail.

import { escapeHtml } from "../escape.js";
import type { EventMarker } from "../event-markers.js";
import { LATENCY_PERCENTILES, type IntervalPercentile, type LatencyPoint } from "../interval-series.js";
import { formatTick, linearScale, logAxis, logScale, niceAxis, type LinearScale } from "../scales.js";
import { eventMarkerLines, gappedPath, plotBox, px, svgOpen, xAxis, yAxis } from "../svg.js";
import { formatDurationShort } from "../../format/format-duration.js";
import { LOG_Y_RATIO } from "./latency-chart.js";
import { timeFrame } from "./time-frame.js";

export const PERCENTILE_COLOR: Record<IntervalPercentile, string> = { p50: "#0072b2", p95: "#e69f00", p99: "#c0392b" };

/** Above this many points per line the hover dots would bloat the file. */
const MAX_HOVER_DOTS = 400;

export function latencyTimeChartSvg(points: readonly LatencyPoint[], endSeconds: number, markers: readonly EventMarker[]): string {
  const { frame, x, ticks, markers: layout } = timeFrame(endSeconds, markers);
  const { y0, y1 } = plotBox(frame);
  const { y, ticks: yValues, log } = intervalLatencyAxis(points, y0, y1);
  const mid = (p: LatencyPoint): number => x((p.fromSeconds + p.toSeconds) / 2);
  const lines = LATENCY_PERCENTILES.map((key) => {
    const color = PERCENTILE_COLOR[key];
    const { d, lone } = gappedPath(points.map((p) => (p[key] === null ? null : [mid(p), y(p[key])])));
    const path = d === "" ? "" : `<path class="series" d="${d}" stroke="${color}" fill="none"><title>${key}</title></path>`;
    const dots = lone.map(([cx, cy]) => `<circle cx="${px(cx)}" cy="${px(cy)}" r="2.6" fill="${color}"/>`).join("");
    const defined = points.filter((p) => p[key] !== null);
    const hover = (defined.length > MAX_HOVER_DOTS ? [] : defined)
      .map(
        (p) =>
          `<circle class="hover-dot" cx="${px(mid(p))}" cy="${px(y(p[key]!))}" r="3" fill="${color}"><title>${escapeHtml(
            `${key} ${p[key]} ms over ${p.completed} RPCs, ${formatDurationShort(p.fromSeconds)}–${formatDurationShort(p.toSeconds)}` +
              (p.of > 1 ? ` (the worst of ${p.of} intervals)` : ""),
          )}</title></circle>`,
      )
      .join("");
    return `<g class="percentile-series ${key}">${path}${dots}${hover}</g>`;
  });
  return (
    svgOpen(frame, "latency percentiles per interval over time", "latency-time") +
    xAxis(frame, x, ticks, "simulated time") +
    yAxis(
      frame,
      y,
      yValues.map((v) => ({ value: v, label: formatTick(v) })),
      log ? "latency (ms, log)" : "latency (ms)",
    ) +
    eventMarkerLines(frame, layout) +
    lines.join("") +
    "</svg>"
  );
}

/** Linear from 0, or log10 when the slowest interval's p99 is far above the fastest median (timeouts among ms answers). */
export function intervalLatencyAxis(points: readonly LatencyPoint[], y0: number, y1: number): { y: LinearScale; ticks: number[]; log: boolean } {
  let max = 0;
  let minPositive = Number.POSITIVE_INFINITY;
  for (const p of points) {
    for (const key of LATENCY_PERCENTILES) {
      const v = p[key];
      if (v === null) continue;
      if (v > max) max = v;
      if (v > 0 && v < minPositive) minPositive = v;
    }
  }
  if (Number.isFinite(minPositive) && max / minPositive > LOG_Y_RATIO) {
    const axis = logAxis(minPositive, max);
    return { y: logScale([axis.min, axis.max], [y0, y1]), ticks: axis.ticks, log: true };
  }
  const axis = niceAxis(max, 5);
  return { y: linearScale([0, axis.max], [y0, y1]), ticks: axis.ticks, log: false };
}
