// The percentile table: p50, p90, p95, p99, p99.9 and max per kind, read from the result's
// histograms (the summary has no p95), as Gatling and k6 print them.

import { LatencyRecorder } from "../../results/latency-recorder.js";
import type { LatencySummaryMs } from "../../results/result.js";
import { count, ms } from "./format.js";
import { escapeHtml } from "../escape.js";

export const TABLE_PERCENTILES = [50, 90, 95, 99, 99.9] as const;

export interface PercentileRow {
  kind: string;
  count: number | null;
  /** ms per TABLE_PERCENTILES entry; null when the histogram cannot be read. */
  values: (number | null)[];
  maxMs: number | null;
  meanMs: number | null;
}

/** A row from a kind's histogram (a list is added up), or from its summary when the histogram is unreadable. */
export function percentileRow(kind: string, histogram: string | readonly string[] | undefined, summary: LatencySummaryMs | undefined): PercentileRow {
  const parts = histogram === undefined ? [] : typeof histogram === "string" ? [histogram] : histogram;
  let recorder: LatencyRecorder | null = null;
  try {
    if (parts.length > 0) recorder = LatencyRecorder.sumOf(parts, (_k, error) => (error instanceof Error ? error : new Error(String(error))));
  } catch {
    recorder = null;
  }
  if (recorder === null) {
    const fromSummary = [summary?.p50, summary?.p90, undefined, summary?.p99, summary?.p999].map((v) => (typeof v === "number" ? v : null));
    return { kind, count: null, values: fromSummary, maxMs: summary?.max ?? null, meanMs: summary?.mean ?? null };
  }
  if (recorder.count === 0) return { kind, count: 0, values: TABLE_PERCENTILES.map(() => null), maxMs: null, meanMs: null };
  const own = recorder.summary();
  return { kind, count: recorder.count, values: recorder.percentilesMs([...TABLE_PERCENTILES]), maxMs: own.max, meanMs: own.mean };
}

export function percentileTableHtml(rows: readonly PercentileRow[]): string {
  const head = ["requests", ...TABLE_PERCENTILES.map((p) => `p${p}`), "max", "mean"].map((h) => `<th class="num">${escapeHtml(h)}</th>`).join("");
  const cell = (v: number | null): string => `<td class="num">${v === null ? "–" : ms(v)}</td>`;
  const body = rows
    .map(
      (r) =>
        `<tr><td>${escapeHtml(r.kind)}</td><td class="num">${r.count === null ? "–" : count(r.count)}</td>${r.values.map(cell).join("")}${cell(r.maxMs)}${cell(r.meanMs)}</tr>`,
    )
    .join("");
  return `<table class="percentiles"><thead><tr><th>kind</th>${head}</tr></thead><tbody>${body}</tbody></table>`;
}
