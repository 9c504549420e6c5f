import { join } from "node:path";
import { traceReaderFor } from "../../src/scenario/load-traces.js";
import { validateMetricPath } from "../../src/results/result-metrics.js";
import type { Result } from "../../src/results/result.js";
import { loadScenarioText } from "../../src/scenario/index.js";
import type { Scenario } from "../../src/scenario/model.js";
import { buildResult } from "../../src/results/build-result.js";
import { VirtualEngine, type EngineOptions } from "../../src/sim/virtual-engine.js";

/** `folder`: where the scenario's trace files are (a shipped scenario's folder). */
export function scenarioFrom(yaml: string, folder?: string): Scenario {
  const readTrace = folder === undefined ? undefined : traceReaderFor(join(folder, "test.yaml"));
  const loaded = loadScenarioText(yaml, "test.yaml", { validateMetric: validateMetricPath, ...(readTrace === undefined ? {} : { readTrace }) });
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => `${e.line}:${e.column} ${e.path}: ${e.message}`).join("\n"));
  return loaded.scenario;
}

/** Runs a scenario to its end with the invariant checker on (it throws on the first broken invariant). */
export function simulate(yaml: string, seed?: number, options: EngineOptions = {}): { result: Result; engine: VirtualEngine } {
  const scenario = scenarioFrom(yaml);
  if (seed !== undefined) scenario.seed = seed;
  const engine = new VirtualEngine(scenario, { check: true, ...options });
  while (!engine.step(100_000));
  return { result: buildResult(engine.totals(), 0, false), engine };
}

export function host(result: Result, name: string) {
  const h = result.hosts.find((x) => x.name === name);
  if (h === undefined) throw new Error(`no host ${name}`);
  return h;
}
