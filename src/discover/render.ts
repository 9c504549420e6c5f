// The discover report for people (a table and the problems) and for scripts (JSON).

import { type DiscoverReport, type ProbeOutcome, type RecordReport } from "./audit.js";
import { formatPercent } from "../format/format-number.js";

export function renderReportJson(report: DiscoverReport): string {
  // Shares rounded to 1e-6: float noise like 0.30000000000000004 helps no script.
  return `${JSON.stringify(report, (key, value: unknown) => (typeof value === "number" && !Number.isInteger(value) ? Number(value.toFixed(6)) : value), 2)}\n`;
}

export function renderReportText(report: DiscoverReport): string {
  const lines: string[] = [];
  const n = report.records.length;
  lines.push(`${report.query} @ ${report.server}: ${lookupLine(report, n)}`);
  if (n > 0) {
    const rows = [
      ["target", "port", "prio", "weight", "address", "win7", "vista", "probe"],
      ...report.records.map((r) => [
        r.target,
        String(r.port),
        String(r.priority),
        String(r.weight),
        addressCell(r),
        r.share === null ? "-" : formatPercent(r.share.win7),
        r.share === null ? "-" : formatPercent(r.share.vista),
        probeCell(r.probe),
      ]),
    ];
    const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
    for (const row of rows) lines.push(`  ${row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]))).join("  ")}`.trimEnd());
  }
  if (report.problems.length === 0) lines.push("No problems found.");
  else {
    lines.push(`Problems (${report.problems.length}):`);
    for (const p of report.problems) lines.push(`  ${p.severity.padEnd(7)} ${p.code}: ${p.message}`);
  }
  return `${lines.join("\n")}\n`;
}

function lookupLine(report: DiscoverReport, n: number): string {
  switch (report.lookup.status) {
    case "ok":
      return `${n} record${n === 1 ? "" : "s"}`;
    case "nodata":
      return "no SRV records (NODATA)";
    case "nxdomain":
      return "name does not exist (NXDOMAIN)";
    case "timeout":
      return "no answer";
    default:
      return `error (${report.lookup.message ?? "unknown"})`;
  }
}

function addressCell(r: RecordReport): string {
  if (r.address === null) return "(none)";
  return r.addressSource === "flag" ? `${r.address} (--address)` : r.address;
}

function probeCell(probe: ProbeOutcome): string {
  switch (probe.status) {
    case "open":
      return `open (${probe.connectMs.toFixed(1)} ms)`;
    case "not-probed":
      return probe.reason === "no-address" ? "not probed (no address)" : "not probed (give --address to probe)";
    default:
      return `${probe.status}`;
  }
}
