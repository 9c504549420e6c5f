import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { resultJsonSchema } from "../../src/results/result-schema.js";

describe("schema/result.schema.json", () => {
  it("is the current schema (regenerate with: node bin/kmssim.js schema --result --out schema/result.schema.json)", () => {
    const committed = JSON.parse(readFileSync(new URL("../../schema/result.schema.json", import.meta.url), "utf8"));
    expect(committed).toEqual(resultJsonSchema());
  });
});
