// `kmssim compare <baseline> <candidate>`: a table of metric deltas; exit 1 when a metric
// got worse past its limit and the change is beyond noise, 0 otherwise, 2 for a bad file
// or flag, 3 when a run compare made failed. Sides are result files, or scenario files
// compare runs itself; `--replications N` compares N seeds per side with Welch's t-test.

import { compareProfiles, type Comparison } from "../../compare/compare-runs.js";
import { CompareError } from "../../compare/errors.js";
import { DEFAULT_MAX_REGRESSION, parseMaxRegression, unusedOverrides } from "../../compare/limits.js";
import { foldReplications, holmCorrected, replicationNoise } from "../../compare/replicated.js";
import { renderComparison } from "../../compare/render-table.js";
import { buildCompareReport, type CompareSide as ReportSide } from "../../compare/report-json.js";
import { profileOf, type RunProfile } from "../../compare/run-profile.js";
import { EXIT, KmssimError } from "../../core/kmssim-error.js";
import { CONFIDENCE } from "../../stats/confidence.js";
import { isScenarioFile, loadSides, type CompareSide } from "../compare-sides.js";
import { takeSignals } from "../signal-desk.js";
import { checkWritable, writeFileAtomic } from "../write-file-atomic.js";
import { summaryStream } from "../output-target.js";
import { defineCommand } from "../command-module.js";

export interface CompareCommandOptions {
  baseline?: string;
  candidate?: string;
  /** Further files: with --replications N, 2N result files in all (baseline runs first). */
  more?: readonly string[];
  maxRegression?: string;
  out?: string;
  metric?: readonly string[];
  quiet?: boolean;
  /** Runs per side (default 1). */
  replications?: number;
  /** `95%`: confidence of the noise estimates. */
  confidence?: string;
  /** Base seed of the runs compare makes from scenario files (default each file's seed). */
  seed?: number;
  workers?: number;
}

const MAX_REPLICATIONS = 100;
const MAX_WORKERS = 64;

/** A result's profile; a CompareError from it (a histogram it holds) names the file. */
function profileFile(result: Parameters<typeof profileOf>[0], file: string, confidence: number): RunProfile {
  try {
    return profileOf(result, confidence);
  } catch (err) {
    if (err instanceof CompareError) throw new CompareError(`'${file}': ${err.message}`, err.code);
    throw err;
  }
}

/** `95%`, `99`, `90.5%` → a fraction; 50 % to 99.9 %. */
export function parseConfidence(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  const pct = m === null ? NaN : Number(m[1]);
  if (!(pct >= 50 && pct <= 99.9)) throw new KmssimError(`--confidence must be a percentage from 50% to 99.9%, like 95%; got '${text}'`, "KMSSIM_USAGE");
  return pct / 100;
}

function wholeFlag(flag: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new KmssimError(`${flag} must be a whole number from ${min} to ${max}, got ${value}`, "KMSSIM_USAGE");
  }
  return value;
}

export const compareCli = defineCommand({
  command: "compare <baseline> <candidate> [more..]",
  missingPositional: "compare needs two result files, e.g. `kmssim compare baseline.json candidate.json`",
  describe:
    "Compare two runs metric by metric (latency percentiles from merged histograms, success, failovers, spread, errors); exit 1 on a regression beyond noise",
  builder: (y) =>
    y
      .positional("baseline", {
        type: "string",
        demandOption: true,
        describe: "Result JSON of the reference run (kmssim run --out), or a scenario YAML to run",
      })
      .positional("candidate", { type: "string", demandOption: true, describe: "Result JSON of the run to check, or a scenario YAML to run" })
      .positional("more", { type: "string", array: true, describe: "With --replications N and result files: 2N files, the N baseline runs first" })
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
      .option("replications", {
        type: "number",
        default: 1,
        describe:
          "Runs per side: scenario files are run N times each (seeds derived from --seed or the file's seed), or give 2N result files. " +
          "Rows show means; a metric regresses only when Welch's t-test finds the difference significant",
      })
      .option("confidence", { type: "string", default: "95%", describe: "Confidence of the noise estimates (intervals, t-test): 95%, 99%" })
      .option("seed", { type: "number", describe: "Base seed of the runs made from scenario files (both sides; default each file's seed)" })
      .option("workers", { type: "number", describe: "Worker threads running scenario runs in parallel (default: cores; 0 = main thread)" })
      .option("out", { type: "string", describe: "Write the comparison as JSON here (atomically)" })
      .option("quiet", { type: "boolean", default: false, describe: "Print no table (warnings and errors still go to stderr)" })
      .example("$0 compare baseline.json candidate.json", "Fail (exit 1) when any metric got more than 10% worse, beyond noise")
      .example("$0 compare baseline.json candidate.json --max-regression p99=5%,default=20% --out compare.json", "Tighter on p99, JSON for CI")
      .example("$0 compare a.json b.json --metric 'rpc.*.latencyMs.*' --metric '!*.max'", "Latency percentiles only, without max")
      .example("$0 compare before.yaml after.yaml --replications 5", "Run each scenario with 5 seeds; flag only significant changes")
      .example("$0 compare --replications 3 base-1.json base-2.json base-3.json cand-1.json cand-2.json cand-3.json", "Three saved runs per side")
      .epilogue(
        "Noise: a metric regresses only when it got worse past its limit AND the change is beyond seed-to-seed noise; " +
          "otherwise its verdict is 'noise'. Single runs: a latency percentile's interval comes from the ranks that bracket it in its own " +
          "histogram (distribution-free); the two runs' intervals must not overlap. A percentile with few samples beyond it (p99.9 of a few " +
          "thousand) and the max are unbounded above, so alone they never regress. Other metrics of single runs are judged by the limit alone. " +
          "With --replications N (N >= 2) every metric is a mean over N runs per side, and Welch's t-test must give p < 1 - confidence. " +
          "Exit 0 no metric regressed, 1 a regression, 2 a bad file or flag, 3 a run failed, 130 interrupted (Ctrl-C stops the runs; the runs that finished are compared).",
      ),
  run: (args) =>
    compareCommand({
      baseline: args.baseline,
      candidate: args.candidate,
      more: args.more,
      maxRegression: args["max-regression"],
      metric: args.metric,
      replications: args.replications,
      confidence: args.confidence,
      seed: args.seed,
      workers: args.workers,
      out: args.out,
      quiet: args.quiet,
    }),
});

function compareSides(
  baseline: CompareSide,
  candidate: CompareSide,
  options: { limits: ReturnType<typeof parseMaxRegression>; metrics: readonly string[]; confidence: number },
): { comparison: Comparison; identities: [RunProfile["identity"], RunProfile["identity"]] } {
  const profiles = (side: CompareSide): RunProfile[] => side.results.map((r, k) => profileFile(r, side.files?.[k] ?? side.file, options.confidence));
  const [base, cand] = [profiles(baseline), profiles(candidate)];
  if (base.length === 1 && cand.length === 1) {
    return { comparison: compareProfiles(base[0], cand[0], options), identities: [base[0].identity, cand[0].identity] };
  }
  const [b, c] = [foldReplications(base), foldReplications(cand)];
  const plain = compareProfiles(b.profile, c.profile, { ...options, noise: replicationNoise(b, c, options.confidence), ignoreSeed: true });
  const comparison = holmCorrected(plain, options.confidence);
  return { comparison, identities: [b.profile.identity, c.profile.identity] };
}

export async function compareCommand(options: CompareCommandOptions): Promise<number> {
  const { baseline, candidate } = options;
  if (baseline === undefined || candidate === undefined) {
    throw new KmssimError("compare needs two result files, e.g. `kmssim compare baseline.json candidate.json`", "KMSSIM_USAGE");
  }
  const limits = parseMaxRegression(options.maxRegression ?? DEFAULT_MAX_REGRESSION);
  const confidence = options.confidence === undefined ? CONFIDENCE : parseConfidence(options.confidence);
  const replications = wholeFlag("--replications", options.replications ?? 1, 1, MAX_REPLICATIONS);
  if (options.seed !== undefined) wholeFlag("--seed", options.seed, 0, Number.MAX_SAFE_INTEGER);
  const workers = options.workers === undefined ? undefined : wholeFlag("--workers", options.workers, 0, MAX_WORKERS);
  // Before any run: scenario runs take a while, a typo in --out should not cost them.
  if (options.out !== undefined) await checkWritable(options.out);
  const paths = [baseline, candidate, ...(options.more ?? [])];
  // Scenario runs take a while: the first Ctrl-C stops them and compares what finished.
  const stop = new AbortController();
  const release = paths.some(isScenarioFile)
    ? takeSignals({
        stop: () => stop.abort(),
        reminder: "still comparing the runs that finished; press Ctrl-C again to quit without them",
        lost: "without the comparison",
      })
    : () => {};
  try {
    const sides = await loadSides(paths, { replications, seed: options.seed, workers, stop: stop.signal });
    const { interrupted } = sides;
    if (interrupted !== null && (sides.baseline.results.length === 0 || sides.candidate.results.length === 0)) {
      process.stderr.write(
        `kmssim compare: interrupted after ${interrupted.finished} of ${interrupted.planned} runs; nothing to compare (each side needs a finished run)\n`,
      );
      return EXIT.interrupted;
    }

    const { comparison, identities } = compareSides(sides.baseline, sides.candidate, { limits, metrics: options.metric ?? [], confidence });
    if (interrupted !== null) {
      comparison.warnings.push(`stopped after ${interrupted.finished} of ${interrupted.planned} runs: each side's numbers cover only its finished runs`);
    }
    const unused = unusedOverrides(
      limits,
      comparison.rows.map((r) => r.metric),
    );
    for (const key of unused) process.stderr.write(`kmssim compare: warning: --max-regression key '${key}' matches no compared metric\n`);
    for (const warning of comparison.warnings) process.stderr.write(`kmssim compare: warning: ${warning}\n`);
    if (options.quiet !== true) {
      const names = { baseline: sides.baseline.label, candidate: sides.candidate.label, replications };
      summaryStream({ "--out": options.out }).write(`${renderComparison(comparison, names)}\n`);
    }
    if (options.out !== undefined) {
      const side = (s: CompareSide, identity: RunProfile["identity"]): ReportSide => ({
        file: s.file,
        ...identity,
        ...(s.files === undefined ? {} : { files: s.files }),
        ...(s.seeds === undefined ? {} : { seeds: s.seeds }),
      });
      const report = buildCompareReport(
        comparison,
        { baseline: side(sides.baseline, identities[0]), candidate: side(sides.candidate, identities[1]) },
        limits,
        {
          replications,
          confidence,
        },
      );
      await writeFileAtomic(options.out, `${JSON.stringify(report, null, 2)}\n`);
    }
    if (interrupted === null) return comparison.pass ? EXIT.pass : EXIT.thresholdFailed;
    process.stderr.write("kmssim compare: interrupted; the comparison covers the runs that finished (exit 130)\n");
    return EXIT.interrupted;
  } finally {
    release();
  }
}
