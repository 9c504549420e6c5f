// Scenario file → normalised Scenario, or every error of the file with line:column.
// Order: YAML syntax (stop there), then the schema and the cross-field rules together,
// then defaults. Nothing a user writes makes these functions throw.

import { READ_LIMITS, readUserFile, readUserFileSync } from "../files/read-user-file.js";
import { LineCounter, parseDocument, visit, type Document } from "yaml";
import { sortScenarioErrors, type ScenarioError } from "./errors.js";
import { issueMessage } from "./messages.js";
import type { Scenario } from "./model.js";
import { normalise } from "./normalise.js";
import { formatPath, PositionFinder } from "./positions.js";
import { scenarioFileSchema } from "./schema.js";
import { schemaIssueErrors } from "./schema-issues.js";
import { checkSemantics, type SemanticOptions } from "./semantics.js";
import { scenarioWarnings } from "./warnings.js";
import { loadTraces, traceReaderFor, type TraceReader } from "./load-traces.js";

export interface LoadOptions extends SemanticOptions {
  /** Reads the trace files client groups name (loadScenarioFile passes one for the scenario's folder). */
  readTrace?: TraceReader;
}

/** A loaded scenario comes with its warnings (scenario/warnings.ts), located like errors. */
export type LoadResult = { ok: true; scenario: Scenario; warnings: ScenarioError[] } | { ok: false; errors: ScenarioError[] };

/** Aliases expanded while reading; far above any real scenario, far below a "billion laughs". */
export const MAX_ALIAS_COUNT = 1_000;

export function loadScenarioText(text: string, fileName: string, options: LoadOptions = {}): LoadResult {
  const lineCounter = new LineCounter();
  // logLevel "error": yaml would print warnings (e.g. about odd keys) to the console.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true, logLevel: "error" });
  const finder = new PositionFinder(doc, lineCounter);
  if (doc.errors.length > 0) {
    return failed(doc.errors.map((error) => ({ path: "", ...finder.offset(error.pos[0]), message: `YAML syntax: ${error.message}` })));
  }
  const aliasErrors = unresolvedAliases(doc, finder);
  if (aliasErrors.length > 0) return failed(aliasErrors);

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    return failed([{ path: "", line: 1, column: 1, message: `YAML: ${error instanceof Error ? error.message : String(error)}` }]);
  }

  if (raw === null || raw === undefined) {
    return failed([{ path: "", line: 1, column: 1, message: "the scenario is empty: it needs at least 'hosts' and 'clients'" }]);
  }
  const parsed = scenarioFileSchema.safeParse(raw, { error: issueMessage });
  const errors = parsed.success ? [] : schemaIssueErrors(parsed.error.issues, scenarioFileSchema, raw, finder);
  for (const issue of checkSemantics(raw, options)) {
    errors.push({ path: formatPath(issue.path), ...finder.value(issue.path), message: issue.message });
  }
  if (!parsed.success || errors.length > 0) return failed(errors);
  const scenario = normalise(parsed.data, fileName);
  const traceErrors = loadTraces(scenario, options.readTrace, finder);
  if (traceErrors.length > 0) return failed(traceErrors);
  const warnings = scenarioWarnings(scenario).map((w) => ({ path: formatPath(w.path), ...finder.value(w.path), message: w.message }));
  return { ok: true, scenario, warnings: sortScenarioErrors(warnings) };
}

export async function loadScenarioFile(path: string, options: LoadOptions = {}): Promise<LoadResult> {
  let text: string;
  try {
    text = await readUserFile(path, READ_LIMITS.scenario);
  } catch (error) {
    return unreadable(path, error);
  }
  return loadScenarioText(text, path, { readTrace: traceReaderFor(path), ...options });
}

export function loadScenarioFileSync(path: string, options: LoadOptions = {}): LoadResult {
  let text: string;
  try {
    text = readUserFileSync(path, READ_LIMITS.scenario);
  } catch (error) {
    return unreadable(path, error);
  }
  return loadScenarioText(text, path, { readTrace: traceReaderFor(path), ...options });
}

function failed(errors: ScenarioError[]): LoadResult {
  // Two failed checks on one value (not an integer, and too big) can word themselves alike.
  const seen = new Set<string>();
  const distinct = errors.filter((error) => {
    const key = JSON.stringify([error.path, error.line, error.column, error.message]);
    return seen.has(key) ? false : (seen.add(key), true);
  });
  return { ok: false, errors: sortScenarioErrors(distinct) };
}

const READ_PROBLEMS: Record<string, string> = {
  ENOENT: "no such file",
  EISDIR: "it is a directory",
  EACCES: "permission denied",
  EPERM: "permission denied",
};

function unreadable(path: string, error: unknown): LoadResult {
  const code = (error as { code?: unknown } | null)?.code;
  const reason = (typeof code === "string" ? READ_PROBLEMS[code] : undefined) ?? (error instanceof Error ? error.message : String(error));
  return failed([{ path: "", line: 0, column: 0, message: `cannot read scenario file '${path}': ${reason}` }]);
}

// yaml reports `*name` without an earlier `&name` only when converting; find it with a position.
function unresolvedAliases(doc: Document, finder: PositionFinder): ScenarioError[] {
  const errors: ScenarioError[] = [];
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) === undefined) {
        errors.push({
          path: "",
          ...finder.offset(alias.range?.[0] ?? 0),
          message: `YAML: alias '*${alias.source}' has no anchor '&${alias.source}' before it`,
        });
      }
    },
  });
  return errors;
}
