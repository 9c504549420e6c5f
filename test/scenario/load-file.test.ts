import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatScenarioErrors, loadScenarioFile, loadScenarioFileSync } from "../../src/scenario/index.js";
import { designExample, minimal } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "kmssim-scenario-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("loadScenarioFile", () => {
  it("loads a file and names the scenario after it", async () => {
    const path = join(dir, "branch-office.yaml");
    writeFileSync(path, minimal());
    const result = await loadScenarioFile(path);
    expect(result.ok && result.scenario.name).toBe("branch-office");
  });

  it("loads the design example from disk, byte order mark and all", async () => {
    const path = join(dir, "with-bom.yaml");
    writeFileSync(path, `\uFEFF${designExample()}`);
    const result = await loadScenarioFile(path);
    expect(result.ok && result.scenario.name).toBe("multi-host");
  });

  it("turns a missing file into one plain error, not an exception", async () => {
    const result = await loadScenarioFile("x.yaml");
    expect(result).toEqual({
      ok: false,
      errors: [{ path: "", line: 0, column: 0, message: "cannot read scenario file 'x.yaml': no such file" }],
    });
    if (!result.ok) {
      expect(formatScenarioErrors("x.yaml", result.errors)).toBe("x.yaml  cannot read scenario file 'x.yaml': no such file");
    }
  });

  it("says so when the path is a directory", async () => {
    const result = await loadScenarioFile(dir);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0].message).toBe(`cannot read scenario file '${dir}': it is a directory`);
  });

  it("reports the file's errors with the file's lines", async () => {
    const path = join(dir, "bad.yaml");
    writeFileSync(path, minimal("seed: many"));
    const result = await loadScenarioFile(path);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(formatScenarioErrors(path, result.errors)).toBe(`${path}:3:7  seed: expected a non-negative integer ≤ 2^53-1, got "many"`);
    }
  });
});

describe("loadScenarioFileSync", () => {
  it("behaves like the async loader", async () => {
    const path = join(dir, "sync.yaml");
    writeFileSync(path, minimal("seed: 9"));
    expect(loadScenarioFileSync(path)).toEqual(await loadScenarioFile(path));
    expect(loadScenarioFileSync(join(dir, "missing.yaml"))).toMatchObject({
      ok: false,
      errors: [{ message: expect.stringMatching(/: no such file$/) }],
    });
  });
});
