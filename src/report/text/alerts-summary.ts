// The summary's alerts: what the KMS monitoring pack would have paged on during the run,
// one row per alert (kind, host and product), after the verdict and before the figures.

import { formatDurationShort } from "../../format/format-duration.js";
import { formatCount } from "../../format/format-number.js";
import { fitTable } from "../../format/fit-width.js";
import type { Palette } from "../../format/palette.js";
import type { Result } from "../../results/result.js";

/** Alerts listed before the rest is summed up in one line. */
const MAX_ALERTS_SHOWN = 12;

/** `indent`: where the section starts; rows go two further in. */
export function alertLines(result: Result, p: Palette, width: number, indent: number): string[] {
  const list = result.alerts?.list;
  if (list === undefined) return [];
  const pad = " ".repeat(indent);
  if (list.length === 0) return [`${pad}alerts${p.dim("..........:")} none`];
  const shown = list.slice(0, MAX_ALERTS_SHOWN);
  const rows = shown.map((a) => [
    a.severity === "critical" ? p.red("critical") : p.yellow("warning"),
    a.kind,
    a.product === undefined ? (a.host ?? "fleet") : `${a.host ?? "fleet"} ${a.product}`,
    `${formatDurationShort(a.firstSeen)} → ${a.open ? "end (open)" : formatDurationShort(a.lastSeen)}`,
    `${formatCount(a.count)}×`,
  ]);
  const lines = [pad + p.dim("alerts"), ...fitTable(rows, { width, indent: indent + 2, keyColumns: 2, align: ["left", "left", "left", "left", "right"] })];
  const hidden = list.length - shown.length;
  if (hidden > 0) lines.push(" ".repeat(indent + 2) + p.dim(`… ${hidden} more in the result JSON (alerts.list)`));
  lines.push(
    " ".repeat(indent + 2) + p.dim("(what the KMS monitoring pack would have raised · ×: failed publishes, outages, or timeline samples that found it)"),
  );
  return lines;
}
