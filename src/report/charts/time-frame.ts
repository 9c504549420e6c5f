// The frame and x axis shared by the charts over simulated time, so their event lines
// and ticks line up one above the other.

import type { EventMarker } from "../event-markers.js";
import { linearScale, timeAxis, type LinearScale } from "../scales.js";
import { layoutMarkers, markerTop, type Frame, type MarkerLayout } from "../svg.js";

export interface TimeFrame {
  frame: Frame;
  x: LinearScale;
  ticks: { value: number; label: string }[];
  markers: MarkerLayout;
}

const WIDTH = 960;
const LEFT = 64;
const RIGHT = 18;

export function timeFrame(endSeconds: number, events: readonly EventMarker[], plotHeight = 210): TimeFrame {
  const axis = timeAxis(endSeconds, 10);
  // x depends on the side margins only, so the labels can be placed before the top is known.
  const x = linearScale([0, axis.maxSeconds], [LEFT, WIDTH - RIGHT]);
  const markers = layoutMarkers(events, x, WIDTH);
  const top = markerTop(markers, 12);
  const bottom = 40;
  return {
    frame: { width: WIDTH, height: top + plotHeight + bottom, left: LEFT, right: RIGHT, top, bottom },
    x,
    ticks: axis.ticks.map((t) => ({ value: t.seconds, label: t.label })),
    markers,
  };
}
