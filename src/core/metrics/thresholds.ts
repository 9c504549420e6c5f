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
// Stryker disable next-line StringLiteral,MethodExpression: used only to compare two codes, so any spelling applied to both sides compares alike
const canonicalCode = (code: string): string => "0x" + code.slice(2).toUpperCase();

// ---- The numeric part of the result's shape ---------------------------------------------

/**
 * Where the numbers of a result are, as the outer layer derives it from the result schema
 * (results/result-metrics.ts): a number; a map keyed by error code or by product; an
 * object; a list whose items are named by `name` (hosts, client groups).
 */
export type MetricShape = "number" | "codes" | "products" | MetricObject | NamedList;
export interface MetricObject {
  readonly [field: string]: MetricShape;
}
/** A list of named items; `names`: which of the scenario's names it holds (its hosts' or its client groups'). */
export class NamedList {
  constructor(
    readonly item: MetricObject,
    readonly names: "hosts" | "groups" | "products" = "hosts",
  ) {}
}

/** The names a scenario gives the items of its named lists. */
interface ListNames {
  hosts: readonly string[];
  groups: readonly string[];
  products: readonly string[];
}

function expand(shape: MetricShape, prefix: string, names: ListNames, out: string[]): void {
  if (shape === "number") out.push(prefix);
  else if (shape === "codes") for (const code of KNOWN_CODES) out.push(`${prefix}.${code}`);
  else if (shape === "products") for (const product of names.products) out.push(`${prefix}.${product}`);
  else if (shape instanceof NamedList) for (const name of names[shape.names]) expand(shape.item, `${prefix}.${name}`, names, out);
  else for (const [field, child] of Object.entries(shape)) expand(child, prefix === "" ? field : `${prefix}.${field}`, names, out);
}

/**
 * Every numeric metric a result of this shape has, for a scenario with these hosts and
 * client groups. Error-code maps list the codes the model produces; any code written `0x`
 * + 8 hex digits is valid too.
 */
export function knownMetricPaths(
  shape: MetricObject,
  hostNames: readonly string[],
  groupNames: readonly string[] = [],
  productNames: readonly string[] = PRODUCTS,
): string[] {
  const out: string[] = [];
  expand(shape, "", { hosts: hostNames, groups: groupNames, products: productNames }, out);
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
 * to something that is not a finite number. In a list (`hosts`, `groups`) the next segments
 * name an element by its `name`; names may contain dots, and the longest name that fits
 * wins (groups `a` and `a.b`: `groups.a.b.clients` is group `a.b`'s). An error code missing
 * from an `errors` map (any case: 0xc004f038 = 0xC004F038) and a product missing from a
 * `count` map read as 0: nothing of that kind happened.
 */
export function resolveMetric(result: unknown, metric: string): number | null {
  const node = resolvePath(result, metric);
  return typeof node === "number" && Number.isFinite(node) ? node : null;
}

/** What a dotted path leads to in a result (any value, walked as resolveMetric walks it), or undefined. */
export function resolvePath(result: unknown, metric: string): unknown {
  const segments = metric.split(".");
  let node: unknown = result;
  let i = 0;
  while (i < segments.length) {
    if (Array.isArray(node)) {
      const found = findByName(node, segments, i);
      if (found === null) return undefined;
      [node, i] = [found[0], i + found[1]];
      continue;
    }
    if (!isRecord(node)) return undefined;
    const segment = segments[i];
    // Stryker disable next-line StringLiteral: the first segment has no parent; it is only compared with "errors" and "count"
    const parent = i > 0 ? segments[i - 1] : "";
    const last = i === segments.length - 1;
    if (parent === "errors" && HEX_CODE.test(segment)) {
      if (!last) return undefined;
      const key = Object.keys(node).find((k) => HEX_CODE.test(k) && canonicalCode(k) === canonicalCode(segment));
      node = key === undefined ? 0 : node[key];
    } else if (Object.hasOwn(node, segment)) {
      node = node[segment];
    } else if (last && parent === "count" && knownProducts(result).has(segment)) {
      node = 0;
    } else {
      return undefined;
    }
    i++;
  }
  return node;
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
 * Any percentile of a latency histogram: `rpc.activation.latencyMs.p95`, `dns.latencyMs.p99.9`,
 * a client group's `groups.desktops.rpc.renewal.latencyMs.p95`. The result stores six; the
 * others are read from the histogram beside them (by the caller's `derived`).
 */
export const LATENCY_PERCENTILE_PATH = /^((?:groups\..+\.)?(?:rpc\.(?:activation|renewal)|dns))\.latencyMs\.p(\d{1,3}(?:\.\d+)?)$/;

/** The percentile a LATENCY_PERCENTILE_PATH names (0 < p ≤ 100), and the path of the object holding its histogram; or null. */
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

const ERRORS_PATH = /^((?:groups\..+\.)?rpc\.(?:activation|renewal)|clients)\.errors\.([^.]+)$/;

/** Distinct next segments below `prefix` among `paths`. */
function childrenOf(prefix: string, paths: readonly string[]): string[] {
  const children = new Set<string>();
  for (const path of paths) {
    if (path.startsWith(prefix + ".")) children.add(path.slice(prefix.length + 1).split(".")[0]);
  }
  return [...children];
}

/** How messages name a named list's items. */
/** The built-in products and every product a host of `result` counts or lists. */
function knownProducts(result: unknown): Set<string> {
  const names = new Set<string>(PRODUCTS);
  // Stryker disable next-line ArrayDeclaration: the fallback is only iterated, and entries that are not records are skipped
  const hosts = isRecord(result) && Array.isArray(result.hosts) ? result.hosts : [];
  for (const host of hosts) {
    if (!isRecord(host)) continue;
    if (isRecord(host.count)) for (const name of Object.keys(host.count)) names.add(name);
    if (Array.isArray(host.products)) for (const p of host.products) if (isRecord(p) && typeof p.name === "string") names.add(p.name);
  }
  return names;
}

const LIST_WORDS = { hosts: "host", groups: "client group" } as const;

/** What is wrong with a path into a named list (`hosts.…`, `groups.…`): the name, or the field after it. */
function checkNamedMetric(
  list: "hosts" | "groups",
  rest: string,
  names: readonly string[],
  known: readonly string[],
  productNames: readonly string[] = PRODUCTS,
): string {
  const noun = LIST_WORDS[list];
  // The longest name that fits, as resolveMetric reads it (names may contain dots).
  const name = [...names].sort((a, b) => b.length - a.length).find((n) => rest === n || rest.startsWith(n + "."));
  if (name === undefined) {
    // A name may span several segments: the shortest run of them that looks like a typo of one.
    const segments = rest.split(".");
    let guess = segments[0];
    let hint = didYouMean(guess, names);
    for (let k = 2; hint === "" && k < segments.length; k++) {
      const longer = segments.slice(0, k).join(".");
      hint = didYouMean(longer, names);
      if (hint !== "") guess = longer;
    }
    const listed = names.length === 0 ? "the scenario has none" : `${list}: ${names.join(", ")}`;
    return `no ${noun} named '${guess}' (${listed})${hint}`;
  }
  const field = rest.slice(name.length + 1);
  const productField = list === "hosts" ? /^(count|products)\.([^.]+)/.exec(field) : null;
  if (productField !== null && !productNames.includes(productField[2])) {
    const product = productField[2];
    return `unknown product '${product}' in 'hosts.${name}.${productField[1]}' (products: ${productNames.join(", ")})${didYouMean(product, productNames)}`;
  }
  const fields = known.filter((p) => p.startsWith(`${list}.${name}.`)).map((p) => p.slice(`${list}.${name}.`.length));
  return `unknown ${noun} metric '${field}'${didYouMean(field, fields)}`;
}

/**
 * Null when `metric` names a number the result will have; otherwise a plain message,
 * with a did-you-mean suggestion when one is close.
 */
export function validateMetricPath(
  shape: MetricObject,
  metric: string,
  hostNames: readonly string[],
  groupNames: readonly string[] = [],
  productNames: readonly string[] = PRODUCTS,
): string | null {
  const known = knownMetricPaths(shape, hostNames, groupNames, productNames);
  if (known.includes(metric)) return null;
  const percentilePath = LATENCY_PERCENTILE_PATH.exec(metric);
  // The histogram's holder must exist (a group of this scenario); else the name is what is wrong.
  if (percentilePath !== null && known.includes(`${percentilePath[1]}.latencyMs.p50`)) {
    return latencyPercentileOf(metric) === null ? `'${metric}' names no percentile: write p followed by a number above 0 and up to 100 (p95, p99.9)` : null;
  }

  const errorsPath = ERRORS_PATH.exec(metric);
  if (errorsPath !== null && known.includes(`${errorsPath[1]}.errors.${KNOWN_CODES[0]}`)) {
    const code = errorsPath[2];
    if (HEX_CODE.test(code)) return null;
    return `'${code}' in '${metric}' is not an error code (write 0x and 8 hex digits, e.g. 0xC004F038)${didYouMean(code, KNOWN_CODES)}`;
  }

  const children = metric === "hosts" ? [...hostNames] : metric === "groups" ? [...groupNames] : childrenOf(metric, known);
  if (children.length > 0) return `'${metric}' is a group, not a number: add one of ${children.join(", ")}`;

  if (metric.startsWith("hosts.")) return checkNamedMetric("hosts", metric.slice("hosts.".length), hostNames, known, productNames);
  if (metric.startsWith("groups.")) return checkNamedMetric("groups", metric.slice("groups.".length), groupNames, known);

  return `unknown metric '${metric}'${didYouMean(metric, known)}`;
}
