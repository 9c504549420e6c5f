import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { scenarioJsonSchema } from "../../src/scenario/index.js";

describe("schema/scenario.schema.json", () => {
  it("is the current schema (regenerate with: node bin/kmssim.js schema --out schema/scenario.schema.json)", () => {
    const committed = JSON.parse(readFileSync(new URL("../../schema/scenario.schema.json", import.meta.url), "utf8"));
    expect(committed).toEqual(scenarioJsonSchema());
  });
});
