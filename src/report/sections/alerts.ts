// The alerts the KMS monitoring pack would have raised, one row per kind, host and product.

import type { Result } from "../../results/result.js";
import { escapeHtml } from "../escape.js";
import { count, duration } from "./format.js";

export function alertsHtml(alerts: Result["alerts"]): string {
  if (alerts === undefined) return `<p class="muted">This result predates alerts (written by an older kmssim).</p>`;
  if (alerts.list.length === 0) return `<p class="muted">Nothing the monitoring pack watches went wrong: no alert was raised.</p>`;
  const rows = alerts.list.map((a) => {
    const until = a.open ? "end of run (still open)" : duration(a.lastSeen);
    return (
      `<tr class="${a.severity === "critical" ? "bad" : ""}"><td class="${a.severity === "critical" ? "verdict" : "warn"}">${a.severity}</td>` +
      `<td>${escapeHtml(a.kind)}</td><td>${escapeHtml(a.host ?? "fleet")}</td><td>${escapeHtml(a.product ?? "")}</td>` +
      `<td class="num at">${duration(a.firstSeen)}</td><td class="num at">${until}</td><td class="num">${count(a.count)}</td><td>${escapeHtml(a.message)}</td></tr>`
    );
  });
  return (
    `<table><thead><tr><th>severity</th><th>kind</th><th>host</th><th>product</th><th class="num at">first seen</th><th class="num at">last seen</th>` +
    `<th class="num">count</th><th>what it means</th></tr></thead><tbody>${rows.join("")}</tbody></table>`
  );
}
