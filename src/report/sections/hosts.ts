// One row per host: state, load, share against the promise, faults met, counts.

import type { HostResult } from "../../results/result.js";
import { escapeHtml } from "../escape.js";
import { seriesColor } from "../palette.js";
import { count, percent, points } from "./format.js";

export function hostsHtml(hosts: readonly HostResult[]): string {
  const rows = hosts.map((h, k) => {
    const deviation = h.share - h.expectedShare;
    // Products nobody asked this host for (count 0 and no alert) would only be noise.
    const counts = Object.entries(h.count ?? {})
      .filter(([product, n]) => n !== 0 || (h.lowCount ?? []).includes(product))
      .map(([product, n]) => {
        const low = (h.lowCount ?? []).includes(product);
        return `<span class="${low ? "low" : ""}" title="${low ? "below the activation threshold" : ""}">${escapeHtml(product)} ${count(n)}</span>`;
      })
      .join(" · ");
    return (
      `<tr><td><span class="swatch" style="background:${seriesColor(k)}"></span>${escapeHtml(h.name)}</td>` +
      `<td class="state-${escapeHtml(h.state)}">${escapeHtml(h.state)}</td>` +
      `<td class="num">${count(h.requests)}</td><td class="num">${count(h.activations)}</td><td class="num">${count(h.renewals)}</td>` +
      `<td class="num">${percent(h.share)}</td><td class="num">${percent(h.expectedShare)}</td>` +
      `<td class="num ${Math.abs(deviation) >= 0.05 ? "warn" : ""}">${points(deviation)}</td>` +
      `<td class="num">${count(h.refused)}</td><td class="num">${count(h.unanswered)}</td><td class="num">${count(h.lost)}</td><td class="num">${count(h.late)}</td>` +
      `<td class="counts">${counts}</td></tr>`
    );
  });
  return (
    `<table class="hosts"><thead><tr><th>host</th><th>state</th><th class="num">requests</th><th class="num">activations</th><th class="num">renewals</th>` +
    `<th class="num">share</th><th class="num">expected</th><th class="num">deviation</th><th class="num">refused</th><th class="num">unanswered</th>` +
    `<th class="num">lost</th><th class="num">late</th><th>count (CMIDs) per product</th></tr></thead><tbody>${rows.join("")}</tbody></table>`
  );
}
