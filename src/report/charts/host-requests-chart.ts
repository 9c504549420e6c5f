// Requests each host served per timeline interval, stacked: the load over time and how
// it is split, on one picture.

import { formatPercent } from "../../format/format-number.js";
import { escapeHtml } from "../escape.js";
import type { EventMarker } from "../event-markers.js";
import { seriesColor } from "../palette.js";
import { formatTick, linearScale, niceAxis } from "../scales.js";
import type { ShareSample } from "../share-series.js";
import { eventMarkerLines, plotBox, px, svgOpen, xAxis, yAxis } from "../svg.js";
import { timeFrame } from "./time-frame.js";
import { bucketRanges, CHART_BUCKETS, maxOf } from "../downsample.js";

export function hostRequestsChartSvg(
  samples: readonly ShareSample[],
  hostNames: readonly string[],
  endSeconds: number,
  markers: readonly EventMarker[],
  /** The same stacked bars for other counts per host (failed requests). */
  words: { noun: string; yTitle: string; label: string; cls: string } = {
    noun: "requests",
    yTitle: "requests / interval",
    label: "requests per host over time",
    cls: "host-requests",
  },
): string {
  const { frame, x, ticks, markers: layout } = timeFrame(endSeconds, markers, 180);
  const { y0, y1 } = plotBox(frame);
  const axis = niceAxis(maxOf(samples.map((s) => s.total)), 4);
  const y = linearScale([0, axis.max], [y0, y1]);
  const bars: string[] = [];
  for (const { s, fromSeconds, toSeconds, of } of busiestPerBucket(samples)) {
    if (s.total === 0) continue;
    const left = x(fromSeconds);
    const width = Math.max(0.8, x(toSeconds) - left - (x(toSeconds) - left > 4 ? 1 : 0));
    let below = 0;
    hostNames.forEach((name, k) => {
      const n = s.counts[k];
      if (n === 0) return;
      const top = y(below + n);
      const height = y(below) - top;
      below += n;
      bars.push(
        `<rect x="${px(left)}" y="${px(top)}" width="${px(width)}" height="${px(Math.max(0.5, height))}" fill="${seriesColor(k)}"><title>${escapeHtml(
          `${name}: ${n} ${words.noun} (${formatPercent(s.shares[k] ?? 0)})${of > 1 ? `, the busiest of ${of} intervals` : ""}`,
        )}</title></rect>`,
      );
    });
  }
  return (
    svgOpen(frame, words.label, words.cls) +
    xAxis(frame, x, ticks, "simulated time") +
    yAxis(
      frame,
      y,
      axis.ticks.map((v) => ({ value: v, label: formatTick(v) })),
      words.yTitle,
    ) +
    eventMarkerLines(frame, layout) +
    `<g class="bars">${bars.join("")}</g>` +
    "</svg>"
  );
}

/**
 * A bar per interval, or for a long timeline one per bucket of intervals, drawn as the
 * bucket's busiest interval: the peaks stay visible and the axis keeps its unit.
 */
function busiestPerBucket(samples: readonly ShareSample[]): { s: ShareSample; fromSeconds: number; toSeconds: number; of: number }[] {
  if (samples.length <= CHART_BUCKETS) return samples.map((s) => ({ s, fromSeconds: s.fromSeconds, toSeconds: s.toSeconds, of: 1 }));
  return bucketRanges(samples.length).map(([from, to]) => {
    let busiest = samples[from];
    for (let k = from + 1; k < to; k++) if (samples[k].total > busiest.total) busiest = samples[k];
    return { s: busiest, fromSeconds: samples[from].fromSeconds, toSeconds: samples[to - 1].toSeconds, of: to - from };
  });
}
