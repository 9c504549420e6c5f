// Where `kmssim compare` gets its two sides: result files (one per side, or N per side
// with --replications N: the first N are the baseline), or two scenario files that it
// runs N times each in virtual mode on worker threads (plan's runner). Run seeds derive
// from --seed, or from each file's own seed, so a comparison repeats exactly.

import { availableParallelism } from "node:os";
import { ReplicationFailedError, runReplications } from "../capacity/run-replications.js";
import type { ReplicationTask } from "../capacity/replication.js";
import { KmssimError } from "../core/kmssim-error.js";
import { deriveSeed } from "../core/rng.js";
import { WHOLE_FLEET } from "../core/shard/shard.js";
import { fleetSize } from "../fleet-plan/fleet-plan.js";
import { memoryProblem } from "../fleet-plan/run-limits.js";
import { formatCount } from "../format/format-number.js";
import { readResultFile } from "../results/result-file.js";
import type { Result } from "../results/result.js";
import type { Scenario } from "../scenario/model.js";
import { loadScenarioOrThrow } from "./load-or-exit.js";
import { machineLimits } from "./machine-limits.js";
import { createProgress } from "./progress.js";

export interface CompareSide {
  /** What the table's heading names: the file, or "N files" / "a.yaml × N". */
  label: string;
  /** The file given for this side (the first of several). */
  file: string;
  results: Result[];
  /** Every result file of a side read from several. */
  files?: string[];
  /** Seeds of the runs compare made from a scenario. */
  seeds?: number[];
}

export const isScenarioFile = (path: string): boolean => /\.ya?ml$/i.test(path);

/** Seed of run `replication` (0-based) of a side whose base seed is `baseSeed`. */
export const compareRunSeed = (baseSeed: number, replication: number): number => deriveSeed(baseSeed, replication);

const usage = (replications: number): string =>
  replications === 1
    ? "compare needs two result files (or two scenario files), e.g. `kmssim compare baseline.json candidate.json`"
    : `compare --replications ${replications} needs two scenario files, or ${2 * replications} result files (${replications} baseline runs, then ${replications} candidate runs)`;

/** A stop (Ctrl-C) ended the runs early: how many of them finished. */
export interface CompareInterruption {
  finished: number;
  planned: number;
}

export interface LoadedSides {
  baseline: CompareSide;
  candidate: CompareSide;
  /** Set when scenario runs were stopped: the sides hold only the runs that finished. */
  interrupted: CompareInterruption | null;
}

/** The given paths as two sides; scenarios are run (until `stop` fires, if it does). */
export async function loadSides(
  paths: readonly string[],
  options: { replications: number; seed?: number; workers?: number; stop?: AbortSignal },
): Promise<LoadedSides> {
  const { replications } = options;
  const scenarios = paths.filter(isScenarioFile);
  if (scenarios.length > 0) {
    if (paths.length !== 2 || scenarios.length !== 2) {
      throw new KmssimError(`${usage(replications)}; got ${paths.length} file(s), ${scenarios.length} of them scenario(s)`, "KMSSIM_USAGE");
    }
    return runScenarios(paths[0], paths[1], options);
  }
  if (paths.length !== 2 * replications) throw new KmssimError(`${usage(replications)}; got ${paths.length} file(s)`, "KMSSIM_USAGE");
  if (options.seed !== undefined) throw new KmssimError("--seed applies only when compare runs scenario files", "KMSSIM_USAGE");
  const read = async (files: readonly string[]): Promise<CompareSide> => ({
    label: files.length === 1 ? files[0] : `${files[0]} … (${files.length} files)`,
    file: files[0],
    results: await Promise.all(files.map((f) => readResultFile(f))),
    ...(files.length > 1 ? { files: [...files] } : {}),
  });
  return { baseline: await read(paths.slice(0, replications)), candidate: await read(paths.slice(replications)), interrupted: null };
}

async function runScenarios(
  baselineFile: string,
  candidateFile: string,
  options: { replications: number; seed?: number; workers?: number; stop?: AbortSignal },
): Promise<LoadedSides> {
  const { replications } = options;
  const files = [baselineFile, candidateFile];
  const scenarios: Scenario[] = [];
  for (const file of files) {
    const loaded = await loadScenarioOrThrow(file);
    scenarios.push({ ...loaded, mode: "virtual", seed: options.seed ?? loaded.seed });
  }
  for (const [k, scenario] of scenarios.entries()) {
    const tooBig = memoryProblem(
      { mode: "virtual", fleetClients: fleetSize(scenario), shard: WHOLE_FLEET, workers: 0, check: false },
      machineLimits(),
      `the client groups of ${files[k]} (${formatCount(fleetSize(scenario))} clients)`,
    );
    if (tooBig !== null) throw new KmssimError(tooBig, "KMSSIM_TOO_BIG");
  }
  const seeds = scenarios.map((s) => Array.from({ length: replications }, (_, r) => compareRunSeed(s.seed, r)));
  // Baseline and candidate runs alternate (A B A B …): machine drift falls on both sides
  // alike, and a compare stopped early still has about as many runs on each side.
  const tasks: ReplicationTask[] = seeds[0].flatMap((_, replication) =>
    scenarios.map((scenario, side) => ({
      run: side * replications + replication,
      scenario,
      clients: fleetSize(scenario),
      replication,
      seed: seeds[side][replication],
      keepResult: true,
    })),
  );
  const results: (Result | undefined)[] = new Array<Result | undefined>(tasks.length);
  const progress = createProgress(process.stderr, "compare");
  const fractions = new Float64Array(tasks.length);
  let finished = 0;
  const show = (): void => progress.update(fractions.reduce((a, b) => a + b, 0) / tasks.length, `${finished}/${tasks.length} runs done`);
  let interrupted: boolean;
  try {
    const workers = Math.min(options.workers ?? availableParallelism(), tasks.length);
    ({ interrupted } = await runReplications(
      tasks,
      workers,
      {
        onProgress: (run, fraction) => {
          fractions[run] = fraction;
          show();
        },
        onDone: (run, _metrics, result) => {
          if (result === undefined) throw new Error("a compare run came back without its result");
          results[run] = result;
          fractions[run] = 1;
          finished++;
          show();
        },
      },
      options.stop ?? new AbortController().signal,
    ));
  } catch (err) {
    if (err instanceof ReplicationFailedError) throw new KmssimError(`${err.message}; nothing was compared`, err.code);
    throw err;
  } finally {
    progress.done();
  }
  const side = (k: number): CompareSide => {
    // Stopped early: the runs that finished, whichever they were (workers finish out of order).
    const finished = seeds[k].map((_, r) => r).filter((r) => results[k * replications + r] !== undefined);
    const count = finished.length === replications ? `${replications}` : `${finished.length} of ${replications}`;
    return {
      label: replications === 1 ? files[k] : `${files[k]} × ${count}`,
      file: files[k],
      results: finished.map((r) => results[k * replications + r]!),
      seeds: finished.map((r) => seeds[k][r]),
    };
  };
  return { baseline: side(0), candidate: side(1), interrupted: interrupted ? { finished, planned: tasks.length } : null };
}
