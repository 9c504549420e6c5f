// Reads a result file for compare: readable, JSON, schema kmssim/result@1, and every field
// compare reads present with the right type. Any problem is a plain sentence naming the
// file (exit 2), never a stack trace or a NaN row later.

import { KmssimError } from "../core/kmssim-error.js";
import { readFailureReason } from "../output/read-failure.js";
import { jsonSyntaxProblem } from "../output/json-problem.js";
import { READ_LIMITS, readUserFile } from "../output/read-user-file.js";
import { RESULT_SCHEMA, type Result } from "../output/result.js";

export class ResultFileError extends KmssimError {
  constructor(message: string) {
    super(message, "KMSSIM_BAD_RESULT");
    this.name = "ResultFileError";
  }
}

type Check = "number" | "string" | "counts" | "histogram";

/** The fields compare reads (dotted paths) and what each must hold. */
const FIELDS: readonly [string, Check][] = [
  ["scenario", "string"],
  ["mode", "string"],
  ["seed", "number"],
  ["clients.total", "number"],
  ["clients.notActivated", "number"],
  ["clients.unlicensed", "number"],
  ...(["activation", "renewal"] as const).flatMap((kind): [string, Check][] => [
    [`rpc.${kind}.sent`, "number"],
    [`rpc.${kind}.ok`, "number"],
    [`rpc.${kind}.errors`, "counts"],
    [`rpc.${kind}.histogram`, "histogram"],
  ]),
  ["dns.failed", "number"],
  ["dns.histogram", "histogram"],
  ["spread.jain", "number"],
  ["spread.maxShareDeviation", "number"],
  ["failovers", "number"],
  ["rediscoveries", "number"],
];

function at(value: unknown, path: string): unknown {
  let here = value;
  for (const key of path.split(".")) {
    if (typeof here !== "object" || here === null || Array.isArray(here)) return undefined;
    here = (here as Record<string, unknown>)[key];
  }
  return here;
}

const isNumber = (v: unknown): boolean => typeof v === "number" && Number.isFinite(v);
const isEncoded = (v: unknown): boolean => typeof v === "string" && v.length > 0;

function problemOf(value: unknown, check: Check): string | null {
  switch (check) {
    case "number":
      return isNumber(value) ? null : "should be a number";
    case "string":
      return typeof value === "string" ? null : "should be a string";
    case "counts":
      return typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every(isNumber)
        ? null
        : "should be an object of counts by error code";
    case "histogram":
      return isEncoded(value) || (Array.isArray(value) && value.length > 0 && value.every(isEncoded))
        ? null
        : "should be a compressed HdrHistogram (base64 string) or a list of them";
  }
}

/** Every problem with the fields compare reads, as `path: problem`. */
export function resultShapeProblems(value: unknown): string[] {
  const problems: string[] = [];
  for (const [path, check] of FIELDS) {
    const field = at(value, path);
    if (field === undefined) problems.push(`${path}: missing`);
    else {
      const problem = problemOf(field, check);
      if (problem !== null) problems.push(`${path}: ${problem}, got ${JSON.stringify(field).slice(0, 40)}`);
    }
  }
  const clientErrors = at(value, "clients.errors");
  if (clientErrors !== undefined) {
    const problem = problemOf(clientErrors, "counts");
    if (problem !== null) problems.push(`clients.errors: ${problem}`);
  }
  return problems;
}

/** Parses and checks a result file's text; `file` names it in messages. */
export function parseResultText(text: string, file: string): Result {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ResultFileError(`'${file}' is not JSON (${jsonSyntaxProblem(err, text)}); expected a result written by \`kmssim run --out\``);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ResultFileError(`'${file}' is not a kmssim result: expected a JSON object with "schema": "${RESULT_SCHEMA}"`);
  }
  const schema = (value as Record<string, unknown>).schema;
  if (schema === undefined) throw new ResultFileError(`'${file}' has no "schema" field: not a kmssim result (expected "${RESULT_SCHEMA}")`);
  if (schema !== RESULT_SCHEMA) {
    throw new ResultFileError(`'${file}' has schema ${JSON.stringify(schema)}; kmssim reads "${RESULT_SCHEMA}"`);
  }
  const problems = resultShapeProblems(value);
  if (problems.length > 0) {
    const shown = problems.slice(0, 8).map((p) => `\n  ${p}`).join("");
    const more = problems.length > 8 ? `\n  … and ${problems.length - 8} more` : "";
    throw new ResultFileError(`'${file}' is not a complete ${RESULT_SCHEMA} result (${problems.length} problem${problems.length === 1 ? "" : "s"}):${shown}${more}`);
  }
  return value as Result;
}

export async function loadResultFile(file: string): Promise<Result> {
  let text: string;
  try {
    text = await readUserFile(file, READ_LIMITS.result);
  } catch (err) {
    throw new ResultFileError(`cannot read '${file}': ${readFailureReason(err)}`);
  }
  return parseResultText(text, file);
}
