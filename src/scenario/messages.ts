// Plain-language messages for schema issues: "expected a number ≥ 0, got "heavy"".
// Used as zod's per-parse error map; schemas with their own wording override it.

import type { z } from "zod";
import { didYouMean } from "../core/did-you-mean.js";

/** A value as it appears in a message: strings quoted, containers named. */
const MAX_QUOTED_CHARS = 40;

export function show(value: unknown): string {
  if (value === null || value === undefined) return "an empty value";
  // A short one-line value is the user's typo, worth quoting; anything longer may be a file
  // that is not a scenario at all (/proc/self/environ, a key) and is not repeated.
  if (typeof value === "string")
    return value.length <= MAX_QUOTED_CHARS && ![...value].some((c) => c < " ") ? JSON.stringify(value) : `a text of ${value.length} characters`;
  if (Array.isArray(value) || value instanceof Set) return "a list";
  if (value instanceof Uint8Array) return "binary data";
  if (typeof value === "object") return "a mapping";
  return String(value);
}

const EXPECTED: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  object: "a mapping",
  array: "a list",
};

type RawIssue = z.core.$ZodRawIssue;

/** zod error map: one message per issue, never throwing. */
export function issueMessage(issue: RawIssue): string {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return "required key is missing";
      return `expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${show(issue.input)}`;
    case "invalid_value": {
      const values = issue.values.map(String);
      const hint = typeof issue.input === "string" ? didYouMean(issue.input, values) : "";
      return `expected one of ${values.join(", ")}, got ${show(issue.input)}${hint}`;
    }
    case "too_small":
      if (issue.origin === "string") return "must not be empty";
      if (issue.origin === "array") return `needs at least ${issue.minimum} item${issue.minimum === 1 ? "" : "s"}`;
      return `expected a value ${issue.inclusive ? "≥" : ">"} ${issue.minimum}, got ${show(issue.input)}`;
    case "too_big":
      if (issue.origin === "array") return `allows at most ${issue.maximum} items`;
      return `expected a value ${issue.inclusive ? "≤" : "<"} ${issue.maximum}, got ${show(issue.input)}`;
    case "unrecognized_keys":
      return `unknown key${issue.keys.length === 1 ? "" : "s"} ${issue.keys.map((k) => `'${k}'`).join(", ")}`;
    default:
      return issue.message ?? "invalid value";
  }
}
