// The per-client-group table of the summary (k6's tags, for a fleet): shown when the
// scenario has more than one group; one group's row would repeat the fleet's figures.

import { fitTable } from "../../format/fit-width.js";
import { formatCount, formatMs, formatPercent } from "../../format/format-number.js";
import type { Palette } from "../../format/palette.js";
import type { Result } from "../../results/result.js";

/** Groups listed before the rest are summed up in one line (a scenario may have thousands). */
export const MAX_GROUPS_SHOWN = 20;

export function groupsTable(result: Result, p: Palette, width: number, indent: number): string[] {
  const groups = result.groups ?? [];
  if (groups.length < 2) return [];
  const head = ["group", "clients", "activated", "rpc sent", "failed", "ok", "failovers", "act p99", "ren p99", "(ms)"].map(p.dim);
  const rows = groups.slice(0, MAX_GROUPS_SHOWN).map((g) => {
    const { activation, renewal } = g.rpc;
    const sent = activation.sent + renewal.sent;
    const failed = activation.failed + renewal.failed;
    const notActivated = g.activated < g.clients ? p.yellow(formatCount(g.activated)) : formatCount(g.activated);
    return [
      g.name,
      formatCount(g.clients),
      notActivated,
      formatCount(sent),
      failed > 0 ? p.red(formatCount(failed)) : formatCount(failed),
      sent > 0 ? formatPercent((activation.ok + renewal.ok) / sent) : "-",
      formatCount(g.failovers),
      activation.sent > 0 ? formatMs(activation.latencyMs.p99) : "-",
      renewal.sent > 0 ? formatMs(renewal.latencyMs.p99) : "-",
    ];
  });
  const lines = fitTable([head, ...rows], { width, indent, align: ["left", ...Array<"right">(9).fill("right")] });
  const more = groups.length - MAX_GROUPS_SHOWN;
  const notes = [
    ...(more > 0 ? [`… and ${formatCount(more)} more groups (all in the result JSON)`] : []),
    "(per client group · ok: the part of the requests sent that succeeded · act/ren p99: activation and renewal latency · threshold paths: groups.<name>.…, e.g. groups.<name>.licensed)",
  ];
  return [...lines, ...notes.map((note) => " ".repeat(indent) + p.dim(note))];
}
