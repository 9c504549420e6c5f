// Small SVG building blocks for the report's charts: a plot frame, axes with grid lines,
// paths and event markers. Output is markup text; every label goes through escapeHtml.

import { escapeHtml } from "./escape.js";
import { eventColor } from "./palette.js";
import type { EventMarker } from "./event-markers.js";
import { labelRows } from "./event-markers.js";
import type { LinearScale } from "./scales.js";

export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The plot area inside the margins. */
export function plotBox(f: Frame): { x0: number; x1: number; y0: number; y1: number } {
  return { x0: f.left, x1: f.width - f.right, y0: f.height - f.bottom, y1: f.top };
}

/** Coordinates with at most one decimal: small files, no visible difference. */
export const px = (value: number): string => (Number.isFinite(value) ? String(Math.round(value * 10) / 10) : "0");

export function svgOpen(f: Frame, label: string, cls: string): string {
  return `<svg class="chart ${escapeHtml(cls)}" viewBox="0 0 ${f.width} ${f.height}" role="img" aria-label="${escapeHtml(label)}" xmlns="http://www.w3.org/2000/svg">`;
}

/** "M x,y L x,y …" through the points, or "" for none. */
export function linePath(points: readonly (readonly [number, number])[]): string {
  return points.map(([x, y], k) => `${k === 0 ? "M" : "L"}${px(x)},${px(y)}`).join("");
}

/**
 * A line through the points that breaks where a point is null (an interval without data):
 * one "M…L…" run per stretch of defined points, never joined across a gap. A point alone
 * between gaps has no length to draw, so it comes back in `lone` (the caller draws a dot).
 */
export function gappedPath(points: readonly (readonly [number, number] | null)[]): { d: string; lone: [number, number][] } {
  const runs: string[] = [];
  const lone: [number, number][] = [];
  let run: (readonly [number, number])[] = [];
  const close = (): void => {
    if (run.length === 1) lone.push([run[0][0], run[0][1]]);
    else if (run.length > 1) runs.push(linePath(run));
    run = [];
  };
  for (const p of points) {
    if (p === null) close();
    else run.push(p);
  }
  close();
  return { d: runs.join(""), lone };
}

export interface AxisTick {
  value: number;
  label: string;
}

/** Horizontal grid lines with labels on the left. */
export function yAxis(f: Frame, y: LinearScale, ticks: readonly AxisTick[], title: string): string {
  const { x0, x1 } = plotBox(f);
  const parts = ticks.map(
    (t) =>
      `<line class="grid" x1="${px(x0)}" x2="${px(x1)}" y1="${px(y(t.value))}" y2="${px(y(t.value))}"/>` +
      `<text class="tick" x="${px(x0 - 6)}" y="${px(y(t.value) + 4)}" text-anchor="end">${escapeHtml(t.label)}</text>`,
  );
  const midY = (f.top + f.height - f.bottom) / 2;
  parts.push(`<text class="axis-title" transform="translate(14 ${px(midY)}) rotate(-90)" text-anchor="middle">${escapeHtml(title)}</text>`);
  return `<g class="y-axis">${parts.join("")}</g>`;
}

/** Vertical grid lines with labels below. */
export function xAxis(f: Frame, x: LinearScale, ticks: readonly AxisTick[], title: string): string {
  const { y0, y1 } = plotBox(f);
  const parts = ticks.map(
    (t) =>
      `<line class="grid" x1="${px(x(t.value))}" x2="${px(x(t.value))}" y1="${px(y0)}" y2="${px(y1)}"/>` +
      `<text class="tick" x="${px(x(t.value))}" y="${px(y0 + 16)}" text-anchor="middle">${escapeHtml(t.label)}</text>`,
  );
  parts.push(`<line class="axis" x1="${px(f.left)}" x2="${px(f.width - f.right)}" y1="${px(y0)}" y2="${px(y0)}"/>`);
  parts.push(`<text class="axis-title" x="${px((f.left + f.width - f.right) / 2)}" y="${px(f.height - 4)}" text-anchor="middle">${escapeHtml(title)}</text>`);
  return `<g class="x-axis">${parts.join("")}</g>`;
}

const LABEL_CHAR_PX = 6.4;
const LABEL_ROW_PX = 13;
export const MARKER_LABEL_ROWS = 3;

/** Markers closer than this (px) share one line: a burst of events reads as one moment. */
const MERGE_PX = 4;

export interface MarkerGroup {
  x: number;
  /** Colour of the first event. */
  action: string;
  /** "hq publish-failed corp.example +5", or "kms1 crash". */
  label: string;
  /** Every label of the group, one per line (the tooltip). */
  title: string;
}

export interface MarkerLayout {
  groups: MarkerGroup[];
  /** Where each label starts (pulled left near the right edge). */
  starts: number[];
  /** Label row per group, null when it has no room (the tooltip and table still name it). */
  rows: (number | null)[];
  rowsUsed: number;
}

/** Groups markers (sorted by time) that fall within MERGE_PX of the group's first one. */
export function groupMarkers(markers: readonly EventMarker[], x: LinearScale): MarkerGroup[] {
  const groups: { x: number; members: EventMarker[] }[] = [];
  for (const m of markers) {
    const xm = x(m.tSeconds);
    const last = groups[groups.length - 1];
    if (last !== undefined && Math.abs(xm - last.x) < MERGE_PX) last.members.push(m);
    else groups.push({ x: xm, members: [m] });
  }
  return groups.map(({ x: xg, members }) => {
    const labels = members.map((m) => m.label);
    const same = labels.every((l) => l === labels[0]);
    const label = members.length === 1 ? labels[0] : same ? `${labels[0]} ×${labels.length}` : `${labels[0]} +${labels.length - 1}`;
    return { x: xg, action: members[0].action, label, title: labels.join("\n") };
  });
}

/** Places the markers' labels in up to MARKER_LABEL_ROWS rows above a plot of this width. */
export function layoutMarkers(markers: readonly EventMarker[], x: LinearScale, width: number): MarkerLayout {
  const groups = groupMarkers(markers, x);
  const widths = groups.map((g) => g.label.length * LABEL_CHAR_PX + 4);
  const starts = groups.map((g, k) => Math.max(0, Math.min(g.x + 3, width - 2 - widths[k])));
  const rows = labelRows(starts, widths, MARKER_LABEL_ROWS);
  const rowsUsed = rows.reduce<number>((most, row) => (row === null ? most : Math.max(most, row + 1)), 0);
  return { groups, starts, rows, rowsUsed };
}

/** Top margin that leaves room for the marker labels. */
export function markerTop(layout: MarkerLayout, base: number): number {
  return base + layout.rowsUsed * LABEL_ROW_PX + (layout.rowsUsed > 0 ? 4 : 0);
}

/** Dashed vertical lines at the events' times with non-overlapping labels above the plot. */
export function eventMarkerLines(f: Frame, layout: MarkerLayout): string {
  if (layout.groups.length === 0) return "";
  const { y0, y1 } = plotBox(f);
  const labelBase = y1 - (layout.rowsUsed - 1) * LABEL_ROW_PX - 6;
  const parts = layout.groups.map((g, k) => {
    const color = eventColor(g.action);
    const title = `<title>${escapeHtml(g.title)}</title>`;
    const xk = g.x;
    const line = `<line class="event" x1="${px(xk)}" x2="${px(xk)}" y1="${px(y0)}" y2="${px(y1 - 2)}" stroke="${color}">${title}</line>`;
    const row = layout.rows[k];
    const text =
      row === null
        ? ""
        : `<text class="event-label" x="${px(layout.starts[k])}" y="${px(labelBase + row * LABEL_ROW_PX)}" style="fill:${color}">${escapeHtml(g.label)}${title}</text>`;
    return line + text;
  });
  return `<g class="events">${parts.join("")}</g>`;
}
