// What `kmssim report` reads: a run's result or a capacity plan (kmssim/plan@1), told apart
// by "schema". Results go through the one result reader (results/result-file.ts); any
// problem is a KmssimError (exit 2) naming the file and what is wrong.

import { checkedResult, readJsonFile } from "../results/result-file.js";
import { RESULT_SCHEMA, type Result } from "../results/result.js";
import { KmssimError } from "../core/kmssim-error.js";
import { PLAN_SCHEMA, type PlanReport } from "../capacity/plan-report.js";
import { planProblem } from "./plan/plan-problem.js";

/** What `kmssim report` was given: a run's result or a capacity plan, told apart by "schema". */
export type ReportInput = { kind: "result"; result: Result } | { kind: "plan"; plan: PlanReport };

/** kmssim's own schema names are safe to repeat; anything else is the file's content. */
const SCHEMA_NAME = /^kmssim\/[a-z]+@\d+$/;

export async function readReportFile(path: string): Promise<ReportInput> {
  {
    const value = await readJsonFile(path);
    const isObject = typeof value === "object" && value !== null && !Array.isArray(value);
    const schema = isObject ? (value as Record<string, unknown>).schema : undefined;
    if (schema === PLAN_SCHEMA) {
      const problem = planProblem(value);
      if (problem !== null) throw new KmssimError(`'${path}' is not a kmssim plan: ${problem}`, "KMSSIM_BAD_RESULT");
      return { kind: "plan", plan: value as PlanReport };
    }
    if (schema !== RESULT_SCHEMA) {
      const named = typeof schema === "string" && SCHEMA_NAME.test(schema) ? JSON.stringify(schema) : schema === undefined ? "missing" : "not a kmssim schema";
      const why = isObject ? `its "schema" is ${named}` : "it is not a JSON object";
      throw new KmssimError(
        `'${path}' is not a kmssim result or plan: ${why}, expected "${RESULT_SCHEMA}" (kmssim run --out) or "${PLAN_SCHEMA}" (kmssim plan --out)`,
        "KMSSIM_BAD_RESULT",
      );
    }
    return { kind: "result", result: checkedResult(value, path) };
  }
}
