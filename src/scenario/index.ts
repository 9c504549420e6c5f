// Scenario loading: YAML file → validated, normalised Scenario (see model.ts).

export { loadScenarioFile, loadScenarioFileSync, loadScenarioText } from "./load.js";
export type { LoadOptions, LoadResult } from "./load.js";
export { formatScenarioError, formatScenarioErrors } from "./errors.js";
export type { ScenarioError } from "./errors.js";
export { scenarioJsonSchema } from "./schema.js";
export { DurationError, formatDuration, parseDuration, parseDurationMs } from "./duration.js";
export type { DurationResult } from "./duration.js";
export { parseKmsHost } from "./kms-host.js";
export type { KmsHostRef } from "./kms-host.js";
export { DEFAULTS, MAX_HOSTS, MAX_TIMELINE_SAMPLES } from "./defaults.js";
export type * from "./model.js";
export { PRODUCTS } from "./model.js";
