// Each host's share of requests per interval (solid, dots where the host served requests)
// against the share the SRV records promise (dashed), with the fleet events marked.

import { formatPercent } from "../../format/format-number.js";
import { escapeHtml } from "../escape.js";
import type { EventMarker } from "../event-markers.js";
import { seriesColor } from "../palette.js";
import { linearScale } from "../scales.js";
import type { ShareSample } from "../share-series.js";
import { eventMarkerLines, gappedPath, plotBox, px, svgOpen, xAxis, yAxis } from "../svg.js";
import { timeFrame } from "./time-frame.js";
import { downsampleGapped } from "../downsample.js";

/** Above this many points per host the dots would blur into the line (and bloat the file). */
const MAX_DOTS_PER_HOST = 400;

const SHARE_TICKS = [0, 0.25, 0.5, 0.75, 1].map((v) => ({ value: v, label: `${v * 100}%` }));

export function hostShareChartSvg(
  samples: readonly ShareSample[],
  hosts: readonly { name: string; expectedShare: number }[],
  endSeconds: number,
  markers: readonly EventMarker[],
): string {
  const { frame, x, ticks, markers: layout } = timeFrame(endSeconds, markers);
  const { x0, x1, y0, y1 } = plotBox(frame);
  const y = linearScale([0, 1], [y0, y1]);
  const expected = hosts
    .map((h, k) =>
      Number.isFinite(h.expectedShare)
        ? `<line class="expected" x1="${px(x0)}" x2="${px(x1)}" y1="${px(y(h.expectedShare))}" y2="${px(y(h.expectedShare))}" stroke="${seriesColor(k)}"><title>${escapeHtml(
            `${h.name} expected ${formatPercent(h.expectedShare)}`,
          )}</title></line>`
        : "",
    )
    .join("");
  const lines = hosts
    .map((h, k) => {
      // An interval without requests has no share: the line breaks there instead of joining across.
      const all = samples.map((s) => {
        const share = s.shares[k];
        return share === null || share === undefined ? null : { s, share };
      });
      const points = all.filter((p): p is { s: ShareSample; share: number } => p !== null);
      const mid = (s: ShareSample): number => x((s.fromSeconds + s.toSeconds) / 2);
      const drawn = downsampleGapped(all, (p) => p.share);
      const { d, lone } = gappedPath(drawn.map((p) => (p === null ? null : [mid(p.s), y(p.share)])));
      const path = d === "" ? "" : `<path class="series" d="${d}" stroke="${seriesColor(k)}" fill="none"><title>${escapeHtml(h.name)}</title></path>`;
      // Too many dots to draw: only the points alone between gaps, which the line cannot show.
      const loneDots =
        points.length > MAX_DOTS_PER_HOST ? lone.map(([cx, cy]) => `<circle cx="${px(cx)}" cy="${px(cy)}" r="2.6" fill="${seriesColor(k)}"/>`).join("") : "";
      const dots = (points.length > MAX_DOTS_PER_HOST ? [] : points)
        .map(
          (p) =>
            `<circle cx="${px(mid(p.s))}" cy="${px(y(p.share))}" r="2.6" fill="${seriesColor(k)}"><title>${escapeHtml(
              `${h.name}: ${formatPercent(p.share)} of ${p.s.total} requests`,
            )}</title></circle>`,
        )
        .join("");
      return `<g class="host-series">${path}${dots}${loneDots}</g>`;
    })
    .join("");
  return (
    svgOpen(frame, "share of requests per host over time against the expected share", "host-share") +
    xAxis(frame, x, ticks, "simulated time") +
    yAxis(frame, y, SHARE_TICKS, "share of requests") +
    expected +
    eventMarkerLines(frame, layout) +
    lines +
    "</svg>"
  );
}
