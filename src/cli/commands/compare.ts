// `kmssim compare <baseline.json> <candidate.json>`: a table of metric deltas; exit 1 when
// a metric got worse past its limit, 0 otherwise, 2 for a bad file or flag.

import { compareProfiles } from "../../compare/compare-runs.js";
import { CompareError } from "../../compare/errors.js";
import { DEFAULT_MAX_REGRESSION, parseMaxRegression, unusedOverrides } from "../../compare/limits.js";
import { readResultFile, ResultFileError } from "../../output/result-file.js";
import { renderComparison } from "../../compare/render-table.js";
import { buildCompareReport } from "../../compare/report-json.js";
import { profileOf, type RunProfile } from "../../compare/run-profile.js";
import { EXIT, UserError } from "../user-error.js";
import { writeFileAtomic } from "../write-file-atomic.js";
import { summaryStream } from "../output-target.js";

export interface CompareCommandOptions {
  baseline?: string;
  candidate?: string;
  maxRegression?: string;
  out?: string;
  metric?: readonly string[];
  quiet?: boolean;
}

/** A CompareError or ResultFileError as exit 2 with its message. */
function asUserError(err: unknown, prefix = ""): unknown {
  if (err instanceof CompareError || err instanceof ResultFileError) return new UserError(prefix + err.message, err.code);
  return err;
}

async function profileFile(file: string): Promise<RunProfile> {
  try {
    return profileOf(await readResultFile(file));
  } catch (err) {
    throw asUserError(err, err instanceof CompareError ? `'${file}': ` : "");
  }
}

export async function compareCommand(options: CompareCommandOptions): Promise<number> {
  const { baseline, candidate } = options;
  if (baseline === undefined || candidate === undefined) {
    throw new UserError("compare needs two result files, e.g. `kmssim compare baseline.json candidate.json`", "KMSSIM_USAGE");
  }
  try {
    const limits = parseMaxRegression(options.maxRegression ?? DEFAULT_MAX_REGRESSION);
    const [base, cand] = [await profileFile(baseline), await profileFile(candidate)];
    const comparison = compareProfiles(base, cand, { limits, metrics: options.metric ?? [] });
    const unused = unusedOverrides(limits, comparison.rows.map((r) => r.metric));
    for (const key of unused) process.stderr.write(`kmssim compare: warning: --max-regression key '${key}' matches no compared metric\n`);
    for (const warning of comparison.warnings) process.stderr.write(`kmssim compare: warning: ${warning}\n`);
    if (options.quiet !== true) summaryStream({ "--out": options.out }).write(`${renderComparison(comparison, { baseline, candidate })}\n`);
    if (options.out !== undefined) {
      const report = buildCompareReport(comparison, { baseline: { file: baseline, ...base.identity }, candidate: { file: candidate, ...cand.identity } }, limits);
      await writeFileAtomic(options.out, `${JSON.stringify(report, null, 2)}\n`);
    }
    return comparison.pass ? EXIT.pass : EXIT.thresholdFailed;
  } catch (err) {
    throw asUserError(err);
  }
}
