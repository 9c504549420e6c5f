// The fleet events in time order; routine record refreshes summed up in one line.

import type { FleetEventRecord } from "../../results/result.js";
import { escapeHtml } from "../escape.js";
import { eventColor } from "../palette.js";
import { isRoutineEvent } from "../event-markers.js";
import { count, duration } from "./format.js";

export function eventsHtml(events: readonly FleetEventRecord[]): string {
  const shown = events.filter((e) => !isRoutineEvent(e));
  const routine = events.length - shown.length;
  const note = routine > 0 ? `<p class="muted">${count(routine)} routine record refreshes (published, event 12294) are not listed.</p>` : "";
  if (shown.length === 0) return `<p class="muted">No faults or record changes happened during the run.</p>${note}`;
  const rows = shown.map((e) => {
    const details = [e.domain, e.eventId === undefined ? undefined : `event ${e.eventId}`, e.reason].filter((d) => d !== undefined && d !== "");
    return (
      `<tr><td class="num at">${duration(e.t)}</td><td>${escapeHtml(e.kind)}</td><td>${e.kind === "dns" && e.target === "dns" ? "DNS server" : escapeHtml(e.target)}</td>` +
      `<td><span class="dot" style="background:${eventColor(e.action)}"></span>${escapeHtml(e.action)}</td><td>${details.map((d) => escapeHtml(d)).join(" · ")}</td></tr>`
    );
  });
  return `<table><thead><tr><th class="num at">at</th><th>kind</th><th>target</th><th>action</th><th>details</th></tr></thead><tbody>${rows.join("")}</tbody></table>${note}`;
}
