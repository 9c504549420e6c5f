// Scenarios for the capacity tests, loaded from YAML text the way a file is.

import { expect } from "vitest";
import { loadScenarioText } from "../../src/scenario/index.js";
import type { Scenario } from "../../src/scenario/model.js";

export function scenarioFrom(...lines: string[]): Scenario {
  const loaded = loadScenarioText(`${lines.join("\n")}\n`, "capacity-test.yaml");
  if (!loaded.ok) expect.fail(`test scenario is invalid: ${JSON.stringify(loaded.errors)}`);
  return loaded.scenario;
}
