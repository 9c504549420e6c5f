// A small reader of Prometheus text exposition (version 0.0.4) for the live-metrics tests:
// samples with their labels, TYPE lines, and the checks every histogram must pass.

import { expect } from "vitest";

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromText {
  samples: PromSample[];
  types: Map<string, string>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parsePromText(text: string): PromText {
  const samples: PromSample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("# HELP ")) continue;
    if (line.startsWith("# TYPE ")) {
      const [name, type] = line.slice(7).split(" ");
      types.set(name, type);
      continue;
    }
    const m = SAMPLE.exec(line);
    if (m === null) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(LABEL)) labels[l[1]] = l[2];
    const value = m[3] === "+Inf" ? Infinity : m[3] === "-Inf" ? -Infinity : Number(m[3]);
    if (Number.isNaN(value)) throw new Error(`not a number: ${line}`);
    samples.push({ name: m[1], labels, value });
  }
  return { samples, types };
}

/** Samples of one name whose labels include `where`. */
export function select(text: PromText, name: string, where: Record<string, string> = {}): PromSample[] {
  return text.samples.filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v));
}

export function total(text: PromText, name: string, where: Record<string, string> = {}): number {
  return select(text, name, where).reduce((a, s) => a + s.value, 0);
}

/**
 * Every series of histogram `name` (by its labels other than le): buckets in increasing le,
 * counts never decreasing, ending with le="+Inf" equal to _count; _sum present.
 * Returns the _count per series key.
 */
export function expectWellFormedHistogram(text: PromText, name: string): Map<string, number> {
  expect(text.types.get(name)).toBe("histogram");
  const counts = new Map<string, number>();
  const keyOf = (labels: Record<string, string>): string =>
    JSON.stringify(
      Object.entries(labels)
        .filter(([k]) => k !== "le")
        .sort(([a], [b]) => a.localeCompare(b)),
    );
  const series = new Map<string, PromSample[]>();
  for (const s of select(text, `${name}_bucket`)) series.set(keyOf(s.labels), [...(series.get(keyOf(s.labels)) ?? []), s]);
  expect(series.size).toBeGreaterThan(0);
  for (const [key, buckets] of series) {
    const les = buckets.map((b) => (b.labels.le === "+Inf" ? Infinity : Number(b.labels.le)));
    expect(
      les.every((le, k) => k === 0 || le > les[k - 1]),
      `le increasing in ${key}`,
    ).toBe(true);
    expect(les[les.length - 1]).toBe(Infinity);
    expect(
      buckets.every((b, k) => k === 0 || b.value >= buckets[k - 1].value),
      `cumulative buckets in ${key}`,
    ).toBe(true);
    const count = text.samples.find((s) => s.name === `${name}_count` && keyOf(s.labels) === key);
    const sum = text.samples.find((s) => s.name === `${name}_sum` && keyOf(s.labels) === key);
    expect(count, `_count of ${key}`).toBeDefined();
    expect(sum, `_sum of ${key}`).toBeDefined();
    expect(buckets[buckets.length - 1].value).toBe(count!.value);
    counts.set(key, count!.value);
  }
  return counts;
}
