// `kmssim run <scenario>`: simulate the fleet, print the summary, write the result JSON.
// Its flags are declared in run-flags.ts, shared with `validate`.

import { relative } from "node:path";
import type { Result } from "../../results/result.js";
import { formatDurationShort } from "../../format/format-duration.js";
import { renderSummary } from "../../report/text/summary.js";
import { terminalColumns, wantsColor } from "../../report/text/terminal.js";
import type { Scenario } from "../../scenario/model.js";
import { buildResult } from "../../results/build-result.js";
import { runRealtimeMode } from "../run-realtime.js";
import { runVirtualMode, type DriverOutcome } from "../run-virtual.js";
import { createProgress, silentProgress } from "../progress.js";
import { InvariantViolation } from "../../sim/invariant-violation.js";
import { takeSignals } from "../signal-desk.js";
import { EXIT } from "../../core/kmssim-error.js";
import { checkWritable } from "../write-file-atomic.js";
import { resultOutputs, throwIfAnyFailed, writeOutputs } from "../write-outputs.js";
import type { ShardSpec } from "../../core/shard/shard.js";
import { checkRunInput } from "../run-input.js";
import { defineCommand, SCENARIO_REQUIRED } from "../command-module.js";
import { declareRunFlags, reproduceCommand, RUN_FLAGS, runOptionsFrom, type RunOptions } from "../run-flags.js";
import { summaryStream } from "../output-target.js";
import { envNameOf } from "../env-flags.js";
import type { ShardMeta } from "../../results/result.js";
import { runDigest } from "../../results/run-digest.js";

export const runCli = defineCommand({
  command: "run <scenario>",
  describe: "Simulate a fleet described by a scenario file and report latency, spread and thresholds",
  missingPositional: SCENARIO_REQUIRED,
  builder: (y) =>
    declareRunFlags(y.positional("scenario", { type: "string", demandOption: true, describe: "Scenario YAML file (see scenarios/)" }))
      .example("$0 run scenarios/multi-host.yaml", "Run the main job with the file's settings")
      .example("$0 run scenarios/large-fleet.yaml --clients 50000 --out result.json", "Smaller fleet, keep the JSON")
      .example("$0 run scenarios/failover.yaml --seed 7", "Replay a run with another seed")
      .example("$0 run scenarios/failover.yaml --seed 7 --check", "Same run, checking invariants after every event")
      .example("$0 run scenarios/realtime-smoke.yaml --mode realtime", "Real sockets on loopback")
      .example("$0 run scenarios/realtime-smoke.yaml --metrics-port 9464", "Realtime, with Prometheus metrics while it runs")
      .example("$0 run scenarios/realtime-smoke.yaml --metrics-push http://127.0.0.1:9091", "Realtime; its final metrics PUT to a Pushgateway when it ends")
      .example("$0 run scenarios/realtime-smoke.yaml --clock strict", "Realtime at exactly timeScale; the result says whether this machine kept up")
      .example(
        "$0 run scenarios/multi-host.yaml --shard 2/4 --out shard2.json",
        "The second of four shards; `kmssim merge shard*.json --out all.json` joins them",
      )
      .epilogue(
        `Every flag can also be set in the environment as KMSSIM_<FLAG> (${Object.keys(RUN_FLAGS).slice(0, 3).map(envNameOf).join(", ")}, …, ` +
          `${envNameOf("allow-address")}=a,b; booleans 1 or 0); a flag on the command line wins.`,
      ),
  run: (args) => runCommand(runOptionsFrom(args)),
});

export async function runCommand(options: RunOptions): Promise<number> {
  // Signals from the command's first line: one during set-up stops the run as one later
  // does (the partial result is written); the desk ends the program on a third.
  let interrupted = false;
  const release = takeSignals({
    stop: () => (interrupted = true),
    reminder: `still ${options.out === undefined ? "finishing the partial result" : `writing the partial result to ${options.out}`}; press Ctrl-C again to quit without it`,
    lost: "without the partial result",
  });
  try {
    return await runUntilDone(options, () => interrupted);
  } finally {
    release();
  }
}

async function runUntilDone(options: RunOptions, isInterrupted: () => boolean): Promise<number> {
  const { scenario, fleetClients, shard, warnings } = await checkRunInput(options);
  for (const warning of warnings) process.stderr.write(`${warning}\n`);
  if (options.out !== undefined) await checkWritable(options.out);
  if (options.html !== undefined) await checkWritable(options.html);
  if (options.timelineCsv !== undefined) await checkWritable(options.timelineCsv);
  const summaryOut = summaryStream({ "--out": options.out, "--html": options.html, "--timeline-csv": options.timelineCsv });
  // --quiet: no summary and no progress (warnings and errors still go to stderr).
  const progress = options.quiet === true ? silentProgress() : createProgress(process.stderr, `${scenario.name}`);
  let outcome: DriverOutcome | undefined;
  let violation: InvariantViolation | null = null;
  try {
    outcome =
      scenario.mode === "realtime"
        ? await runRealtimeMode(scenario, { ...options, shard }, progress, isInterrupted)
        : await runVirtualMode(scenario, { ...options, shard }, progress, isInterrupted);
  } catch (err) {
    if (!(err instanceof InvariantViolation)) throw err;
    violation = err;
  } finally {
    progress.done();
  }
  // Read once: a signal while writing does not change what was measured.
  const interrupted = isInterrupted();
  // No outcome: an invariant broke (every other error was rethrown above).
  if (outcome === undefined) {
    if (violation !== null)
      process.stderr.write(`kmssim: --check: ${violation.message}\n  replay: ${reproduceCommand({ ...options, check: true }, violation.seed)}\n`);
    return EXIT.runFailed;
  }
  const result = buildResult(outcome.totals, outcome.wallSeconds, interrupted, shardMeta(shard, fleetClients, scenario, options));
  // The summary first: if the file cannot be written after all, the numbers are still shown.
  const summaryFor = (stream: NodeJS.WriteStream): string => renderSummary(result, { color: wantsColor(stream), width: terminalColumns(stream) });
  if (!options.quiet) summaryOut.write(`${summaryFor(summaryOut)}\n`);
  const outputs = await writeOutputs(resultOutputs(result, options));
  throwIfAnyFailed(outputs, { shown: options.quiet !== true, render: () => summaryFor(process.stderr) });
  if (outcome.failure !== undefined) {
    if (options.out !== undefined) process.stderr.write(`kmssim: what was measured before the failure is in ${options.out} ("incomplete")\n`);
    throw outcome.failure;
  }
  if (outcome.checks !== undefined) {
    const { eventsChecked, sweeps } = outcome.checks;
    process.stderr.write(
      `kmssim: --check: every invariant held over ${eventsChecked} events checked${interrupted ? " before the interrupt" : ""} (${sweeps} full sweeps of the fleet)\n`,
    );
  }
  if (outcome.illegalInputs > 0) {
    process.stderr.write(
      `kmssim: internal check failed: ${outcome.illegalInputs} illegal client transitions; reproduce with: ${reproduceCommand(options, scenario.seed)}\n`,
    );
    return EXIT.runFailed;
  }
  return exitCodeFor(result, options, interrupted);
}

function exitCodeFor(result: Result, options: RunOptions, interrupted: boolean): number {
  if (interrupted) {
    process.stderr.write(
      `kmssim: interrupted at simulated ${formatDurationShort(result.simulatedSeconds)}; partial result ${options.out ? `written to ${relative(process.cwd(), options.out)}` : "shown above"}\n`,
    );
    return EXIT.interrupted;
  }
  if (!result.pass) {
    process.stderr.write(`kmssim: thresholds failed; reproduce with: ${reproduceCommand(options, result.seed)}\n`);
    return EXIT.thresholdFailed;
  }
  return EXIT.pass;
}

/** What `kmssim merge` needs to know the shards belong together. */
function shardMeta(shard: ShardSpec, fleetClients: number, scenario: Scenario, options: RunOptions): ShardMeta | undefined {
  if (options.shard === undefined) return undefined;
  return {
    index: shard.index,
    count: shard.count,
    fleetClients,
    runDigest: runDigest(scenario, options),
    thresholds: scenario.thresholds.map(({ metric, op, value }) => ({ metric, op, value })),
    ...(options.externalHosts === true ? { externalHosts: true } : {}),
  };
}
