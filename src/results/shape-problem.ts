// The first way a JSON value misses its schema, in plain words: the path of the field and
// what it should be. Never the file's content (a user may name any file): a number is shown
// as it is, anything else by its kind, a map's key only when it is an error code or a product.

import { z } from "zod";
import { PRODUCTS } from "../scenario/model.js";

type Segment = PropertyKey;

/** `clients.activated: should be a whole number ≥ 0, got -3`; null when `value` fits `schema`. */
export function shapeProblem(schema: z.ZodType, value: unknown): string | null {
  const parsed = schema.safeParse(value);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0];
  const path = issue.path;
  const where = path.length === 0 ? "the file" : pathText(schema, path);
  const found = valueAt(value, path);
  if (found === undefined) return `${where}: missing`;
  return `${where}: should be ${expected(issue)}, got ${shown(found)}`;
}

const HEX_CODE = /^0x[0-9a-f]{8}$/i;
/** kmssim's own schema names ("kmssim/result@2"): words of kmssim, safe to show. */
const SCHEMA_NAME = /^kmssim\/[a-z]+@\d+$/;

function safeKey(key: string): boolean {
  return HEX_CODE.test(key) || (PRODUCTS as readonly string[]).includes(key);
}

/** `hosts[0].dlv.total`; a map key that could be content shows as `(a key)`. */
function pathText(schema: z.ZodType, path: readonly Segment[]): string {
  let text = "";
  let here: z.ZodType | undefined = schema;
  for (const segment of path) {
    here = unwrap(here);
    if (typeof segment === "number") {
      text += `[${segment}]`;
      here = here instanceof z.ZodArray ? (here.element as z.ZodType) : undefined;
    } else if (here instanceof z.ZodObject) {
      text += `${text === "" ? "" : "."}${String(segment)}`;
      here = here.shape[String(segment)] as z.ZodType | undefined;
    } else {
      // A key of a map (or below a union): the file's own text unless it is a known word.
      text += safeKey(String(segment)) ? `.${String(segment)}` : " (a key)";
      here = here instanceof z.ZodRecord ? (here.valueType as z.ZodType) : undefined;
    }
  }
  return text;
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let here = schema;
  while (here instanceof z.ZodOptional || here instanceof z.ZodNullable) here = here.unwrap() as z.ZodType;
  return here;
}

function valueAt(value: unknown, path: readonly Segment[]): unknown {
  let here = value;
  for (const segment of path) {
    if (typeof here !== "object" || here === null) return undefined;
    here = (here as Record<PropertyKey, unknown>)[segment];
  }
  return here;
}

const KINDS: Record<string, string> = {
  object: "an object",
  record: "an object",
  array: "a list",
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
};

/** What the field should be: the schema's own words, or words for zod's issue kinds. */
function expected(issue: z.core.$ZodIssue): string {
  if (/^an? /.test(issue.message)) return issue.message;
  switch (issue.code) {
    case "invalid_type":
      return KINDS[issue.expected] ?? issue.expected;
    case "invalid_value":
      return issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "too_small":
      return issue.origin === "array" ? "a list that is not empty" : issue.origin === "string" ? "text that is not empty" : `at least ${String(issue.minimum)}`;
    default:
      return "valid";
  }
}

function shown(value: unknown): string {
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return SCHEMA_NAME.test(value) ? JSON.stringify(value) : value === "" ? "empty text" : "text";
  return `${typeof value === "object" ? "an" : "a"} ${typeof value}`;
}
