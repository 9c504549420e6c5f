// `kmssim compare <baseline.json> <candidate.json>`: a table of metric deltas; exit 1 when
// a metric got worse past its limit, 0 otherwise, 2 for a bad file or flag.

import { compareProfiles } from "../../compare/compare-runs.js";
import { CompareError } from "../../compare/errors.js";
import { DEFAULT_MAX_REGRESSION, parseMaxRegression, unusedOverrides } from "../../compare/limits.js";
import { readResultFile } from "../../results/result-file.js";
import { renderComparison } from "../../compare/render-table.js";
import { buildCompareReport } from "../../compare/report-json.js";
import { profileOf, type RunProfile } from "../../compare/run-profile.js";
import { EXIT, KmssimError } from "../../core/kmssim-error.js";
import { writeFileAtomic } from "../write-file-atomic.js";
import { summaryStream } from "../output-target.js";
import { defineCommand } from "../command-module.js";

export interface CompareCommandOptions {
  baseline?: string;
  candidate?: string;
  maxRegression?: string;
  out?: string;
  metric?: readonly string[];
  quiet?: boolean;
}

/** A file's profile; a CompareError from it (a histogram it holds) names the file. */
async function profileFile(file: string): Promise<RunProfile> {
  const result = await readResultFile(file);
  try {
    return profileOf(result);
  } catch (err) {
    if (err instanceof CompareError) throw new CompareError(`'${file}': ${err.message}`, err.code);
    throw err;
  }
}

export const compareCli = defineCommand({
  command: "compare <baseline> <candidate>",
  missingPositional: "compare needs two result files, e.g. `kmssim compare baseline.json candidate.json`",
  describe:
    "Compare two result files metric by metric (latency percentiles from merged histograms, success, failovers, spread, errors); exit 1 on a regression",
  builder: (y) =>
    y
      .positional("baseline", { type: "string", demandOption: true, describe: "Result JSON of the reference run (kmssim run --out)" })
      .positional("candidate", { type: "string", demandOption: true, describe: "Result JSON of the run to check" })
      .option("max-regression", {
        type: "string",
        default: "10%",
        describe: "How much worse than the baseline a metric may get: 10%, or per metric p99=5%,default=10% (keys are globs on a name or its dotted tail)",
      })
      // nargs 1: `--metric X a.json b.json` must not swallow the files.
      .option("metric", {
        type: "string",
        array: true,
        nargs: 1,
        describe: "Compare only metrics matching this glob (* any run, !glob excludes); repeat the flag for more",
      })
      .option("out", { type: "string", describe: "Write the comparison as JSON here (atomically)" })
      .option("quiet", { type: "boolean", default: false, describe: "Print no table (warnings and errors still go to stderr)" })
      .example("$0 compare baseline.json candidate.json", "Fail (exit 1) when any metric got more than 10% worse")
      .example("$0 compare baseline.json candidate.json --max-regression p99=5%,default=20% --out compare.json", "Tighter on p99, JSON for CI")
      .example("$0 compare a.json b.json --metric 'rpc.*.latencyMs.*' --metric '!*.max'", "Latency percentiles only, without max")
      .epilogue("Exit 0 no metric regressed past its limit, 1 a regression, 2 a bad file or flag."),
  run: (args) =>
    compareCommand({
      baseline: args.baseline,
      candidate: args.candidate,
      maxRegression: args["max-regression"],
      metric: args.metric,
      out: args.out,
      quiet: args.quiet,
    }),
});

export async function compareCommand(options: CompareCommandOptions): Promise<number> {
  const { baseline, candidate } = options;
  if (baseline === undefined || candidate === undefined) {
    throw new KmssimError("compare needs two result files, e.g. `kmssim compare baseline.json candidate.json`", "KMSSIM_USAGE");
  }
  const limits = parseMaxRegression(options.maxRegression ?? DEFAULT_MAX_REGRESSION);
  const [base, cand] = [await profileFile(baseline), await profileFile(candidate)];
  const comparison = compareProfiles(base, cand, { limits, metrics: options.metric ?? [] });
  const unused = unusedOverrides(
    limits,
    comparison.rows.map((r) => r.metric),
  );
  for (const key of unused) process.stderr.write(`kmssim compare: warning: --max-regression key '${key}' matches no compared metric\n`);
  for (const warning of comparison.warnings) process.stderr.write(`kmssim compare: warning: ${warning}\n`);
  if (options.quiet !== true) summaryStream({ "--out": options.out }).write(`${renderComparison(comparison, { baseline, candidate })}\n`);
  if (options.out !== undefined) {
    const report = buildCompareReport(comparison, { baseline: { file: baseline, ...base.identity }, candidate: { file: candidate, ...cand.identity } }, limits);
    await writeFileAtomic(options.out, `${JSON.stringify(report, null, 2)}\n`);
  }
  return comparison.pass ? EXIT.pass : EXIT.thresholdFailed;
}
