// Durations in scenario files: a number with a unit (`500ms`, `0.5ms`, `2h`, `7d`), or
// several from the largest unit to the smallest (`1h30m`). A unitless number is an
// error, except a plain 0, because `timeout: 5` is ambiguous (5 ms? 5 s?).

import { KmssimError } from "../core/kmssim-error.js";

export type DurationUnit = "d" | "h" | "m" | "s" | "ms";

/** Milliseconds per unit, largest first: the order units must appear in `1d2h3m4s5ms`. */
export const DURATION_UNITS: readonly (readonly [DurationUnit, number])[] = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1_000],
  ["ms", 1],
];

const UNIT_LIST = "ms, s, m, h or d";
const EXAMPLES = "e.g. 500ms, 30s, 2h, 7d or 1h30m";

export type DurationResult = { ok: true; ms: number } | { ok: false; message: string };

/** A duration text the parser rejected; `code` is stable for callers to match on. */
export class DurationError extends KmssimError {
  constructor(message: string) {
    super(message, "KMSSIM_BAD_DURATION");
    this.name = "DurationError";
  }
}

const NUMBER = String.raw`(?:\d+(?:\.\d+)?|\.\d+)`;
const ZERO = String.raw`(?:0+(?:\.0+)?|\.0+)`;

/**
 * The accepted syntax as a regular expression (for JSON Schema `pattern`), equivalent to
 * what `parseDuration` accepts for trimmed text. `signed` allows a leading minus (clock
 * skew); `plainZero` allows a unitless zero.
 */
export function durationPattern(signed: boolean, plainZero = true): string {
  const sign = signed ? "-?" : "";
  const parts = DURATION_UNITS.map(([unit]) => `(?:${NUMBER}${unit})?`).join("");
  const zero = plainZero ? `-?${ZERO}|` : "";
  return `^(?:${zero}${sign}(?=[.\\d])${parts})$`;
}

// One "number + letters" piece; the letters are checked against the unit table.
const PIECE = /(\d+(?:\.\d+)?|\.\d+)([A-Za-zµ]*)/y;
const UNITLESS = /^-?(?:\d+(?:\.\d+)?|\.\d+)$/;

/** Parses a duration; never throws. Numbers from YAML are accepted only when 0. */
export function parseDuration(input: string | number): DurationResult {
  if (typeof input === "number") {
    if (input === 0) return { ok: true, ms: 0 };
    return { ok: false, message: `duration '${input}' needs a unit: ${UNIT_LIST}` };
  }
  const text = input.trim();
  if (text === "") return { ok: false, message: `empty duration: use a number with a unit, ${EXAMPLES}` };
  if (UNITLESS.test(text)) {
    if (Number(text) === 0) return { ok: true, ms: 0 };
    return { ok: false, message: `duration '${text}' needs a unit: ${UNIT_LIST}` };
  }
  const negative = text.startsWith("-");
  let at = negative ? 1 : 0;
  let ms = 0;
  let lastUnitIndex = -1;
  while (at < text.length) {
    PIECE.lastIndex = at;
    const piece = PIECE.exec(text);
    if (piece === null) return invalid(text);
    const [whole, digits, unit] = piece;
    const unitIndex = DURATION_UNITS.findIndex(([name]) => name === unit);
    if (unit === "") return invalid(text);
    if (unitIndex < 0) {
      return { ok: false, message: `duration '${text}' has an unknown unit '${unit}': use ${UNIT_LIST}` };
    }
    if (unitIndex <= lastUnitIndex) {
      return {
        ok: false,
        message: `duration '${text}': units must go from largest to smallest, each once (e.g. 1h30m)`,
      };
    }
    lastUnitIndex = unitIndex;
    ms += scaled(digits, DURATION_UNITS[unitIndex][1]);
    at += whole.length;
  }
  if (lastUnitIndex < 0) return invalid(text);
  if (!Number.isFinite(ms) || ms > Number.MAX_SAFE_INTEGER) {
    return { ok: false, message: `duration '${text}' is too large` };
  }
  return { ok: true, ms: negative && ms !== 0 ? -ms : ms };
}

/** Like `parseDuration` but throws a `DurationError`. */
export function parseDurationMs(input: string | number): number {
  const result = parseDuration(input);
  if (!result.ok) throw new DurationError(result.message);
  return result.ms;
}

/**
 * Formats milliseconds the way a user writes them: `0s`, `500ms`, `2h`, `1h30m`, `-5h`,
 * `0.5ms`. Integer values round-trip exactly through `parseDuration`.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms === 0) return "0s";
  if (ms < 0) return `-${formatDuration(-ms)}`;
  let rest = ms;
  let out = "";
  for (const [unit, size] of DURATION_UNITS) {
    if (unit === "ms") break;
    const whole = Math.floor(rest / size);
    if (whole > 0) {
      out += `${whole}${unit}`;
      rest -= whole * size;
    }
  }
  // Subtraction leaves float noise in fractional milliseconds; a nanosecond is plenty.
  rest = Number(rest.toFixed(6));
  if (rest > 0) out += `${rest}ms`;
  return out === "" ? "0s" : out;
}

function invalid(text: string): DurationResult {
  return { ok: false, message: `duration '${text}' is not valid: use a number with a unit, ${EXAMPLES}` };
}

// Decimal digits times a unit without binary rounding of the decimal first: 0.7s is 700.
function scaled(digits: string, unitMs: number): number {
  const [intPart, fracPart = ""] = digits.split(".");
  const whole = intPart === "" ? 0 : Number(intPart) * unitMs;
  if (fracPart === "") return whole;
  return whole + (Number(fracPart) * unitMs) / 10 ** fracPart.length;
}
