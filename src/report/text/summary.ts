// The human summary printed on stdout after a run, in the spirit of k6's end-of-test
// summary: a header, the verdict and every threshold with its actual value, then one line
// per fleet-wide figure and tables for RPCs, errors and hosts, all fitted to the terminal.

import { stripVTControlCharacters } from "node:util";
import { explainCode, parseCode } from "../../core/errors.js";
import { PRODUCTS } from "../../scenario/model.js";
import { formatDurationShort } from "../../format/format-duration.js";
import { formatCount, formatMs, formatPercent, formatPoints, formatRate } from "../../format/format-number.js";
import { fitTable, wrapLine } from "../../format/fit-width.js";
import { DEFAULT_COLUMNS } from "./terminal.js";
import { generatorFigures, generatorWarnings } from "./generator-summary.js";
import { alertLines } from "./alerts-summary.js";
import { groupsTable } from "./groups-table.js";
import { OP_SYMBOL, palette, type Palette } from "../../format/palette.js";
import type { LatencySummaryMs, Result, ThresholdResult } from "../../results/result.js";

export interface SummaryOptions {
  /** ANSI colours (a TTY that wants them); plain text otherwise. */
  color: boolean;
  /** Terminal columns: wider tables fold, longer lines wrap (default DEFAULT_COLUMNS). */
  width?: number;
}

const INDENT = 2;
/** Where a labelled line's value starts ("  clients.........: "): wrapped values continue there. */
const VALUE_COLUMN = INDENT + 18;
const LATENCY_FIELDS: readonly (keyof LatencySummaryMs)[] = ["mean", "p50", "p90", "p99", "p999", "max"];
/** Fleet events listed before the rest is summed up in one line. */
const MAX_EVENTS_SHOWN = 20;

/** A label padded with dots to a common width, k6 style: "clients.......: ". */
function labelled(label: string, value: string, p: Palette): string {
  return " ".repeat(INDENT) + label + p.dim(".".repeat(Math.max(2, 16 - label.length)) + ":") + " " + value;
}

/** Plain rendering of a threshold number: up to 6 decimals, no exponent for usual values. */
function formatValue(value: number): string {
  return String(Math.round(value * 1e6) / 1e6);
}

function header(result: Result, p: Palette): string[] {
  const facts = [
    `mode ${result.mode}`,
    `seed ${result.seed}`,
    `simulated ${formatDurationShort(result.simulatedSeconds)}`,
    `wall ${formatDurationShort(result.wallSeconds)}`,
    // A shard measured part of the fleet; a merge added the shards up.
    ...(result.shard === undefined ? [] : [`shard ${result.shard.index}/${result.shard.count} of ${formatCount(result.shard.fleetClients)} clients`]),
    ...(result.merged === undefined ? [] : [`merged from ${result.merged.shards} shards`]),
  ];
  const title = `${p.bold("kmssim")}  ${p.bold(result.scenario)}` + (result.interrupted ? "  " + p.yellow("(interrupted)") : "");
  return [" ".repeat(INDENT) + title, " ".repeat(INDENT) + p.dim(facts.join(" · "))];
}

function clientsLine(result: Result, p: Palette): string {
  const c = result.clients;
  const notActivated = c.notActivated > 0 ? p.yellow(formatCount(c.notActivated)) : formatCount(c.notActivated);
  const parts = [
    `${formatCount(c.total)} total`,
    `${formatCount(c.activated)} activated`,
    `${notActivated} not activated`,
    `${formatCount(c.licensed)} licensed`,
    `${formatCount(c.unlicensed)} unlicensed`,
    `${formatCount(c.initialGrace + c.outOfToleranceGrace)} in grace` +
      p.dim(` (initial ${formatCount(c.initialGrace)}, out-of-tolerance ${formatCount(c.outOfToleranceGrace)})`),
  ];
  if ((c.inFlightAtEnd ?? 0) > 0) parts.push(`${formatCount(c.inFlightAtEnd)} in flight at end`);
  return labelled("clients", parts.join("  "), p);
}

function rpcTable(result: Result, p: Palette, width: number): string[] {
  const head = ["rpc", "sent", "per s", "ok", "failed", ...LATENCY_FIELDS, "(ms)"].map(p.dim);
  const timeoutMs = result.rpcTimeoutMs;
  let timedOut = false;
  /** A latency at or past the RPC timeout is a request that timed out: marked, not read as a speed. */
  const latency = (ms: number): string => {
    if (timeoutMs === undefined || ms < timeoutMs) return formatMs(ms);
    timedOut = true;
    return p.yellow(`${formatMs(ms)}*`);
  };
  const rows = (["activation", "renewal"] as const).map((kind) => {
    const r = result.rpc[kind];
    const failed = r.failed > 0 ? p.red(formatCount(r.failed)) : formatCount(r.failed);
    return [
      kind,
      formatCount(r.sent),
      r.perSecond === undefined ? "-" : formatRate(r.perSecond),
      formatCount(r.ok),
      failed,
      ...LATENCY_FIELDS.map((f) => latency(r.latencyMs[f])),
    ];
  });
  const table = fitTable([head, ...rows], { width, indent: INDENT, align: ["left", ...Array<"right">(10).fill("right")] });
  if (!timedOut) return table;
  const timeout = formatDurationShort(timeoutMs! / 1000);
  // Realtime latency runs from when a request was due: a generator that fell behind adds its send lag.
  const legend = result.generator?.saturated
    ? `(* at or past the RPC timeout, ${timeout}: timed out, or waited in this machine before it was sent — the generator fell behind)`
    : `(* at or past the RPC timeout, ${timeout}: the requests behind that percentile timed out)`;
  return [...table, " ".repeat(INDENT) + p.dim(legend)];
}

function dnsLine(result: Result, p: Palette): string {
  const d = result.dns;
  const failed = d.failed > 0 ? p.red(formatCount(d.failed)) : formatCount(d.failed);
  const latency = LATENCY_FIELDS.filter((f) => f === "mean" || f === "p99" || f === "max")
    .map((f) => `${f}=${formatMs(d.latencyMs[f])}ms`)
    .join(" ");
  return labelled("dns", `${formatCount(d.queries)} queries  ${failed} failed  ${p.dim(latency)}`, p);
}

function errorsTable(result: Result, p: Palette, width: number): string[] {
  const sources: [string, Record<string, number>][] = [
    ["activation", result.rpc.activation.errors],
    ["renewal", result.rpc.renewal.errors],
    ["attempts", result.clients.errors ?? {}],
  ];
  const codes = [...new Set(sources.flatMap(([, errors]) => Object.keys(errors)))].sort();
  if (codes.length === 0) return [labelled("errors", "none", p)];
  const used = sources.filter(([, errors]) => Object.keys(errors).length > 0);
  const head = ["error", "name", ...used.map(([label]) => label)].map(p.dim);
  const rows = codes.map((hex) => {
    const code = parseCode(hex);
    const name = code === null ? "" : (explainCode(code)?.name ?? "");
    return [p.red(hex), name, ...used.map(([, errors]) => formatCount(errors[hex] ?? 0))];
  });
  const lines = fitTable([head, ...rows], { width, indent: INDENT, keyColumns: 2, align: ["left", "left", "right", "right", "right"] });
  return [...lines, " ".repeat(INDENT) + p.dim("(kmssim explain <code> tells what a code means and what to do)")];
}

/** Products in the hosts' counts, in the scenario's order, then any other. */
function productColumns(result: Result): string[] {
  const seen = new Set(result.hosts.flatMap((h) => [...Object.keys(h.count), ...h.lowCount]));
  const known = PRODUCTS.filter((product) => seen.has(product));
  const others = [...seen].filter((product) => !(PRODUCTS as readonly string[]).includes(product)).sort();
  return [...known, ...others];
}

function hostsTable(result: Result, p: Palette, width: number): string[] {
  if (result.hosts.length === 0) return [labelled("hosts", "none", p)];
  const products = productColumns(result);
  const head = [
    "host",
    "state",
    "offered",
    "requests",
    "per s",
    "peak/s",
    "busy",
    "queue",
    "share",
    "expected",
    "deviation",
    "activations",
    "renewals",
    "refused",
    "unanswered",
    "lost",
    "late",
    ...products,
  ].map(p.dim);
  const rows = result.hosts.map((h) => {
    const counts = products.map((product) => {
      const count = h.count[product];
      const low = h.lowCount.includes(product);
      if (count === undefined && !low) return p.dim("-");
      return formatCount(count ?? 0) + (low ? " " + p.yellow("LOW") : "");
    });
    return [
      h.name,
      h.state === "up" || h.state === undefined ? (h.state ?? "") : p.red(h.state),
      formatCount(h.requests + h.refused),
      formatCount(h.requests),
      h.perSecond === undefined ? "-" : formatRate(h.perSecond.mean),
      h.perSecond === undefined ? "-" : formatRate(h.perSecond.peak),
      h.utilization === undefined ? "-" : formatPercent(h.utilization),
      h.peakQueued === undefined ? "-" : formatCount(h.peakQueued),
      formatPercent(h.share),
      formatPercent(h.expectedShare),
      formatPoints(h.share - h.expectedShare),
      formatCount(h.activations),
      formatCount(h.renewals),
      formatCount(h.refused),
      formatCount(h.unanswered),
      formatCount(h.lost ?? 0),
      formatCount(h.late ?? 0),
      ...counts,
    ];
  });
  const lines = fitTable([head, ...rows], { width, indent: INDENT, align: ["left", "left", ...Array<"right">(15 + products.length).fill("right")] });
  const legend =
    "(offered: requests read + refused · per s: requests per simulated second, over the run and in the busiest timeline interval · " +
    "busy: share of the host's server time spent serving · queue: the most requests waiting at once · refused: host down · unanswered: host hung · lost: held when it crashed or hung · " +
    "late: answered after the client's timeout · deviation: share minus expected, in percentage points (pp)" +
    (products.length === 0 ? ")" : "; per product: distinct clients the host counts now; LOW = below the activation threshold)");
  return [...lines, " ".repeat(INDENT) + p.dim(legend)];
}

/**
 * Per host and product, what `slmgr /dlv <Activation ID>` shows: the host's licence status,
 * threshold and count, requests by client state, failures and their codes. Products in
 * use only (requested, or low); none at all: no section.
 */
function dlvTable(result: Result, p: Palette, width: number): string[][] {
  const rows: string[][] = [];
  for (const h of result.hosts) {
    for (const product of h.products ?? []) {
      if (product.dlv.total === 0 && !product.low) continue;
      const reasons = Object.entries(product.errors).map(([hex, n]) => `${hex} ×${formatCount(n)}`);
      rows.push([
        h.name,
        product.name,
        product.activationId ?? "-",
        product.licenseStatus === "licensed" ? product.licenseStatus : p.red(product.licenseStatus),
        product.threshold === 0 ? "-" : formatCount(product.threshold),
        formatCount(product.count) + (product.low ? " " + p.yellow("LOW") : ""),
        formatCount(product.dlv.total),
        formatCount(product.dlv.failed),
        formatCount(product.dlv.licensed),
        formatCount(product.dlv.initialGrace),
        formatCount(product.dlv.outOfToleranceGrace),
        formatCount(product.dlv.notification),
        reasons.length === 0 ? "-" : reasons.join(" "),
      ]);
    }
  }
  if (rows.length === 0) return [];
  const head = [
    "/dlv",
    "product",
    "activation id",
    "license",
    "threshold",
    "count",
    "requests",
    "failed",
    "licensed",
    "grace",
    "oot",
    "notif",
    "failed by code",
  ];
  const align: ("left" | "right")[] = ["left", "left", "left", "left", ...Array<"right">(8).fill("right"), "left"];
  const lines = fitTable([head.map(p.dim), ...rows], { width, indent: INDENT, keyColumns: 2, align });
  const legend =
    "(per host and product, like slmgr /dlv <Activation ID>: the host's license for it, its threshold and count now, " +
    "requests by the client's state — licensed, initial grace, out-of-tolerance grace, notification — and failures by code)";
  return [[...lines, " ".repeat(INDENT) + p.dim(legend)]];
}

function spreadLines(result: Result, p: Palette): string[] {
  const s = result.spread;
  const text =
    `jain=${formatValue(s.jain)}  max/mean=${formatValue(s.maxOverMean)}  cv=${formatValue(s.cv)}  ` + `maxShareDeviation=${formatValue(s.maxShareDeviation)}`;
  const legend =
    "(how evenly the hosts shared the requests — jain: 1 = even, 1/hosts = one host took all · max/mean: the busiest host's " +
    "requests over the average · cv: standard deviation over mean, 0 = even · maxShareDeviation: the largest gap between a " +
    "host's share and the share its records promise)";
  return [labelled("spread", text, p), " ".repeat(VALUE_COLUMN) + p.dim(legend)];
}

function eventLines(result: Result, p: Palette, width: number): string[] {
  // Routine refreshes would drown the faults: they are counted, the rest are listed.
  const published = result.events.filter((e) => e.action === "published").length;
  const notable = result.events.filter((e) => e.action !== "published");
  const publishLine = published > 0 ? [labelled("dns publish", `${published} records published (12294); refreshes are not listed below`, p)] : [];
  if (notable.length === 0) return [...publishLine, labelled("events", "none", p)];
  const shown = notable.slice(0, MAX_EVENTS_SHOWN);
  const rows = shown.map((e) => [
    formatDurationShort(e.t),
    e.kind,
    e.target,
    e.domain === undefined ? e.action : `${e.action} in ${e.domain}${e.eventId === undefined ? "" : ` (${e.eventId})`}`,
  ]);
  const lines = [...publishLine, " ".repeat(INDENT) + p.dim("events"), ...fitTable(rows, { width, indent: INDENT + 2, align: ["right"] })];
  const hidden = notable.length - shown.length;
  if (hidden > 0) lines.push(" ".repeat(INDENT + 2) + p.dim(`… ${hidden} more in the result JSON`));
  return lines;
}

function thresholdLines(thresholds: readonly ThresholdResult[], p: Palette, width: number): string[] {
  if (thresholds.length === 0) return [labelled("thresholds", "none", p)];
  const rows = thresholds.map((t) => [
    t.pass ? p.green("✓") : p.red("✗"),
    t.metric,
    `${OP_SYMBOL[t.op] ?? t.op} ${formatValue(t.value)}`,
    p.dim("actual") + " " + (t.actual === null ? p.red("missing") : t.pass ? formatValue(t.actual) : p.red(formatValue(t.actual))),
  ]);
  return [" ".repeat(INDENT) + p.dim("thresholds"), ...fitTable(rows, { width, indent: INDENT + 2, keyColumns: 2 })];
}

function verdict(result: Result, p: Palette): string {
  if (result.shard !== undefined) {
    const judged = result.shard.thresholds.length;
    const word = result.pass ? p.bold(p.green("DONE")) : p.bold(p.red("FAIL"));
    const why = result.interrupted
      ? "run interrupted"
      : result.incomplete !== undefined
        ? "run incomplete"
        : `shard ${result.shard.index}/${result.shard.count} measured`;
    return `${" ".repeat(INDENT)}${word}  ${p.dim(`${why}; ${judged === 1 ? "its threshold is" : `its ${judged} thresholds are`} judged on the merged result (kmssim merge)`)}`;
  }
  const passed = result.thresholds.filter((t) => t.pass).length;
  const interrupted = result.interrupted ? ", run interrupted" : "";
  const detail = p.dim(`${passed} of ${result.thresholds.length} thresholds passed${interrupted}`);
  const word = result.pass ? p.bold(p.green("PASS")) : p.bold(p.red("FAIL"));
  return `${" ".repeat(INDENT)}${word}  ${detail}`;
}

/** The end-of-run summary as text ending in a newline; colours only with `color`. */
export function renderSummary(result: Result, options: SummaryOptions): string {
  const p = palette(options.color);
  const width = options.width ?? DEFAULT_COLUMNS;
  const warnings = generatorWarnings(result.generator, " ".repeat(INDENT), p);
  const sections: string[][] = [
    header(result, p),
    // Before any figure: numbers taken while the generator fell behind measure this machine.
    ...(warnings.length > 0 ? [warnings] : []),
    // The verdict and why, first (as k6): the tables below explain it.
    [...(result.shard === undefined ? thresholdLines(result.thresholds, p, width) : []), verdict(result, p)],
    // What operators would have been paged on, before the figures that explain it.
    ...(result.alerts === undefined ? [] : [alertLines(result, p, width, INDENT)]),
    [
      clientsLine(result, p),
      ...rateLine(result, p),
      dnsLine(result, p),
      ...spreadLines(result, p),
      failoverLine(result, p),
      ...(result.generator === undefined ? [] : [labelled("generator", generatorFigures(result.generator, p), p)]),
    ],
    rpcTable(result, p, width),
    ...[groupsTable(result, p, width, INDENT)].filter((lines) => lines.length > 0),
    errorsTable(result, p, width),
    hostsTable(result, p, width),
    ...dlvTable(result, p, width),
    eventLines(result, p, width),
  ];
  const fitted = sections.map((lines) => lines.flatMap((line) => line.split("\n")).flatMap((line) => wrapLine(line, width, hangIndentOf(line))));
  return "\n" + fitted.map((lines) => lines.join("\n")).join("\n\n") + "\n";
}

/** A labelled line continues under its value; anything else a little right of where it starts. */
function hangIndentOf(line: string): number {
  const lead = /^ */.exec(line)![0].length;
  return lead === INDENT && /^ {2}[a-z][a-z ]*\S*\.{2,}/.test(stripVTControlCharacters(line)) ? VALUE_COLUMN : lead + 2;
}

/** RPCs per simulated second, the first figure a capacity planner reads. */
function rateLine(result: Result, p: Palette): string[] {
  const r = result.rpcPerSecond;
  if (r === undefined) return [];
  return [
    labelled(
      "rpc rate",
      `${formatRate(r.mean)}/s  ${p.dim("peak")} ${formatRate(r.peak)}/s  ${p.dim("(per simulated second; peak: the busiest timeline interval)")}`,
      p,
    ),
  ];
}

function failoverLine(result: Result, p: Palette): string {
  return labelled(
    "failovers",
    `${formatCount(result.failovers)}  ${p.dim("rediscoveries:")} ${formatCount(result.rediscoveries)}  ` +
      p.dim(
        "(failover: an attempt moved on to another host after one refused it or did not answer · rediscovery: a cached host failed, so the client asked DNS again)",
      ),
    p,
  );
}
