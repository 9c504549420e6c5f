// The metrics of a result, derived from the result schema: the paths thresholds accept
// (given to the pure core's threshold code as a shape) and every numeric leaf of a result
// with its unit and better direction (what compare can compare).

import { z } from "zod";
import {
  knownMetricPaths as knownPathsOf,
  NamedList,
  validateMetricPath as validatePathOf,
  type MetricObject,
  type MetricShape,
} from "../core/metrics/thresholds.js";
import { fieldRoles, resultSchema, type Better, type FieldRole, type MetricUnit } from "./result-schema.js";

/** A schema without its optional/nullable wrappers, and the role registered on any layer. */
function unwrapped(schema: z.ZodType): { inner: z.ZodType; role: FieldRole | undefined } {
  let inner = schema;
  let role = fieldRoles.get(inner);
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable) {
    inner = inner.unwrap() as z.ZodType;
    role ??= fieldRoles.get(inner);
  }
  return { inner, role };
}

/** A list of objects named by `name` (hosts): its items are addressed by name in a path. */
function namedItem(schema: z.ZodType): z.ZodObject | null {
  if (!(schema instanceof z.ZodArray)) return null;
  const element = schema.element as z.ZodType;
  return element instanceof z.ZodObject && element.shape.name instanceof z.ZodString ? element : null;
}

/** Parts of the result that are no metric, by path (`<name>`: an item of a named list), and why. */
const notMetrics: { path: string; why: string }[] = [];
export const RESULT_NOT_METRICS: readonly { readonly path: string; readonly why: string }[] = notMetrics;

function shapeOf(schema: z.ZodType, path: string): MetricShape | null {
  const { inner, role } = unwrapped(schema);
  if (role?.role === "not-metric") {
    notMetrics.push({ path, why: role.why });
    return null;
  }
  if (role?.role === "map") return role.keys;
  if (role?.role === "metric") return "number";
  // Every number of the result says what it is: a metric, or not one and why.
  if (inner instanceof z.ZodNumber) throw new Error(`result schema: the number at '${path}' has no role (metric or not-metric)`);
  if (inner instanceof z.ZodObject) {
    const fields: Record<string, MetricShape> = {};
    for (const [field, child] of Object.entries(inner.shape)) {
      const shape = shapeOf(child as z.ZodType, path === "" ? field : `${path}.${field}`);
      if (shape !== null) fields[field] = shape;
    }
    return Object.keys(fields).length > 0 ? fields : null;
  }
  const item = namedItem(inner);
  if (item !== null) {
    const shape = shapeOf(item, `${path}.<name>`);
    const names = path === "hosts" || path === "groups" ? path : path.endsWith(".products") ? "products" : null;
    if (names === null) throw new Error(`result schema: a named list at '${path}' whose names no scenario gives`);
    return shape === null || typeof shape === "string" || shape instanceof NamedList ? null : new NamedList(shape, names);
  }
  return null;
}

/** Where the numbers of a result are, for the core's threshold code. */
export const RESULT_METRICS: MetricObject = shapeOf(resultSchema, "") as MetricObject;

/** Every metric path a result of a scenario with these hosts, client groups and products has (thresholds accept each). */
export function knownMetricPaths(hostNames: readonly string[], groupNames: readonly string[] = [], productNames?: readonly string[]): string[] {
  return knownPathsOf(RESULT_METRICS, hostNames, groupNames, productNames);
}

/** Null when `metric` names a number a result will have; otherwise a plain message. */
export function validateMetricPath(
  metric: string,
  hostNames: readonly string[],
  groupNames: readonly string[] = [],
  productNames?: readonly string[],
): string | null {
  return validatePathOf(RESULT_METRICS, metric, hostNames, groupNames, productNames);
}

export interface MetricLeaf {
  /** The dotted path thresholds and compare use: `hosts.kms1.late`. */
  path: string;
  value: number;
  unit: MetricUnit;
  /** Absent: neither way is better (a host's share of requests). */
  better?: Better;
}

function leavesOf(schema: z.ZodType, value: unknown, path: string, out: MetricLeaf[]): void {
  const { inner, role } = unwrapped(schema);
  if (role?.role === "not-metric" || value === undefined || value === null) return;
  const push = (leafPath: string, leafValue: unknown, leafRole: FieldRole | undefined): void => {
    if (typeof leafValue !== "number" || leafRole?.role !== "metric") return;
    out.push({ path: leafPath, value: leafValue, unit: leafRole.unit, ...(leafRole.better === undefined ? {} : { better: leafRole.better }) });
  };
  if (role?.role === "metric") return push(path, value, role);
  if (role?.role === "map" && inner instanceof z.ZodRecord && typeof value === "object") {
    const valueRole = unwrapped(inner.valueType as z.ZodType).role;
    for (const [key, v] of Object.entries(value)) push(`${path}.${key}`, v, valueRole);
    return;
  }
  if (inner instanceof z.ZodObject && typeof value === "object") {
    for (const [field, child] of Object.entries(inner.shape)) {
      leavesOf(child as z.ZodType, (value as Record<string, unknown>)[field], path === "" ? field : `${path}.${field}`, out);
    }
    return;
  }
  const item = namedItem(inner);
  if (item !== null && Array.isArray(value)) {
    for (const element of value) {
      const name = (element as { name?: unknown } | null)?.name;
      if (typeof name === "string") leavesOf(item, element, `${path}.${name}`, out);
    }
  }
}

/** Every numeric metric of a result, in schema order: what thresholds and compare can read. */
export function metricLeaves(result: unknown): MetricLeaf[] {
  const out: MetricLeaf[] = [];
  leavesOf(resultSchema, result, "", out);
  return out;
}
