// The run's timeline as CSV for a spreadsheet (`run --timeline-csv FILE`): one row per
// sample, the fleet's figures then each host's requests in the interval.

import type { Result } from "../../results/result.js";

/** RFC 4180 quoting: a field with a comma, quote or line break is quoted, quotes doubled. */
function field(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function renderTimelineCsv(result: Pick<Result, "timeline" | "hosts">): string {
  const hosts = result.hosts.map((h) => h.name);
  const head = ["t_seconds", "activated", "licensed", "jain", "max_share_deviation", ...hosts.map((h) => `requests_${h}`)];
  const rows = result.timeline.map((s) => [
    String(s.t),
    String(s.activated),
    String(s.licensed),
    String(s.spread.jain),
    String(s.spread.maxShareDeviation),
    ...hosts.map((h) => String(s.hostRequests[h] ?? 0)),
  ]);
  return [head, ...rows].map((row) => row.map(field).join(",")).join("\r\n") + "\r\n";
}
