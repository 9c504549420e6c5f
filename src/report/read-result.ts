// Reads a result JSON file for `kmssim report`: a missing file, bad JSON or something that
// is not a kmssim result is a KmssimError (exit 2) naming the file and what is wrong.
// readReportFile also accepts a capacity plan (kmssim/plan@1) and says which it read.

import { readFailureReason } from "../output/read-failure.js";
import { jsonSyntaxProblem } from "../output/json-problem.js";
import { READ_LIMITS, readUserFile } from "../output/read-user-file.js";
import { RESULT_SCHEMA, type Result } from "../output/result.js";
import { KmssimError } from "../core/kmssim-error.js";
import { PLAN_SCHEMA, type PlanReport } from "../capacity/plan-report.js";
import { planProblem } from "./plan/plan-problem.js";

/** The first thing that keeps `value` from being a result the report can draw, or null. */
export function resultProblem(value: unknown): string | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "it is not a JSON object";
  const r = value as Record<string, unknown>;
  if (r.schema !== RESULT_SCHEMA) return `its "schema" is ${JSON.stringify(r.schema) ?? "missing"}, expected "${RESULT_SCHEMA}"`;
  const isObject = (v: unknown): boolean => typeof v === "object" && v !== null && !Array.isArray(v);
  const checks: [boolean, string][] = [
    [typeof r.scenario === "string", '"scenario" should be a string'],
    [isObject(r.clients), '"clients" should be an object'],
    [isObject(r.rpc) && isObject((r.rpc as Record<string, unknown>).activation) && isObject((r.rpc as Record<string, unknown>).renewal), '"rpc.activation" and "rpc.renewal" should be objects'],
    [isObject(r.dns), '"dns" should be an object'],
    [isObject(r.spread), '"spread" should be an object'],
    [Array.isArray(r.hosts) && r.hosts.every((h) => isObject(h) && typeof (h as Record<string, unknown>).name === "string"), '"hosts" should be a list of hosts with names'],
    [Array.isArray(r.timeline) && r.timeline.every((s) => isObject(s) && typeof (s as Record<string, unknown>).t === "number"), '"timeline" should be a list of samples'],
    [Array.isArray(r.thresholds) && r.thresholds.every(isObject), '"thresholds" should be a list'],
    [r.events === undefined || Array.isArray(r.events), '"events" should be a list'],
  ];
  return checks.find(([ok]) => !ok)?.[1] ?? null;
}

export async function readResultFile(path: string): Promise<Result> {
  return checkedResult(path, await readJsonFile(path));
}

/** What `kmssim report` was given: a run's result or a capacity plan, told apart by "schema". */
export type ReportInput = { kind: "result"; result: Result } | { kind: "plan"; plan: PlanReport };

export async function readReportFile(path: string): Promise<ReportInput> {
  const value = await readJsonFile(path);
  const schema = typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>).schema : undefined;
  if (schema === PLAN_SCHEMA) {
    const problem = planProblem(value);
    if (problem !== null) throw new KmssimError(`'${path}' is not a kmssim plan: ${problem}`, "KMSSIM_BAD_RESULT");
    return { kind: "plan", plan: value as PlanReport };
  }
  if (schema !== RESULT_SCHEMA) {
    const why = typeof value === "object" && value !== null && !Array.isArray(value) ? `its "schema" is ${JSON.stringify(schema) ?? "missing"}` : "it is not a JSON object";
    throw new KmssimError(
      `'${path}' is not a kmssim result or plan: ${why}, expected "${RESULT_SCHEMA}" (kmssim run --out) or "${PLAN_SCHEMA}" (kmssim plan --out)`,
      "KMSSIM_BAD_RESULT",
    );
  }
  return { kind: "result", result: checkedResult(path, value) };
}

function checkedResult(path: string, value: unknown): Result {
  const problem = resultProblem(value);
  if (problem !== null) throw new KmssimError(`'${path}' is not a kmssim result: ${problem}`, "KMSSIM_BAD_RESULT");
  return value as Result;
}

async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readUserFile(path, READ_LIMITS.result);
  } catch (err) {
    throw new KmssimError(`cannot read result '${path}': ${readFailureReason(err)}`, "KMSSIM_BAD_RESULT");
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new KmssimError(`'${path}' is not valid JSON (${jsonSyntaxProblem(err, text)}); give a result written by \`kmssim run --out\``, "KMSSIM_BAD_RESULT");
  }
}
