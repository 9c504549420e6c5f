// The files a command writes at its end (--out, --timeline-csv, --html): each is tried even
// when one before it failed, so one full disk or bad path does not cost the others, and
// what was measured is shown or named before the failures are reported, all of them.

import { KmssimError } from "../core/kmssim-error.js";
import { READ_LIMITS, readUserFile } from "../files/read-user-file.js";
import { renderHtmlReport } from "../report/index.js";
import { renderTimelineCsv } from "../report/text/timeline-csv.js";
import type { Result } from "../results/result.js";
import { STDOUT_NAME } from "./output-target.js";
import { writeFileAtomic } from "./write-file-atomic.js";

export interface OutputFile {
  /** The name the user gave (`-` for stdout). */
  name: string;
  /** Rendered only when its turn comes. */
  contents: () => string | Promise<string>;
}

export interface OutputsWritten {
  written: string[];
  failures: KmssimError[];
}

/** Where a result goes, as the flags name it (`run`, `merge`). */
export interface ResultFiles {
  out?: string;
  timelineCsv?: string;
  html?: string;
  /** The scenario file the HTML report shows, when it can be read (again: not a pipe). */
  scenario?: string;
}

/** The result's files: its JSON, its timeline as CSV, its HTML report; each rendered when its turn comes. */
export function resultOutputs(result: Result, files: ResultFiles): OutputFile[] {
  const { out, timelineCsv, html, scenario } = files;
  const scenarioText = (): Promise<string | undefined> =>
    scenario === undefined ? Promise.resolve(undefined) : readUserFile(scenario, READ_LIMITS.scenario).catch(() => undefined);
  return [
    ...(out === undefined ? [] : [{ name: out, contents: () => `${JSON.stringify(result, null, 2)}\n` }]),
    ...(timelineCsv === undefined ? [] : [{ name: timelineCsv, contents: () => renderTimelineCsv(result) }]),
    ...(html === undefined ? [] : [{ name: html, contents: async () => renderHtmlReport(result, { scenarioText: await scenarioText() }) }]),
  ];
}

/** Writes every file in turn; a write that fails is kept for later, not thrown. */
export async function writeOutputs(files: readonly OutputFile[]): Promise<OutputsWritten> {
  const written: string[] = [];
  const failures: KmssimError[] = [];
  for (const file of files) {
    try {
      await writeFileAtomic(file.name, await file.contents());
      written.push(file.name);
    } catch (err) {
      if (!(err instanceof KmssimError)) throw err;
      failures.push(err);
    }
  }
  return { written, failures };
}

/**
 * When any write failed: the summary on stderr unless it was already shown (--quiet), the
 * files that were written all the same, then one error (exit 2) that lists every failure.
 */
export function throwIfAnyFailed({ written, failures }: OutputsWritten, summary: { shown: boolean; render: () => string }): void {
  if (failures.length === 0) return;
  if (!summary.shown) process.stderr.write(`${summary.render()}\n`);
  if (written.length > 0) process.stderr.write(`kmssim: written all the same: ${written.map(shownName).join(", ")}\n`);
  if (failures.length === 1) throw failures[0];
  throw new KmssimError(`${failures.length} outputs could not be written:\n${failures.map((failure) => `  ${failure.message}`).join("\n")}`, failures[0].code);
}

function shownName(name: string): string {
  return name === STDOUT_NAME ? "standard output" : name;
}
