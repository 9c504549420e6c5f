// Turns zod's issues into located ScenarioErrors: one error per unknown key (pointing
// at the key, with "did you mean"), and for an event that matches neither event shape,
// the errors of the shape the user evidently meant instead of "invalid input".

import { z } from "zod";
import { didYouMean } from "../core/did-you-mean.js";
import type { ScenarioError } from "./errors.js";
import { formatPath, type PathSegment, type PositionFinder } from "./positions.js";

type Issue = z.core.$ZodIssue;

export function schemaIssueErrors(
  issues: readonly Issue[],
  schema: z.ZodType,
  raw: unknown,
  finder: PositionFinder,
  prefix: PathSegment[] = [],
): ScenarioError[] {
  const errors: ScenarioError[] = [];
  for (const issue of issues) {
    const relative = issue.path.map(toSegment);
    const path = [...prefix, ...relative];
    if (issue.code === "unrecognized_keys") {
      const known = objectKeys(meantOption(schemaAt(schema, relative), valueAt(raw, path)));
      for (const key of issue.keys) {
        const keyPath = [...path, key];
        errors.push({ path: formatPath(keyPath), ...finder.key(keyPath), message: `unknown key '${key}'${didYouMean(key, known)}` });
      }
    } else if (issue.code === "invalid_union" && issue.errors.length > 1 && isObjectUnion(schemaAt(schema, relative))) {
      errors.push(...unionErrors(issue, schemaAt(schema, relative) as z.ZodUnion, raw, path, finder));
    } else {
      // Schemas word their own type errors; a key that is not there at all reads better as missing.
      const message = isMissingKey(raw, path) ? "required key is missing" : issue.message;
      errors.push({ path: formatPath(path), ...finder.value(path), message });
    }
  }
  return errors;
}

function toSegment(key: PropertyKey): PathSegment {
  return typeof key === "number" ? key : String(key);
}

function unionErrors(
  issue: Extract<Issue, { code: "invalid_union" }>,
  union: z.ZodUnion,
  raw: unknown,
  path: PathSegment[],
  finder: PositionFinder,
): ScenarioError[] {
  const input = valueAt(raw, path);
  const branch = pickBranch(input, union, issue.errors);
  if (branch === "ambiguous") {
    const names = optionsPresent(union, input)
      .map((i) => `'${distinctiveKey(union.options[i], union)}'`)
      .join(" or ");
    return [{ path: formatPath(path), ...finder.value(path), message: `give ${names}, not both` }];
  }
  return schemaIssueErrors(issue.errors[branch], union.options[branch] as z.ZodType, raw, finder, path);
}

/** Indexes of the union's options whose distinctive key (`host` / `dns` / `record`) the input has. */
function optionsPresent(union: z.ZodUnion, input: unknown): number[] {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return [];
  return union.options.flatMap((option, i) => (Object.hasOwn(input, distinctiveKey(option, union)) ? [i] : []));
}

/** For a union of objects, the option the input evidently meant (if one); else the schema itself. */
function meantOption(schema: z.ZodType | undefined, input: unknown): z.ZodType | undefined {
  if (!isObjectUnion(schema)) return schema;
  const union = schema as z.ZodUnion;
  const present = optionsPresent(union, input);
  return present.length === 1 ? (union.options[present[0]] as z.ZodType) : schema;
}

/**
 * The branch the user meant: the one whose distinctive key (`host` / `dns`) is present;
 * with none present, the one with the fewest problems (a typo'd key still gets its hint).
 */
function pickBranch(input: unknown, union: z.ZodUnion, branchIssues: Issue[][]): number | "ambiguous" {
  const present = optionsPresent(union, input);
  if (present.length === 1) return present[0];
  if (present.length > 1) return "ambiguous";
  let best = 0;
  for (let i = 1; i < branchIssues.length; i++) {
    if (problemCount(branchIssues[i]) < problemCount(branchIssues[best])) best = i;
  }
  return best;
}

function problemCount(issues: Issue[]): number {
  return issues.reduce((sum, issue) => sum + (issue.code === "unrecognized_keys" ? issue.keys.length : 1), 0);
}

/** A key of this option that no other option of the union has (e.g. `host` vs `dns`). */
function distinctiveKey(option: z.core.$ZodType, union: z.ZodUnion): string {
  const own = objectKeys(option as z.ZodType);
  const others = new Set(union.options.filter((o) => o !== option).flatMap((o) => objectKeys(o as z.ZodType)));
  return own.find((key) => !others.has(key)) ?? own[0] ?? "";
}

function isObjectUnion(schema: z.ZodType | undefined): boolean {
  return schema instanceof z.ZodUnion && schema.options.every((option) => option instanceof z.ZodObject);
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional) current = current.unwrap() as z.ZodType;
    else if (current instanceof z.ZodPipe) current = current.in as z.ZodType;
    else return current;
  }
}

/** The schema describing the value at `path` (relative to `schema`), if it can be found. */
export function schemaAt(schema: z.ZodType | undefined, path: readonly PathSegment[]): z.ZodType | undefined {
  let current = unwrap(schema);
  for (const segment of path) {
    if (current instanceof z.ZodObject && typeof segment === "string") current = unwrap(current.shape[segment] as z.ZodType | undefined);
    else if (current instanceof z.ZodArray) current = unwrap(current.element as z.ZodType);
    else return undefined;
  }
  return current;
}

/** Keys an object schema (or every object in a union) allows. */
export function objectKeys(schema: z.ZodType | undefined): string[] {
  const current = unwrap(schema);
  if (current instanceof z.ZodObject) return Object.keys(current.shape);
  if (current instanceof z.ZodUnion) return [...new Set(current.options.flatMap((o) => objectKeys(o as z.ZodType)))];
  return [];
}

function isMissingKey(raw: unknown, path: readonly PathSegment[]): boolean {
  if (path.length === 0) return false;
  const parent = valueAt(raw, path.slice(0, -1));
  const key = path[path.length - 1];
  return typeof parent === "object" && parent !== null && !Array.isArray(parent) && !Object.hasOwn(parent, key);
}

function valueAt(raw: unknown, path: readonly PathSegment[]): unknown {
  let current = raw;
  for (const segment of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<PathSegment, unknown>)[segment];
  }
  return current;
}
