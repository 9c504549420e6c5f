// The one reader of result files (compare, merge, report): read bounded, parsed as JSON,
// checked against the result schema. Every problem is one plain sentence naming the file
// and the first bad field, never quoting the file (commands turn it into exit 2).

import { KmssimError } from "../core/kmssim-error.js";
import { jsonSyntaxProblem } from "../files/json-problem.js";
import { readFailureReason } from "../files/read-failure.js";
import { READ_LIMITS, readUserFile } from "../files/read-user-file.js";
import type { Result } from "./result.js";
import { RESULT_SCHEMA, resultSchema } from "./result-schema.js";
import { shapeProblem } from "./shape-problem.js";

/** A result file that cannot be read or is not a result: exit 2 (KMSSIM_BAD_RESULT). */
export class ResultFileError extends KmssimError {
  constructor(message: string) {
    super(message, "KMSSIM_BAD_RESULT");
    this.name = "ResultFileError";
  }
}

/** Values read from a file that passed the schema: merge checks its shards again, a 256 MiB one need not be parsed twice. */
const read = new WeakSet<object>();

/** The first field that keeps `value` from being a result, as `path: problem`; null when it is one. */
export function resultProblem(value: unknown): string | null {
  if (typeof value === "object" && value !== null && read.has(value)) return null;
  return shapeProblem(resultSchema, value);
}

/** `value` as a Result; ResultFileError naming `file` and the first bad field otherwise. */
export function checkedResult(value: unknown, file: string): Result {
  const problem = resultProblem(value);
  if (problem !== null) throw new ResultFileError(`'${file}' is not a ${RESULT_SCHEMA} result (${problem}); give a result written by \`kmssim run --out\``);
  read.add(value as object);
  // The value itself, not zod's copy: fields a newer kmssim added stay.
  return value as Result;
}

/** JSON text of a result file to a Result; `file` names it in messages. */
export function parseResultText(text: string, file: string): Result {
  return checkedResult(parseJsonText(text, file), file);
}

/** Any JSON the user named as a result (report also accepts a plan): read bounded and parsed. */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readUserFile(file, READ_LIMITS.result);
  } catch (err) {
    throw new ResultFileError(`cannot read '${file}': ${readFailureReason(err)}`);
  }
  return parseJsonText(text, file);
}

export async function readResultFile(file: string): Promise<Result> {
  return checkedResult(await readJsonFile(file), file);
}

function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ResultFileError(`'${file}' is not JSON (${jsonSyntaxProblem(err, text)}); give a result written by \`kmssim run --out\``);
  }
}
