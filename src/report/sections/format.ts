// Numbers and times as the report prints them, always escaped: a malformed result with a
// string where a number belongs still cannot put markup into the page.

import { escapeHtml } from "../escape.js";
import { formatDurationShort } from "../../format/format-duration.js";
import { formatCount, formatMs, formatPercent, formatPoints } from "../../format/format-number.js";

export const count = (n: unknown): string => escapeHtml(typeof n === "number" ? formatCount(n) : String(n ?? "–"));
export const ms = (n: unknown): string => escapeHtml(typeof n === "number" ? formatMs(n) : String(n ?? "–"));
export const percent = (n: unknown): string => escapeHtml(typeof n === "number" ? formatPercent(n) : String(n ?? "–"));
export const points = (n: number): string => escapeHtml(Number.isFinite(n) ? formatPoints(n) : "–");
export const duration = (seconds: unknown): string => escapeHtml(typeof seconds === "number" ? formatDurationShort(seconds) : String(seconds ?? "–"));
/** Up to 6 decimals, like the text summary's threshold values. */
export const plain = (n: unknown): string => escapeHtml(typeof n === "number" ? String(Math.round(n * 1e6) / 1e6) : String(n ?? "–"));
