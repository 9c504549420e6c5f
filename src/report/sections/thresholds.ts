// Every threshold with its actual value and verdict.

import { OP_SYMBOL } from "../../format/palette.js";
import type { ThresholdResult } from "../../results/result.js";
import { escapeHtml } from "../escape.js";
import { plain } from "./format.js";

export function thresholdsHtml(thresholds: readonly ThresholdResult[]): string {
  if (thresholds.length === 0) return `<p class="muted">The scenario sets no thresholds.</p>`;
  const rows = thresholds.map(
    (t) =>
      `<tr class="${t.pass ? "ok" : "bad"}"><td class="verdict">${t.pass ? "✓ pass" : "✗ fail"}</td><td><code>${escapeHtml(t.metric)}</code></td>` +
      `<td class="num">${escapeHtml(OP_SYMBOL[t.op] ?? t.op)} ${plain(t.value)}</td><td class="num">${t.actual === null ? "no value" : plain(t.actual)}</td></tr>`,
  );
  return `<table><thead><tr><th></th><th>metric</th><th class="num">limit</th><th class="num">actual</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}
