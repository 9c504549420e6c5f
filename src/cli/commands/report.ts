// `kmssim report <result.json> --html <file> [--scenario file.yaml]`: the HTML report of a
// result written earlier by `kmssim run --out`, or of a capacity plan (`kmssim plan --out`,
// told apart by its "schema").

import { formatBytes } from "../../format/format-number.js";
import { READ_LIMITS, readUserFile } from "../../files/read-user-file.js";
import { renderHtmlReport } from "../../report/index.js";
import { renderPlanHtmlReport } from "../../report/plan/plan-html.js";
import { readReportFile } from "../../report/read-result.js";
import { EXIT, KmssimError } from "../../core/kmssim-error.js";
import { writeFileAtomic } from "../write-file-atomic.js";
import { defineCommand } from "../command-module.js";

export interface ReportOptions {
  result: string | undefined;
  html: string;
  /** Scenario file to show in full in the report. */
  scenario?: string;
}

export const reportCli = defineCommand({
  command: "report <result>",
  missingPositional: "a result file is required, e.g. `kmssim report result.json --html report.html`",
  describe:
    "Write a self-contained HTML report of a run result (latency by percentile, activations, per-host share with fleet events, error codes, thresholds) or of a capacity plan (metrics with CIs per host count)",
  builder: (y) =>
    y
      .positional("result", {
        type: "string",
        demandOption: true,
        describe: "Result JSON written by `kmssim run --out`, or a plan written by `kmssim plan --out`",
      })
      .option("html", { type: "string", demandOption: true, describe: "Write the HTML report here (atomically); one offline file, no network" })
      .option("scenario", { type: "string", describe: "Scenario YAML the run used, shown in full in the report" })
      .example("$0 report result.json --html report.html --scenario scenarios/multi-host.yaml", "Report with the scenario text")
      .example("$0 report plan.json --html plan.html", "Charts of a capacity plan")
      .epilogue("Exit 0 written, 2 a bad or missing file or flag."),
  run: (args) => reportCommand({ result: args.result, html: args.html, scenario: args.scenario }),
});

export async function reportCommand(options: ReportOptions): Promise<number> {
  if (options.result === undefined) {
    throw new KmssimError("a result file is required, e.g. `kmssim report result.json --html report.html`", "KMSSIM_USAGE");
  }
  const input = await readReportFile(options.result);
  const scenarioText = options.scenario === undefined ? undefined : await readScenarioText(options.scenario);
  const html = input.kind === "plan" ? renderPlanHtmlReport(input.plan, { scenarioText }) : renderHtmlReport(input.result, { scenarioText });
  await writeFileAtomic(options.html, html);
  // Say what was written: silence after a command reads like nothing happened.
  process.stderr.write(
    `kmssim: wrote ${options.html} (${formatBytes(Buffer.byteLength(html))}, ${input.kind === "plan" ? "a capacity plan" : "a run result"})\n`,
  );
  return EXIT.pass;
}

async function readScenarioText(path: string): Promise<string> {
  try {
    return await readUserFile(path, READ_LIMITS.scenario);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new KmssimError(`cannot read scenario '${path}': ${code === "ENOENT" ? "no such file" : (err as Error).message}`, "KMSSIM_BAD_SCENARIO");
  }
}
