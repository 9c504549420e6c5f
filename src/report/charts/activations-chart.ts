// Clients activated (cumulative) and licensed over simulated time.

import { escapeHtml } from "../escape.js";
import type { EventMarker } from "../event-markers.js";
import type { TimelineSample } from "../../results/result.js";
import { formatTick, linearScale, niceAxis } from "../scales.js";
import { eventMarkerLines, linePath, plotBox, svgOpen, xAxis, yAxis } from "../svg.js";
import { countOf } from "../share-series.js";
import { timeFrame } from "./time-frame.js";
import { downsampleMinMax, maxOf } from "../downsample.js";

export const ACTIVATED_COLOR = "#0072b2";
export const LICENSED_COLOR = "#009e73";

export function activationsChartSvg(timeline: readonly TimelineSample[], totalClients: number, endSeconds: number, markers: readonly EventMarker[]): string {
  const { frame, x, ticks, markers: layout } = timeFrame(endSeconds, markers);
  const { y0, y1 } = plotBox(frame);
  const peak = maxOf(
    timeline.map((s) => Math.max(countOf(s.activated), countOf(s.licensed))),
    countOf(totalClients),
  );
  const axis = niceAxis(peak, 5);
  const y = linearScale([0, axis.max], [y0, y1]);
  const line = (key: "activated" | "licensed", color: string, name: string): string => {
    const drawn = downsampleMinMax(timeline, (s) => countOf(s[key]));
    const coords: [number, number][] = [[x(0), y(0)], ...drawn.map((s) => [x(s.t), y(countOf(s[key]))] as [number, number])];
    const last = timeline[timeline.length - 1];
    const tip = last === undefined ? name : `${name}: ${countOf(last[key])} at the end`;
    return `<path class="series" d="${linePath(coords)}" stroke="${color}" fill="none"><title>${escapeHtml(tip)}</title></path>`;
  };
  return (
    svgOpen(frame, "clients activated and licensed over time", "activations") +
    xAxis(frame, x, ticks, "simulated time") +
    yAxis(
      frame,
      y,
      axis.ticks.map((v) => ({ value: v, label: formatTick(v) })),
      "clients",
    ) +
    eventMarkerLines(frame, layout) +
    line("licensed", LICENSED_COLOR, "licensed") +
    line("activated", ACTIVATED_COLOR, "activated") +
    "</svg>"
  );
}
