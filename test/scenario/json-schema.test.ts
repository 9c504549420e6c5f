import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { parseDuration } from "../../src/scenario/duration.js";
import { scenarioJsonSchema } from "../../src/scenario/schema.js";
import { designExample } from "./helpers.js";

type Json = Record<string, unknown>;

/**
 * A small structural JSON Schema checker (the keywords the export uses), enough to show
 * the schema accepts the valid example and rejects what the loader rejects. Returns the
 * paths that fail.
 */
function violations(schema: Json, value: unknown, path = "$"): string[] {
  const out: string[] = [];
  const fail = (why: string) => out.push(`${path}: ${why}`);
  if (Array.isArray(schema.anyOf)) {
    const ok = (schema.anyOf as Json[]).some((option) => violations(option, value, path).length === 0);
    if (!ok) fail("no anyOf option matches");
  }
  if ("const" in schema && value !== schema.const) fail(`not ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) fail("not in enum");
  const types = schema.type === undefined ? [] : ([] as unknown[]).concat(schema.type);
  if (types.length > 0 && !types.some((t) => hasType(value, t as string))) return [...out, `${path}: not ${types.join("|")}`];
  if (typeof value === "string" && typeof schema.pattern === "string" && !new RegExp(schema.pattern).test(value)) {
    fail(`does not match ${schema.pattern}`);
  }
  if (typeof value === "string" && typeof schema.minLength === "number" && value.length < schema.minLength) fail("too short");
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) fail("below minimum");
    if (typeof schema.maximum === "number" && value > schema.maximum) fail("above maximum");
    if (typeof schema.exclusiveMinimum === "number" && value <= schema.exclusiveMinimum) fail("not above exclusiveMinimum");
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === "number" && value.length < schema.minItems) fail("too few items");
    if (typeof schema.maxItems === "number" && value.length > schema.maxItems) fail("too many items");
    if (schema.items !== undefined) value.forEach((item, i) => out.push(...violations(schema.items as Json, item, `${path}[${i}]`)));
  }
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const properties = (schema.properties ?? {}) as Record<string, Json>;
    const keys = Object.keys(value);
    for (const key of (schema.required ?? []) as string[]) if (!keys.includes(key)) fail(`missing ${key}`);
    if (typeof schema.minProperties === "number" && keys.length < schema.minProperties) fail("too few keys");
    if (typeof schema.maxProperties === "number" && keys.length > schema.maxProperties) fail("too many keys");
    for (const key of keys) {
      const child = (value as Json)[key];
      if (key in properties) out.push(...violations(properties[key], child, `${path}.${key}`));
      else if (schema.additionalProperties === false) fail(`unknown key ${key}`);
    }
  }
  return out;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number";
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    case "null":
      return value === null;
    default:
      return typeof value === type;
  }
}

const schema = scenarioJsonSchema();
const properties = schema.properties as Record<string, Json>;
const itemProperties = (key: string) => ((properties[key].items as Json).properties ?? {}) as Record<string, Json>;

describe("scenarioJsonSchema", () => {
  it("is a closed object schema with hosts and clients required", () => {
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.type).toBe("object");
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(["hosts", "clients"]);
    expect(properties.hosts).toMatchObject({ type: "array", minItems: 1, maxItems: 32 });
    expect(Object.keys(properties)).toEqual([
      "name",
      "seed",
      "mode",
      "duration",
      "timeScale",
      "sampleInterval",
      "products",
      "dns",
      "hosts",
      "clients",
      "network",
      "realtime",
      "events",
      "thresholds",
    ]);
  });

  it("is plain JSON", () => {
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });

  it("describes every key of hosts and clients for editors", () => {
    for (const section of ["hosts", "clients"]) {
      for (const [key, property] of Object.entries(itemProperties(section))) {
        expect(typeof property.description, `${section}.${key}`).toBe("string");
      }
    }
    expect(itemProperties("hosts").weight.description).toMatch(/weight/i);
    expect(itemProperties("hosts").weight.default).toBe(100);
  });

  it("describes durations as text with a pattern and the default as written", () => {
    const serviceTime = itemProperties("hosts").serviceTime;
    expect(serviceTime.default).toBe("2ms");
    const asText = (serviceTime.anyOf as Json[])[0];
    expect(asText.type).toBe("string");
    const pattern = new RegExp(asText.pattern as string);
    for (const text of ["2ms", "0.5ms", "1h30m", "7d"]) expect(pattern.test(text), text).toBe(true);
    for (const text of ["5", "-2ms", "2 ms", "fast", "30m1h"]) expect(pattern.test(text), text).toBe(false);
    expect(properties.duration).toMatchObject({ type: "string", default: "30d" });
  });

  it("accepts the valid design example", () => {
    const example = parse(designExample()) as unknown;
    expect(violations(schema, example)).toEqual([]);
  });

  it("rejects what the loader rejects (so the check above is not vacuous)", () => {
    const example = parse(designExample()) as Json;
    const mutate = (change: (copy: Json) => void) => {
      const copy = structuredClone(example);
      change(copy);
      return violations(schema, copy);
    };
    const host = (copy: Json) => (copy.hosts as Json[])[0];
    expect(mutate((c) => (host(c).wieght = 3))).toEqual(["$.hosts[0]: unknown key wieght"]);
    expect(mutate((c) => (host(c).weight = "heavy"))).toEqual(["$.hosts[0].weight: not integer"]);
    expect(mutate((c) => (c.duration = "200"))).toHaveLength(1);
    expect(mutate((c) => (c.duration = 5))).toHaveLength(1);
    expect(mutate((c) => delete c.hosts)).toEqual(["$: missing hosts"]);
    expect(mutate((c) => ((c.thresholds as Json[])[0].gt = 1))).toEqual(["$.thresholds[0]: too many keys"]);
    expect(mutate((c) => ((c.events as Json[])[0].action = "explode"))).toEqual(["$.events[0]: no anyOf option matches"]);
  });

  it("uses duration patterns that agree with the parser", () => {
    const clockSkew = itemProperties("clients").clockSkew;
    const signed = new RegExp((clockSkew.anyOf as Json[])[0].pattern as string);
    for (const text of ["-5h", "0", "1d2h", "0.5ms", "5", "5x", "1h1h"]) {
      expect(signed.test(text), text).toBe(parseDuration(text).ok);
    }
  });
});
