// Clients activated (cumulative) and licensed over simulated time.

import { escapeHtml } from "../escape.js";
import type { EventMarker } from "../event-markers.js";
import type { TimelineSample } from "../../results/result.js";
import { formatTick, linearScale, niceAxis } from "../scales.js";
import { eventMarkerLines, linePath, plotBox, svgOpen, xAxis, yAxis } from "../svg.js";
import { countOf } from "../share-series.js";
import { timeFrame } from "./time-frame.js";
import { downsampleMinMax, maxOf } from "../downsample.js";
import { LatencyRecorder } from "../../results/latency-recorder.js";

export const ACTIVATED_COLOR = "#0072b2";
export const LICENSED_COLOR = "#009e73";

export function activationsChartSvg(
  timeline: readonly TimelineSample[],
  totalClients: number,
  endSeconds: number,
  markers: readonly EventMarker[],
  /** false: the activated curve alone (a zoom drawn from the first-activation times, which know nothing of licences). */
  withLicensed = true,
): string {
  const { frame, x, ticks, markers: layout } = timeFrame(endSeconds, markers);
  const { y0, y1 } = plotBox(frame);
  const peak = maxOf(
    timeline.map((s) => Math.max(countOf(s.activated), countOf(s.licensed))),
    countOf(totalClients),
  );
  const axis = niceAxis(peak, 5);
  const y = linearScale([0, axis.max], [y0, y1]);
  const line = (key: "activated" | "licensed", color: string, name: string, cls: string): string => {
    const drawn = downsampleMinMax(timeline, (s) => countOf(s[key]));
    const coords: [number, number][] = [[x(0), y(0)], ...drawn.map((s) => [x(s.t), y(countOf(s[key]))] as [number, number])];
    const last = timeline[timeline.length - 1];
    const tip = last === undefined ? name : `${name}: ${countOf(last[key])} at the end`;
    return `<path class="${cls}" d="${linePath(coords)}" stroke="${color}" fill="none"><title>${escapeHtml(tip)}</title></path>`;
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
    // Licensed last and dashed: where every activated client is licensed the two lines
    // coincide, and the dashes let the activated line show through instead of hiding it.
    line("activated", ACTIVATED_COLOR, "activated", "series") +
    (withLicensed ? line("licensed", LICENSED_COLOR, "licensed", "series licensed") : "") +
    "</svg>"
  );
}

/**
 * When the activations ended: the end of the first interval at whose end every client that
 * ever activated had (null when none activated). Later samples only renew.
 */
export function activationsDoneSeconds(timeline: readonly TimelineSample[]): number | null {
  let most = 0;
  for (const s of timeline) most = Math.max(most, countOf(s.activated));
  if (most === 0) return null;
  return timeline.find((s) => countOf(s.activated) >= most)?.t ?? null;
}

/** The timeline up to `endSeconds`, the line's value at that instant added (as the chart draws it between samples). */
export function timelineUntil(timeline: readonly TimelineSample[], endSeconds: number): TimelineSample[] {
  const k = timeline.findIndex((s) => s.t > endSeconds);
  if (k < 0) return [...timeline];
  const before = timeline.slice(0, k);
  const prev = before[before.length - 1] ?? { t: 0, activated: 0, licensed: 0 };
  const next = timeline[k];
  const f = next.t > prev.t ? (endSeconds - prev.t) / (next.t - prev.t) : 1;
  const at = (key: "activated" | "licensed"): number => Math.round(countOf(prev[key]) + f * (countOf(next[key]) - countOf(prev[key])));
  return [...before, { ...next, t: endSeconds, activated: at("activated"), licensed: at("licensed") }];
}

/** Points per activation curve drawn from the first-activation times. */
const CURVE_POINTS = 200;

/**
 * The activated curve from `clients.activationTimes` (whole simulated seconds): the time by
 * which each 1/200 of the clients had activated. Null when absent, unreadable or empty.
 */
export function activationCurve(histogram: string | undefined): { t: number; activated: number }[] | null {
  if (histogram === undefined) return null;
  let times: LatencyRecorder;
  try {
    times = LatencyRecorder.decode(histogram);
  } catch {
    return null;
  }
  const n = times.count;
  if (n === 0) return null;
  const steps = Math.min(CURVE_POINTS, n);
  const percentiles = Array.from({ length: steps }, (_, k) => (100 * (k + 1)) / steps);
  // percentilesMs reads the recorder's unit / 1000: seconds here, so × 1000.
  const seconds = times.percentilesMs(percentiles).map((v) => v * 1000);
  return seconds.map((t, k) => ({ t, activated: Math.round((n * (k + 1)) / steps) }));
}
