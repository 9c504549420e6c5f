// The rule of the one result schema, checked on real results: every numeric leaf of a
// result is a threshold path and a comparable metric (unless the schema says why it is
// not one), and every path thresholds accept is a number in some result.

import { expect } from "vitest";
import { compareProfiles } from "../../src/compare/compare-runs.js";
import { profileOf } from "../../src/compare/run-profile.js";
import { resolveMetric } from "../../src/core/metrics/thresholds.js";
import type { Result } from "../../src/results/result.js";
import { knownMetricPaths, RESULT_NOT_METRICS, validateMetricPath } from "../../src/results/result-metrics.js";

export interface JsonLeaf {
  /** Threshold notation: `hosts.kms1.late`; an item of a list without names is `[k]`. */
  path: string;
  /** The same with `<name>` for an item of a named list: `hosts.<name>.late`. */
  template: string;
  value: number;
}

const named = (list: unknown[]): boolean =>
  list.length > 0 && list.every((item) => typeof item === "object" && item !== null && typeof (item as { name?: unknown }).name === "string");

/** Every number in a JSON value, found by walking it (not by the schema). */
export function jsonNumbers(value: unknown, path = "", template = "", out: JsonLeaf[] = []): JsonLeaf[] {
  const join = (base: string, key: string): string => (base === "" ? key : `${base}.${key}`);
  if (typeof value === "number") out.push({ path, template, value });
  else if (Array.isArray(value)) {
    const byName = named(value);
    value.forEach((item, k) => {
      if (byName) jsonNumbers(item, join(path, (item as { name: string }).name), join(template, "<name>"), out);
      else jsonNumbers(item, `${path}[${k}]`, `${template}[]`, out);
    });
  } else if (typeof value === "object" && value !== null) {
    for (const [key, child] of Object.entries(value)) jsonNumbers(child, join(path, key), join(template, key), out);
  }
  return out;
}

const excluded = (template: string): boolean =>
  RESULT_NOT_METRICS.some(({ path }) => template === path || template.startsWith(`${path}.`) || template.startsWith(`${path}[`));

/** The numbers of a result thresholds and compare must accept: all but the parts the schema marks as no metric. */
export function metricNumbers(result: unknown): JsonLeaf[] {
  return jsonNumbers(result).filter((leaf) => !excluded(leaf.template));
}

/** Every numeric leaf is a valid threshold path that resolves to it, and compare makes a row of it. */
export function expectEveryNumberIsAMetric(result: Result): void {
  const hostNames = result.hosts.map((h) => h.name);
  const groupNames = (result.groups ?? []).map((g) => g.name);
  const leaves = metricNumbers(result);
  expect(leaves.length).toBeGreaterThan(50);
  const profile = profileOf(result);
  for (const { path, value } of leaves) {
    expect(path, "a number thresholds cannot name (an item of a list without names)").not.toContain("[");
    expect(validateMetricPath(path, hostNames, groupNames), path).toBeNull();
    expect(resolveMetric(result, path), path).toBe(value);
    const rows = compareProfiles(profile, profile, { metrics: [path] }).rows;
    expect(
      rows.map((r) => r.metric),
      path,
    ).toEqual([path]);
  }
}

/** The threshold paths of a result's hosts and client groups that are not a number in it. */
export function missingThresholdPaths(result: Result): string[] {
  return knownMetricPaths(
    result.hosts.map((h) => h.name),
    (result.groups ?? []).map((g) => g.name),
  ).filter((path) => resolveMetric(result, path) === null);
}
