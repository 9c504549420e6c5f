// Fleet events worth a vertical line on the time charts. Routine record refreshes
// ("published", every publish interval for every host) would bury the faults, so they are
// counted in the events table instead of drawn.

import type { FleetEventRecord } from "../results/result.js";

export interface EventMarker {
  tSeconds: number;
  action: string;
  label: string;
}

export function isRoutineEvent(event: FleetEventRecord): boolean {
  return event.kind === "dns" && event.action === "published";
}

/** "kms2 crash", "DNS down", "kms1 publish-failed corp.example". */
export function eventLabel(event: FleetEventRecord): string {
  const who = event.kind === "dns" && event.target === "dns" ? "DNS" : event.target;
  return [who, event.action, event.domain].filter((part) => part !== undefined && part !== "").join(" ");
}

export function eventMarkers(events: readonly FleetEventRecord[]): EventMarker[] {
  return events
    .filter((event) => !isRoutineEvent(event))
    .map((event) => ({ tSeconds: event.t, action: event.action, label: eventLabel(event) }))
    .sort((a, b) => a.tSeconds - b.tSeconds);
}

/**
 * Rows for marker labels so that none overlap: each label takes the first row whose last
 * label ends left of it. Labels that fit in no row get null (the line is still drawn, the
 * text is in its tooltip and in the events table).
 */
export function labelRows(xs: readonly number[], widths: readonly number[], maxRows: number, gap = 6): (number | null)[] {
  const rowEnds: number[] = [];
  return xs.map((x, k) => {
    for (let row = 0; row < maxRows; row++) {
      const end = rowEnds[row];
      if (end === undefined || x >= end + gap) {
        rowEnds[row] = x + widths[k];
        return row;
      }
    }
    return null;
  });
}
