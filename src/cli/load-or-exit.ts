import { loadScenarioFile, formatScenarioErrors } from "../scenario/index.js";
import type { Scenario } from "../scenario/model.js";
import { validateMetricPath } from "../results/result-metrics.js";
import { KmssimError } from "../core/kmssim-error.js";

/** Loads and validates a scenario file, or throws a KmssimError listing every problem. */
export async function loadScenarioOrThrow(path: string): Promise<Scenario> {
  return (await loadScenarioWithWarnings(path)).scenario;
}

/** Like loadScenarioOrThrow, with the scenario's warnings as lines for stderr (`kmssim: warning: file:line:col  path: …`). */
export async function loadScenarioWithWarnings(path: string): Promise<{ scenario: Scenario; warnings: string[] }> {
  const loaded = await loadScenarioFile(path, { validateMetric: validateMetricPath });
  if (!loaded.ok) {
    const count = loaded.errors.length;
    const heading = `scenario '${path}' has ${count} problem${count === 1 ? "" : "s"}:`;
    const lines = formatScenarioErrors(path, loaded.errors)
      .split("\n")
      .map((line) => `  ${line}`);
    throw new KmssimError([heading, ...lines].join("\n"), "KMSSIM_BAD_SCENARIO");
  }
  const warnings = formatScenarioErrors(path, loaded.warnings)
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => `kmssim: warning: ${line}`);
  return { scenario: loaded.scenario, warnings };
}
