// The frame and x axis shared by the charts over simulated time, so their event lines
// and ticks line up one above the other.

import type { EventMarker } from "../event-markers.js";
import { linearScale, timeAxis, type LinearScale } from "../scales.js";
import { markerTop, plotBox, type Frame } from "../svg.js";

export interface TimeFrame {
  frame: Frame;
  x: LinearScale;
  ticks: { value: number; label: string }[];
}

export function timeFrame(endSeconds: number, markers: readonly EventMarker[], height = 270): TimeFrame {
  const frame: Frame = { width: 960, height, left: 64, right: 18, top: markerTop(markers, 12), bottom: 40 };
  const axis = timeAxis(endSeconds, 10);
  const { x0, x1 } = plotBox(frame);
  return {
    frame,
    x: linearScale([0, axis.maxSeconds], [x0, x1]),
    ticks: axis.ticks.map((t) => ({ value: t.seconds, label: t.label })),
  };
}
