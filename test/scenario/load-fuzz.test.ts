import fc from "fast-check";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { formatDuration } from "../../src/scenario/duration.js";
import { loadScenarioText, type LoadResult } from "../../src/scenario/load.js";
import { designExample } from "./helpers.js";

/** What must hold for any input: no exception, and every error placed inside the text. */
function checkResult(text: string, result: LoadResult): void {
  if (result.ok) {
    const events = result.scenario.events.map((e) => e.atMs);
    expect(events).toEqual([...events].sort((a, b) => a - b));
    expect(Number.isFinite(result.scenario.durationMs)).toBe(true);
    return;
  }
  expect(result.errors.length).toBeGreaterThan(0);
  const lines = text.split(/\r\n|\r|\n/).length;
  for (const error of result.errors) {
    expect(error.line).toBeGreaterThanOrEqual(1);
    expect(error.line).toBeLessThanOrEqual(lines);
    expect(error.column).toBeGreaterThanOrEqual(1);
    expect(error.message.length).toBeGreaterThan(0);
  }
}

const load = (text: string) => {
  const result = loadScenarioText(text, "fuzz.yaml");
  checkResult(text, result);
  return result;
};

// Characters that matter to YAML's grammar, so random text reaches deep into the parser.
const yamlChar = fc.constantFrom(..."abcdhmsx019 -:,.{}[]#&*!|>'\"%@`?\n\t<".split(""), "hosts", "clients", "name", "count", "<<", "\r\n", "\uFEFF");

type Mutation = { at: number; remove: number; insert: string };
const mutation = fc.record({
  at: fc.nat(),
  remove: fc.nat({ max: 6 }),
  insert: fc.array(yamlChar, { maxLength: 4 }).map((chars) => chars.join("")),
});

function mutate(text: string, mutations: Mutation[]): string {
  let out = text;
  for (const { at, remove, insert } of mutations) {
    const i = at % (out.length + 1);
    out = out.slice(0, i) + insert + out.slice(i + remove);
  }
  return out;
}

describe("loadScenarioText never throws", () => {
  it("on random text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => void load(text)),
      { numRuns: 500 },
    );
  });

  it("on random YAML-ish text", () => {
    fc.assert(
      fc.property(
        fc.array(yamlChar, { maxLength: 120 }).map((chars) => chars.join("")),
        (text) => void load(text),
      ),
      { numRuns: 1000 },
    );
  });

  it("on mutations of the valid design example", () => {
    const base = designExample();
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 5 }), (mutations) => void load(mutate(base, mutations))),
      { numRuns: 1000 },
    );
  });

  it("on any JSON-like value written as YAML", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => void load(stringify(value))),
      { numRuns: 300 },
    );
  });

  it("on scenario-shaped documents with random values", () => {
    const anyValue = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom("2h", "-5h", "0", "5", "kms1", "kms1:1688", "slow", "win7", "windows-client", "corp.example"),
    );
    const keys = ["name", "count", "weight", "at", "host", "action", "dns", "serviceTime", "metric", "lt", "kmsHost", "wieght"];
    const item = fc.dictionary(fc.constantFrom(...keys), anyValue, { maxKeys: 5 });
    const doc = fc.record(
      {
        duration: anyValue,
        hosts: fc.array(item, { maxLength: 3 }),
        clients: fc.array(item, { maxLength: 3 }),
        events: fc.array(item, { maxLength: 3 }),
        thresholds: fc.array(item, { maxLength: 2 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(doc, (value) => void load(stringify(value))),
      { numRuns: 500 },
    );
  });
});

describe("valid scenarios built at random", () => {
  it("load, keep every host's settings and sort events", () => {
    const host = fc.record({
      weight: fc.integer({ min: 0, max: 65535 }),
      priority: fc.integer({ min: 0, max: 65535 }),
      serviceTimeMs: fc.integer({ min: 0, max: 10_000 }),
    });
    const scenario = fc.record({
      hosts: fc.array(host, { minLength: 1, maxLength: 32 }),
      counts: fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 5 }),
      eventTimesMs: fc.array(fc.integer({ min: 0, max: 30 * 86_400_000 }), { maxLength: 10 }),
    });
    fc.assert(
      fc.property(scenario, ({ hosts, counts, eventTimesMs }) => {
        const text = stringify({
          hosts: hosts.map((h, i) => ({
            name: `kms${i}`,
            weight: h.weight,
            priority: h.priority,
            serviceTime: formatDuration(h.serviceTimeMs),
          })),
          clients: counts.map((count, i) => ({ name: `group${i}`, count })),
          events: eventTimesMs.map((atMs, i) => ({ at: formatDuration(atMs), host: `kms${i % hosts.length}`, action: "crash" })),
        });
        const result = load(text);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(result.scenario.hosts.map((h) => [h.weight, h.priority, h.serviceTimeMs])).toEqual(hosts.map((h) => [h.weight, h.priority, h.serviceTimeMs]));
        expect(result.scenario.clients.map((c) => c.count)).toEqual(counts);
        expect(result.scenario.events.map((e) => e.atMs)).toEqual([...eventTimesMs].sort((a, b) => a - b));
      }),
      { numRuns: 200 },
    );
  });
});
