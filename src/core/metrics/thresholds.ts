// Scenario thresholds (`{ metric: rpc.activation.latencyMs.p99, lt: 50 }`) checked against a
// result. A metric is a dotted path into the result JSON; `hosts.<name>.…` finds a host by
// name. Validation is given the result's shape up front, so a typo fails before a long run.

import { didYouMean } from "../did-you-mean.js";
import { ERROR_CODES } from "../errors.js";
import { PRODUCTS, type ThresholdSpec } from "../vocabulary.js";
import type { ThresholdResult } from "../vocabulary.js";

/** `eq` tolerance: results carry rounded floats. */
export const EQ_TOLERANCE = 1e-9;

/** Codes the model produces: listed as known paths and used to suggest a spelling. */
const KNOWN_CODES = ERROR_CODES.filter((info) => info.simulated).map((info) => info.hex);

const HEX_CODE = /^0x[0-9a-f]{8}$/i;
const canonicalCode = (code: string): string => "0x" + code.slice(2).toUpperCase();

// ---- The numeric part of the result's shape ---------------------------------------------

/**
 * Where the numbers of a result are, as the outer layer derives it from the result schema
 * (results/result-metrics.ts): a number; a map keyed by error code or by product; an
 * object; a list whose items are named by `name` (hosts, and each host's products).
 */
export type MetricShape = "number" | "codes" | "products" | MetricObject | NamedList;
export interface MetricObject {
  readonly [field: string]: MetricShape;
}
export class NamedList {
  /** `names`: what the items are named after: the scenario's hosts or its products. */
  constructor(
    readonly item: MetricObject,
    readonly names: "hosts" | "products" = "hosts",
  ) {}
}

interface Names {
  hosts: readonly string[];
  products: readonly string[];
}

function expand(shape: MetricShape, prefix: string, names: Names, out: string[]): void {
  if (shape === "number") out.push(prefix);
  else if (shape === "codes") for (const code of KNOWN_CODES) out.push(`${prefix}.${code}`);
  else if (shape === "products") for (const product of names.products) out.push(`${prefix}.${product}`);
  else if (shape instanceof NamedList) for (const name of names[shape.names]) expand(shape.item, `${prefix}.${name}`, names, out);
  else for (const [field, child] of Object.entries(shape)) expand(child, prefix === "" ? field : `${prefix}.${field}`, names, out);
}

/**
 * Every numeric metric a result of this shape has, for a scenario with these hosts and
 * products (default: the built-in ones). Error-code maps list the codes the model
 * produces; any code written `0x` + 8 hex digits is valid too.
 */
export function knownMetricPaths(shape: MetricObject, hostNames: readonly string[], productNames: readonly string[] = PRODUCTS): string[] {
  const out: string[] = [];
  expand(shape, "", { hosts: hostNames, products: productNames }, out);
  return out;
}

// ---- Resolving a path in a result -------------------------------------------------------

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The element of a list whose `name` is the longest dotted run of segments from `start`. */
function findByName(list: readonly unknown[], segments: readonly string[], start: number): [unknown, number] | null {
  for (let end = segments.length; end > start; end--) {
    const name = segments.slice(start, end).join(".");
    const item = list.find((el) => isRecord(el) && el.name === name);
    if (item !== undefined) return [item, end - start];
  }
  return null;
}

/**
 * The number at a dotted `metric` path in a result, or null when the path leads nowhere or
 * to something that is not a finite number. In a list (`hosts`) the next segments name an
 * element by its `name` (names may contain dots). An error code missing from an `errors`
 * map (any case: 0xc004f038 = 0xC004F038) and a known product missing from a `count` map
 * (built in, or listed by some host of the result) read as 0: nothing of that kind happened.
 */
export function resolveMetric(result: unknown, metric: string): number | null {
  const segments = metric.split(".");
  let node: unknown = result;
  let i = 0;
  while (i < segments.length) {
    if (Array.isArray(node)) {
      const found = findByName(node, segments, i);
      if (found === null) return null;
      [node, i] = [found[0], i + found[1]];
      continue;
    }
    if (!isRecord(node)) return null;
    const segment = segments[i];
    const parent = i > 0 ? segments[i - 1] : "";
    const last = i === segments.length - 1;
    if (parent === "errors" && HEX_CODE.test(segment)) {
      if (!last) return null;
      const key = Object.keys(node).find((k) => HEX_CODE.test(k) && canonicalCode(k) === canonicalCode(segment));
      node = key === undefined ? 0 : node[key];
    } else if (Object.hasOwn(node, segment)) {
      node = node[segment];
    } else if (last && parent === "count" && knownProducts(result).has(segment)) {
      node = 0;
    } else {
      return null;
    }
    i++;
  }
  return typeof node === "number" && Number.isFinite(node) ? node : null;
}

/** The built-in products and every product a host of `result` counts or lists. */
function knownProducts(result: unknown): Set<string> {
  const names = new Set<string>(PRODUCTS);
  const hosts = isRecord(result) && Array.isArray(result.hosts) ? result.hosts : [];
  for (const host of hosts) {
    if (!isRecord(host)) continue;
    if (isRecord(host.count)) for (const name of Object.keys(host.count)) names.add(name);
    if (Array.isArray(host.products)) for (const p of host.products) if (isRecord(p) && typeof p.name === "string") names.add(p.name);
  }
  return names;
}

// ---- Evaluation -------------------------------------------------------------------------

function holds(actual: number, op: ThresholdSpec["op"], value: number): boolean {
  switch (op) {
    case "lt":
      return actual < value;
    case "lte":
      return actual <= value;
    case "gt":
      return actual > value;
    case "gte":
      return actual >= value;
    case "eq":
      return Math.abs(actual - value) <= EQ_TOLERANCE;
    default:
      return false;
  }
}

/**
 * Any percentile of a latency histogram: `rpc.activation.latencyMs.p95`, `dns.latencyMs.p99.9`.
 * The result stores six; the others are read from its histogram (by the caller's `derived`).
 */
export const LATENCY_PERCENTILE_PATH = /^(rpc\.(?:activation|renewal)|dns)\.latencyMs\.p(\d{1,3}(?:\.\d+)?)$/;

/** The percentile a LATENCY_PERCENTILE_PATH names (0 < p ≤ 100), or null. */
export function latencyPercentileOf(metric: string): { prefix: string; percentile: number } | null {
  const m = LATENCY_PERCENTILE_PATH.exec(metric);
  if (m === null) return null;
  const percentile = Number(m[2]);
  return percentile > 0 && percentile <= 100 ? { prefix: m[1], percentile } : null;
}

/**
 * Each threshold with the actual value; a metric the result lacks (null) fails.
 * `derived` gives numbers the result does not store (a percentile from its histogram).
 */
export function evaluateThresholds(
  specs: readonly ThresholdSpec[],
  result: unknown,
  derived: (metric: string) => number | null = () => null,
): ThresholdResult[] {
  return specs.map(({ metric, op, value }) => {
    const actual = resolveMetric(result, metric) ?? derived(metric);
    return { metric, op, value, actual, pass: actual !== null && holds(actual, op, value) };
  });
}

// ---- Validation (before a run) ----------------------------------------------------------

const ERRORS_PATH = /^(rpc\.(?:activation|renewal)|clients)\.errors\.([^.]+)$/;

/** Distinct next segments below `prefix` among `paths`. */
function childrenOf(prefix: string, paths: readonly string[]): string[] {
  const children = new Set<string>();
  for (const path of paths) {
    if (path.startsWith(prefix + ".")) children.add(path.slice(prefix.length + 1).split(".")[0]);
  }
  return [...children];
}

function checkHostMetric(rest: string, hostNames: readonly string[], productNames: readonly string[], known: readonly string[]): string {
  const host = [...hostNames].sort((a, b) => b.length - a.length).find((name) => rest === name || rest.startsWith(name + "."));
  if (host === undefined) {
    const guess = rest.split(".")[0];
    const list = hostNames.length === 0 ? "the scenario has none" : `hosts: ${hostNames.join(", ")}`;
    return `no host named '${guess}' (${list})${didYouMean(guess, hostNames)}`;
  }
  const field = rest.slice(host.length + 1);
  const productField = /^(count|products)\.([^.]+)/.exec(field);
  if (productField !== null && !productNames.includes(productField[2])) {
    const product = productField[2];
    return `unknown product '${product}' in 'hosts.${host}.${productField[1]}' (products: ${productNames.join(", ")})${didYouMean(product, productNames)}`;
  }
  const fields = known.filter((p) => p.startsWith(`hosts.${host}.`)).map((p) => p.slice(`hosts.${host}.`.length));
  return `unknown host metric '${field}'${didYouMean(field, fields)}`;
}

/**
 * Null when `metric` names a number the result will have; otherwise a plain message,
 * with a did-you-mean suggestion when one is close.
 */
export function validateMetricPath(
  shape: MetricObject,
  metric: string,
  hostNames: readonly string[],
  productNames: readonly string[] = PRODUCTS,
): string | null {
  const known = knownMetricPaths(shape, hostNames, productNames);
  if (known.includes(metric)) return null;
  if (LATENCY_PERCENTILE_PATH.test(metric)) {
    return latencyPercentileOf(metric) === null ? `'${metric}' names no percentile: write p followed by a number above 0 and up to 100 (p95, p99.9)` : null;
  }

  const errorsPath = ERRORS_PATH.exec(metric);
  if (errorsPath !== null) {
    const code = errorsPath[2];
    if (HEX_CODE.test(code)) return null;
    return `'${code}' in '${metric}' is not an error code (write 0x and 8 hex digits, e.g. 0xC004F038)${didYouMean(code, KNOWN_CODES)}`;
  }

  const children = metric === "hosts" ? [...hostNames] : childrenOf(metric, known);
  if (children.length > 0) return `'${metric}' is a group, not a number: add one of ${children.join(", ")}`;

  if (metric.startsWith("hosts.")) return checkHostMetric(metric.slice("hosts.".length), hostNames, productNames, known);

  return `unknown metric '${metric}'${didYouMean(metric, known)}`;
}
