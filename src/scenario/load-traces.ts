// The trace files a scenario's client groups name (`clients[].trace`), read after the rest
// of the scenario is valid: each must lie inside the scenario's folder (a relative path
// without '..', not a symlink, no linked folder leading out), as a scenario may come from
// someone else and must not make kmssim read files elsewhere. Messages name the trace line
// and never quote it.

import { dirname, isAbsolute, normalize, sep } from "node:path";
import { readInsideFolderSync } from "../files/read-inside-folder.js";
import { READ_LIMITS } from "../files/read-user-file.js";
import { readFailureReason } from "../files/read-failure.js";
import type { ScenarioError } from "./errors.js";
import type { Scenario } from "./model.js";
import type { PositionFinder } from "./positions.js";
import { parseTrace, type TraceParse } from "./trace.js";

/** Reads the trace file `file` names (relative to the scenario's folder); throws an fs error. */
export type TraceReader = (file: string) => string;

/** A reader for the traces of the scenario at `scenarioPath`. */
export function traceReaderFor(scenarioPath: string): TraceReader {
  return (file) => readInsideFolderSync(dirname(scenarioPath), file, READ_LIMITS.trace);
}

/** Fills each traced group's offsets; the errors, at the group's `trace` key, when a trace cannot be used. */
export function loadTraces(scenario: Scenario, read: TraceReader | undefined, finder: PositionFinder): ScenarioError[] {
  const errors: ScenarioError[] = [];
  const parsed = new Map<string, TraceParse>();
  scenario.clients.forEach((group, index) => {
    const trace = group.trace;
    if (trace === null) return;
    const path = ["clients", index, "trace"];
    const fail = (message: string): void => void errors.push({ path: `clients[${index}].trace`, ...finder.value(path), message });
    const outside = insideProblem(trace.file);
    if (outside !== null) return fail(outside);
    if (read === undefined) return fail("a trace is read relative to a scenario file: load the scenario from its file");
    let result = parsed.get(trace.file);
    if (result === undefined) {
      try {
        result = parseTrace(read(trace.file));
      } catch (error) {
        return fail(`cannot read trace file '${trace.file}': ${readProblem(error)}`);
      }
      parsed.set(trace.file, result);
    }
    if (!result.ok) return fail(`trace file '${trace.file}' line ${result.line}: ${result.reason}`);
    const offsets = result.offsetsMsByGroup.get(group.name);
    if (offsets === undefined || offsets.length === 0) return fail(`trace file '${trace.file}' has no rows for group '${group.name}'`);
    trace.offsetsMs = offsets;
  });
  return errors;
}

function insideProblem(file: string): string | null {
  if (isAbsolute(file) || /^[A-Za-z]:[\\/]/.test(file)) return "a trace path is relative to the scenario's folder, not absolute";
  if (normalize(file).split(sep).includes("..") || file.split(/[\\/]/).includes("..")) return "a trace path stays inside the scenario's folder (no '..')";
  return null;
}

function readProblem(error: unknown): string {
  // Opened with O_NOFOLLOW: ELOOP means the trace is a symlink.
  if ((error as { code?: unknown } | null)?.code === "ELOOP") return "it is a symlink: name the file itself";
  return readFailureReason(error);
}
