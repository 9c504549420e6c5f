// `kmssim report <result.json> --html <file> [--scenario file.yaml]`: the HTML report of a
// result written earlier by `kmssim run --out`.

import { readFile } from "node:fs/promises";
import { readResultFile, renderHtmlReport } from "../../report/index.js";
import { EXIT, UserError } from "../user-error.js";
import { writeFileAtomic } from "../write-file-atomic.js";

export interface ReportOptions {
  result: string | undefined;
  html: string;
  /** Scenario file to show in full in the report. */
  scenario?: string;
}

export async function reportCommand(options: ReportOptions): Promise<number> {
  if (options.result === undefined) {
    throw new UserError("a result file is required, e.g. `kmssim report result.json --html report.html`", "KMSSIM_USAGE");
  }
  const result = await readResultFile(options.result);
  const scenarioText = options.scenario === undefined ? undefined : await readScenarioText(options.scenario);
  await writeFileAtomic(options.html, renderHtmlReport(result, { scenarioText }));
  return EXIT.pass;
}

async function readScenarioText(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read scenario '${path}': ${code === "ENOENT" ? "no such file" : (err as Error).message}`, "KMSSIM_BAD_INPUT");
  }
}
