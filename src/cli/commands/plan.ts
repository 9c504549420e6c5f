// `kmssim plan <scenario> --hosts 1..8`: the capacity planner. Sweeps host counts (the
// scenario's hosts as a template, see capacity/host-template.ts) and fleet sizes in
// virtual mode, runs seeded replications of each point on worker threads, prints per
// point the thresholds' outcome and means with 95% confidence intervals, then the
// smallest host count that met every threshold in all replications.
// Exit 0: such a count for every fleet size; 1: not for some; 2: bad input; 3: a run
// failed; 130: interrupted (what finished is printed and written).

import { availableParallelism } from "node:os";
import { relative } from "node:path";
import { templateHosts, templateProblems } from "../../capacity/host-template.js";
import { buildPlanReport, type PlanReport } from "../../capacity/plan-report.js";
import { renderPlan } from "../../capacity/render-plan.js";
import type { ReplicationMetrics } from "../../capacity/replication-metrics.js";
import type { ReplicationTask } from "../../capacity/replication.js";
import { ReplicationFailedError, runReplications } from "../../capacity/run-replications.js";
import { MAX_RUNS, parseFleetSizes, parseHostCounts } from "../../capacity/sweep-flags.js";
import { planSweep } from "../../capacity/sweep-plan.js";
import { formatCount } from "../../format/format-number.js";
import { DnsDirectory } from "../../fleet-plan/dns-directory.js";
import { MAX_HOSTS } from "../../scenario/defaults.js";
import type { Scenario } from "../../scenario/model.js";
import { fleetSize } from "../../fleet-plan/fleet-plan.js";
import { loadScenarioOrThrow } from "../load-or-exit.js";
import { createProgress } from "../progress.js";
import { wantsColor } from "../../report/text/terminal.js";
import { takeSignals } from "../signal-desk.js";
import { EXIT, KmssimError } from "../../core/kmssim-error.js";
import { machineLimits } from "../machine-limits.js";
import { memoryProblem } from "../../fleet-plan/run-limits.js";
import { WHOLE_FLEET } from "../../core/shard/shard.js";
import { checkWritable, writeFileAtomic } from "../write-file-atomic.js";
import { summaryStream } from "../output-target.js";
import { defineCommand, SCENARIO_REQUIRED } from "../command-module.js";

export interface PlanOptions {
  scenario: string;
  /** Host counts: `1..8`, `1,2,4`, `2..4,8`. */
  hosts: string;
  /** Fleet sizes `10000,50000`; default the scenario's own client count. */
  clients?: string;
  replications?: number;
  /** Worker threads; 0 runs every replication on the main thread. Default: cores. */
  workers?: number;
  out?: string;
  /** Base seed the replications' seeds derive from; default the scenario's. */
  seed?: number;
}

export const DEFAULT_REPLICATIONS = 5;
const MAX_WORKERS = 64;

export const planCli = defineCommand({
  command: "plan <scenario>",
  describe:
    "Capacity planning: sweep host counts (and fleet sizes) in virtual mode with seeded replications; the smallest host count that meets every threshold",
  missingPositional: SCENARIO_REQUIRED,
  builder: (y) =>
    y
      .positional("scenario", { type: "string", demandOption: true, describe: "Scenario YAML file; its hosts are the template, its thresholds the goal" })
      .option("hosts", { type: "string", demandOption: true, describe: "Host counts to try: 1..8, 1,2,4 or 2..4,8 (at most 32)" })
      .option("clients", {
        type: "string",
        describe: "Fleet sizes to try, e.g. 10000,50000,100000 (split across groups like run --clients); default the file's",
      })
      .option("replications", {
        type: "number",
        default: DEFAULT_REPLICATIONS,
        describe: "Runs per point, each with its own seed derived from the scenario seed",
      })
      .option("workers", { type: "number", describe: "Worker threads running replications in parallel (default: cores; 0 = main thread)" })
      .option("seed", { type: "number", describe: "Base seed the replications' seeds derive from (overrides the file)" })
      .option("out", { type: "string", describe: "Write the plan as JSON here (kmssim/plan@1, atomically)" })
      .example("$0 plan scenarios/capacity.yaml --hosts 1..6", "Smallest host count meeting the file's thresholds")
      .example("$0 plan scenarios/capacity.yaml --hosts 2..8 --clients 10000,50000 --replications 3 --out plan.json", "Per fleet size, JSON kept")
      .epilogue(
        "Host count k: the first k hosts of the file, or all of them plus copies of the last host (every setting kept; " +
          "names continue its number, kms3 -> kms4, kms5, or add -2, -3). Events and hand-made SRV records of hosts left out are dropped; copies get " +
          "none of the events and copies of the last host's records. At most 1000 runs per sweep. " +
          "Exit 0 a host count found for every fleet size, 1 not for some, 2 bad input, 3 a run failed, 130 interrupted (what finished is printed and written).",
      ),
  run: (args) =>
    planCommand({
      scenario: args.scenario,
      hosts: args.hosts,
      clients: args.clients,
      replications: args.replications,
      workers: args.workers,
      seed: args.seed,
      out: args.out,
    }),
});

export async function planCommand(options: PlanOptions): Promise<number> {
  const replications = wholeFlag("--replications", options.replications ?? DEFAULT_REPLICATIONS, 1, MAX_RUNS);
  const workersAsked = wholeFlag("--workers", options.workers ?? availableParallelism(), 0, MAX_WORKERS);
  if (options.seed !== undefined) wholeFlag("--seed", options.seed, 0, Number.MAX_SAFE_INTEGER);
  const hostCounts = parsedOrThrow("--hosts", parseHostCounts(options.hosts, MAX_HOSTS));
  const file = await loadScenarioOrThrow(options.scenario);
  const scenario: Scenario = { ...file, mode: "virtual", seed: options.seed ?? file.seed };
  const fileClients = fleetSize(scenario);
  const fleetSizes = options.clients === undefined ? [fileClients] : parsedOrThrow("--clients", parseFleetSizes(options.clients, scenario.clients.length));

  const runCount = hostCounts.length * fleetSizes.length * replications;
  if (runCount > MAX_RUNS) {
    throw new KmssimError(
      `the sweep asks for ${formatCount(runCount)} runs (${hostCounts.length} host counts × ${fleetSizes.length} fleet sizes × ${replications} replications); ` +
        `at most ${formatCount(MAX_RUNS)} are allowed: narrow --hosts or --clients, or lower --replications`,
    );
  }
  // One run of the largest fleet must fit (as for `run`; parallel workers each hold one).
  const largest = Math.max(...fleetSizes);
  const tooBig = memoryProblem(
    { mode: "virtual", fleetClients: largest, shard: WHOLE_FLEET, workers: 0, check: false },
    machineLimits(),
    options.clients === undefined ? `the client groups (${largest} clients)` : `--clients ${largest}`,
  );
  if (tooBig !== null) throw new KmssimError(tooBig, "KMSSIM_TOO_BIG");
  const problems = templateProblems(scenario, hostCounts[0]);
  if (problems.length > 0) throw new KmssimError(`cannot sweep --hosts ${options.hosts}:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  const templates = new Map(hostCounts.map((k) => [k, templateHosts(scenario, k)]));
  checkEndpoints(templates.get(hostCounts[hostCounts.length - 1])!);
  if (options.out !== undefined) await checkWritable(options.out);
  if (file.mode === "realtime") process.stderr.write("kmssim plan: sweeps run in virtual mode; the scenario's mode: realtime is ignored\n");

  const sweep = planSweep(scenario.seed, hostCounts, fleetSizes, replications);
  const tasks: ReplicationTask[] = sweep.runs.map((run) => {
    const point = sweep.points[run.point];
    return { run: run.index, scenario: templates.get(point.hosts)!, clients: point.clients, replication: run.replication, seed: run.seed };
  });
  const workers = Math.min(workersAsked, tasks.length);

  // Listen before starting workers: a Ctrl-C during start-up still ends cleanly.
  const stop = new AbortController();
  const release = takeSignals({
    stop: () => stop.abort(),
    reminder: "still writing the finished replications; press Ctrl-C again to quit without them",
    lost: "without the finished replications",
  });
  // Held until the plan is written: a second signal while writing only reminds.
  try {
    const progress = createProgress(process.stderr, `plan ${scenario.name}`);
    const fractions = new Float64Array(tasks.length);
    let fractionSum = 0;
    let finished = 0;
    const done: ReplicationMetrics[][] = sweep.points.map(() => []);
    const setFraction = (run: number, fraction: number): void => {
      fractionSum += fraction - fractions[run];
      fractions[run] = fraction;
      progress.update(fractionSum / tasks.length, `${finished}/${tasks.length} runs done`);
    };
    const startedAt = process.hrtime.bigint();
    let interrupted = false;
    let failure: ReplicationFailedError | undefined;
    try {
      ({ interrupted } = await runReplications(
        tasks,
        workers,
        {
          onProgress: setFraction,
          onDone: (run, metrics) => {
            finished++;
            done[sweep.runs[run].point].push(metrics);
            setFraction(run, 1);
          },
        },
        stop.signal,
      ));
    } catch (err) {
      // The replications that finished are still measured: shown and written, then the failure.
      if (!(err instanceof ReplicationFailedError)) throw err;
      failure = err;
    } finally {
      progress.done();
    }

    const report: PlanReport = buildPlanReport({
      scenario: scenario.name,
      seed: scenario.seed,
      hostCounts,
      fleetSizes,
      replications,
      thresholds: scenario.thresholds,
      points: sweep.points,
      hostNames: sweep.points.map((p) => templates.get(p.hosts)!.hosts.map((h) => h.name)),
      done,
      wallSeconds: Number(process.hrtime.bigint() - startedAt) / 1e9,
      interrupted,
      ...(failure === undefined ? {} : { failure: failure.message }),
    });
    // The table first: if the file cannot be written after all, the numbers are still shown.
    const tableOut = summaryStream({ "--out": options.out });
    tableOut.write(renderPlan(report, { color: wantsColor(tableOut), workers }));
    if (options.out !== undefined) await writeFileAtomic(options.out, `${JSON.stringify(report, null, 2)}\n`);
    const where = options.out === undefined ? "shown above" : `shown above and written to ${relative(process.cwd(), options.out)}`;
    if (failure !== undefined) {
      throw new KmssimError(
        `${failure.message}; the ${finished} of ${tasks.length} runs that finished are ${where}${options.out === undefined ? "" : ' ("incomplete")'}`,
        failure.code,
      );
    }
    if (interrupted) {
      process.stderr.write(`kmssim plan: interrupted after ${finished} of ${tasks.length} runs; the partial plan is ${where}\n`);
      return EXIT.interrupted;
    }
    return report.pass ? EXIT.pass : EXIT.thresholdFailed;
  } finally {
    release();
  }
}

function wholeFlag(flag: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new KmssimError(`${flag} must be a whole number from ${min} to ${formatCount(max)}, got ${value}`);
  }
  return value;
}

function parsedOrThrow<T>(flag: string, parsed: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!parsed.ok) throw new KmssimError(`${flag}: ${parsed.message}`);
  return parsed.value;
}

/** The largest point must fit the engine's endpoint limit (hosts plus SRV targets that name no host). */
function checkEndpoints(largest: Scenario): void {
  try {
    new DnsDirectory(largest);
  } catch (err) {
    throw new KmssimError(`--hosts: ${largest.hosts.length} hosts do not fit: ${err instanceof Error ? err.message : String(err)}`);
  }
}
