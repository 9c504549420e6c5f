import { readFileSync } from "node:fs";
import { expect } from "vitest";
import type { ScenarioError } from "../../src/scenario/errors.js";
import { loadScenarioText, type LoadOptions } from "../../src/scenario/load.js";
import type { Scenario } from "../../src/scenario/model.js";

export const DESIGN_EXAMPLE_PATH = new URL("./fixtures/design-example.yaml", import.meta.url);
export const designExample = (): string => readFileSync(DESIGN_EXAMPLE_PATH, "utf8");

/** Lines joined with "\n": keeps YAML in tests readable without template indentation. */
export const yaml = (...lines: string[]): string => `${lines.join("\n")}\n`;

export function loadOk(text: string, fileName = "test.yaml", options?: LoadOptions): Scenario {
  const result = loadScenarioText(text, fileName, options);
  if (!result.ok) expect.fail(`expected the scenario to load, got:\n${JSON.stringify(result.errors, null, 2)}`);
  return result.scenario;
}

export function loadErrors(text: string, fileName = "test.yaml", options?: LoadOptions): ScenarioError[] {
  const result = loadScenarioText(text, fileName, options);
  if (result.ok) expect.fail("expected errors, the scenario loaded");
  return result.errors;
}

/** The one error at `path`; fails when there is none or several. */
export function errorAt(errors: ScenarioError[], path: string): ScenarioError {
  const matching = errors.filter((error) => error.path === path);
  if (matching.length !== 1) {
    expect.fail(`expected one error at '${path}', got ${matching.length}:\n${JSON.stringify(errors, null, 2)}`);
  }
  return matching[0];
}

/** A minimal valid scenario with extra top-level lines. */
export const minimal = (...extra: string[]): string => yaml("hosts: [{name: a}]", "clients: [{name: c, count: 10}]", ...extra);
