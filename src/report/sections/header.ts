// The top of the report: scenario, verdict, run facts and the fleet-wide figures.

import type { Result } from "../../results/result.js";
import { escapeHtml } from "../escape.js";
import { count, duration, plain } from "./format.js";

export function headerHtml(result: Result): string {
  const verdict =
    result.shard !== undefined && result.pass
      ? `<span class="badge pass">DONE</span>`
      : result.pass
        ? `<span class="badge pass">PASS</span>`
        : `<span class="badge fail">FAIL</span>`;
  const passed = result.thresholds.filter((t) => t.pass).length;
  const facts = [
    `mode <b>${escapeHtml(result.mode)}</b>`,
    `seed <b>${escapeHtml(result.seed)}</b>`,
    `simulated <b>${duration(result.simulatedSeconds)}</b>`,
    `wall <b>${duration(result.wallSeconds)}</b>`,
    result.shard === undefined
      ? `thresholds <b>${passed} of ${result.thresholds.length}</b> passed`
      : `shard <b>${result.shard.index}/${result.shard.count}</b> of ${count(result.shard.fleetClients)} clients (thresholds are judged on the merged result)`,
    ...(result.merged === undefined ? [] : [`merged from <b>${result.merged.shards}</b> shards`]),
  ];
  const warnings: string[] = [];
  if (result.interrupted === true) warnings.push("The run was interrupted: the figures cover the part that ran.");
  if (result.incomplete !== undefined) {
    warnings.push(`The run failed part-way (${result.incomplete.reason}); ${result.incomplete.clientsUnreported} clients were not reported.`);
  }
  const c = result.clients;
  const cards: [string, string, string?][] = [
    ["clients", count(c.total)],
    ["activated", count(c.activated), c.notActivated > 0 ? `${count(c.notActivated)} not activated` : undefined],
    ["licensed", count(c.licensed), c.unlicensed > 0 ? `${count(c.unlicensed)} unlicensed` : undefined],
    ["failovers", count(result.failovers), `${count(result.rediscoveries)} rediscoveries`],
    ["max share deviation", plain(result.spread.maxShareDeviation), `jain ${plain(result.spread.jain)}`],
    ["DNS queries", count(result.dns.queries), `${count(result.dns.failed)} failed`],
  ];
  return `<header>
<div class="title"><h1><span class="product">kmssim</span> ${escapeHtml(result.scenario)}</h1>${verdict}</div>
<p class="facts">${facts.join(" · ")}</p>
${warnings.map((w) => `<p class="warning">${escapeHtml(w)}</p>`).join("\n")}
<div class="cards">${cards
    .map(
      ([label, value, note]) =>
        `<div class="card"><div class="label">${escapeHtml(label)}</div><div class="value">${value}</div>${note === undefined ? "" : `<div class="note">${note}</div>`}</div>`,
    )
    .join("")}</div>
</header>`;
}
