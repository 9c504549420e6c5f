// Error codes seen in the run, where they were seen, and what each means and what to do
// (the same text as `kmssim explain`).

import { explainCode, parseCode } from "../../core/errors.js";
import type { Result } from "../../results/result.js";
import { escapeHtml, escapeWithCode } from "../escape.js";
import { count } from "./format.js";

export interface ErrorRow {
  code: string;
  activation: number;
  renewal: number;
  attempts: number;
}

/** One row per code, from the RPC kinds and the clients' attempt-level failures; by total, largest first. */
export function errorRows(result: Result): ErrorRow[] {
  const rows = new Map<string, ErrorRow>();
  const add = (errors: Record<string, number> | undefined, key: "activation" | "renewal" | "attempts"): void => {
    for (const [code, n] of Object.entries(errors ?? {})) {
      const row = rows.get(code) ?? { code, activation: 0, renewal: 0, attempts: 0 };
      row[key] += typeof n === "number" ? n : 0;
      rows.set(code, row);
    }
  };
  add(result.rpc.activation.errors, "activation");
  add(result.rpc.renewal.errors, "renewal");
  add(result.clients.errors, "attempts");
  const total = (r: ErrorRow): number => r.activation + r.renewal + r.attempts;
  return [...rows.values()].sort((a, b) => total(b) - total(a) || a.code.localeCompare(b.code));
}

export function errorsHtml(result: Result): string {
  const rows = errorRows(result);
  if (rows.length === 0) return `<p class="muted">No error codes: every RPC and every activation attempt succeeded.</p>`;
  const blocks = rows.map((row) => {
    const parsed = parseCode(row.code);
    const info = parsed === null ? undefined : explainCode(parsed);
    const where = [
      row.activation > 0 ? `${count(row.activation)} activation RPCs` : "",
      row.renewal > 0 ? `${count(row.renewal)} renewal RPCs` : "",
      row.attempts > 0 ? `${count(row.attempts)} client attempts` : "",
    ].filter((s) => s !== "");
    const body =
      info === undefined
        ? `<p class="muted">kmssim has no explanation for this code.</p>`
        : `<p><b>What it means.</b> ${escapeWithCode(info.meaning)}</p><p><b>What to do.</b> ${escapeWithCode(info.remedy)}</p>`;
    return `<div class="error-code"><h3><code>${escapeHtml(row.code)}</code> ${info === undefined ? "" : `<span class="symbol">${escapeHtml(info.name)}</span>`}<span class="where">${where.join(" · ")}</span></h3>${body}</div>`;
  });
  return blocks.join("\n");
}
