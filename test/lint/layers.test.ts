// The lint rule that keeps src/'s folders pointing one way: it must fail on an import that
// points up or sideways, and every folder of src/ must have a layer.
import { readdirSync } from "node:fs";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import { LAYERS } from "../../eslint-rules/layers.js";

const root = new URL("../../", import.meta.url).pathname;
const eslint = new ESLint({ cwd: root });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${file}` });
  return result.messages.filter((m) => m.ruleId === "layers/direction").map((m) => m.message);
}

describe("layers/direction", () => {
  it("refuses an import from a higher layer: the core importing results", async () => {
    expect(await problems("src/core/x.ts", 'export { RESULT_SCHEMA } from "../results/result.js";\n')).toEqual([
      expect.stringContaining("src/core (layer 0) may not import src/results (layer 4)"),
    ]);
  });

  it("refuses a sideways import: one driver importing the other", async () => {
    expect(await problems("src/realtime/x.ts", 'import { VirtualEngine } from "../sim/virtual-engine.js";\nexport const e = VirtualEngine;\n')).toHaveLength(1);
  });

  it("accepts imports down the layers and within a folder", async () => {
    const code =
      'import { PRODUCTS } from "../core/vocabulary.js";\nimport { runCommand } from "./commands/run.js";\nexport const x = [PRODUCTS, runCommand];\n';
    expect(await problems("src/cli/x.ts", code)).toEqual([]);
  });

  it("asks for a layer for a folder that has none", async () => {
    expect(await problems("src/newthing/x.ts", 'import { PRODUCTS } from "../core/vocabulary.js";\nexport const x = PRODUCTS;\n')).toEqual([
      expect.stringContaining("src/newthing has no layer"),
    ]);
  });

  it("every folder of src/ has a layer", () => {
    const folders = readdirSync(`${root}src`, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(folders.filter((f) => !(f in LAYERS))).toEqual([]);
  });
});
