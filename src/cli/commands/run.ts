// `kmssim run <scenario>`: simulate the fleet, print the summary, write the result JSON.

import { READ_LIMITS, readUserFile } from "../../output/read-user-file.js";
import { relative } from "node:path";
import type { Result } from "../../output/result.js";
import { renderSummary } from "../../output/summary.js";
import { renderHtmlReport } from "../../report/index.js";
import type { Scenario } from "../../scenario/model.js";
import { fleetSize } from "../../plan/fleet-plan.js";
import { buildResult } from "../../run/build-result.js";
import { rejectRealtimeOnlyFlags, runRealtimeMode } from "../run-realtime.js";
import { runVirtualMode, type DriverOutcome } from "../run-virtual.js";
import { loadScenarioOrThrow } from "../load-or-exit.js";
import { createProgress, silentProgress } from "../progress.js";
import { InvariantViolation } from "../../sim/invariant-violation.js";
import { EXIT, UserError } from "../user-error.js";
import { checkWritable, writeFileAtomic } from "../write-file-atomic.js";
import { formatShard, parseShard, ShardSpecError, WHOLE_FLEET, type ShardSpec } from "../../core/shard/shard.js";
import type { ShardMeta } from "../../output/result.js";
import { runDigest } from "../../run/run-digest.js";
import { hostSideThresholds } from "../../merge/host-side.js";

export interface RunOptions {
  scenario: string;
  mode?: "virtual" | "realtime";
  seed?: number;
  clients?: number;
  workers?: number;
  out?: string;
  quiet?: boolean;
  /** Write the HTML report here too. */
  html?: string;
  /** Virtual mode: check the model's invariants after every event (exit 3 on the first broken one). */
  check?: boolean;
  /** Realtime: serve live Prometheus metrics on 127.0.0.1:PORT/metrics (0 = a free port). */
  metricsPort?: number;
  /** `i/N`: measure only this shard of the fleet (see core/shard). */
  shard?: string;
  /** Realtime: the scenario's hosts run elsewhere (`kmssim host`) and are found through dns.server. */
  externalHosts?: boolean;
  /** Realtime: simulated time 0 at this wall-clock instant (ISO 8601). */
  startAt?: string;
  /** Realtime: non-loopback IPv4 addresses the clients may connect to. */
  allowAddress?: readonly string[];
}

export async function runCommand(options: RunOptions): Promise<number> {
  const loaded = await loadScenarioOrThrow(options.scenario);
  const scenario = applyOverrides(loaded, options);
  const fleetClients = fleetSize(scenario, options.clients);
  const shard = shardOption(options, fleetClients);
  if (options.out !== undefined) await checkWritable(options.out);
  if (options.html !== undefined) await checkWritable(options.html);
  // Listen before building the fleet: a Ctrl-C during set-up still ends cleanly.
  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  // --quiet: no summary and no progress (warnings and errors still go to stderr).
  const progress = options.quiet === true ? silentProgress() : createProgress(process.stderr, `${scenario.name}`);
  let outcome: DriverOutcome | undefined;
  let violation: InvariantViolation | null = null;
  try {
    const shouldStop = (): boolean => interrupted;
    outcome =
      scenario.mode === "realtime"
        ? await runRealtimeMode(scenario, { ...options, shard }, progress, shouldStop)
        : await runVirtualMode(scenario, { ...options, shard }, progress, shouldStop);
  } catch (err) {
    if (!(err instanceof InvariantViolation)) throw err;
    violation = err;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    progress.done();
  }
  // No outcome: an invariant broke (every other error was rethrown above).
  if (outcome === undefined) {
    if (violation !== null) process.stderr.write(`kmssim: --check: ${violation.message}\n  replay: ${reproduceCommand({ ...options, check: true }, violation.seed)}\n`);
    return EXIT.runFailed;
  }
  const result = buildResult(outcome.totals, outcome.wallSeconds, interrupted, shardMeta(shard, fleetClients, scenario, options));
  // The summary first: if the file cannot be written after all, the numbers are still shown.
  if (!options.quiet) process.stdout.write(`${renderSummary(result, { color: process.stdout.isTTY === true })}\n`);
  if (options.out !== undefined) await writeFileAtomic(options.out, `${JSON.stringify(result, null, 2)}\n`);
  if (options.html !== undefined) {
    const scenarioText = await readUserFile(options.scenario, READ_LIMITS.scenario).catch(() => undefined);
    await writeFileAtomic(options.html, renderHtmlReport(result, { scenarioText }));
  }
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
    process.stderr.write(`kmssim: internal check failed: ${outcome.illegalInputs} illegal client transitions; reproduce with: ${reproduceCommand(options, scenario.seed)}\n`);
    return EXIT.runFailed;
  }
  return exitCodeFor(result, options, interrupted);
}

function exitCodeFor(result: Result, options: RunOptions, interrupted: boolean): number {
  if (interrupted) {
    process.stderr.write(`kmssim: interrupted at simulated ${result.simulatedSeconds}s; partial result ${options.out ? `written to ${relative(process.cwd(), options.out)}` : "shown above"}\n`);
    return EXIT.interrupted;
  }
  if (!result.pass) {
    process.stderr.write(`kmssim: thresholds failed; reproduce with: ${reproduceCommand(options, result.seed)}\n`);
    return EXIT.thresholdFailed;
  }
  return EXIT.pass;
}

/** The command line that replays this run exactly. */
export function reproduceCommand(options: RunOptions, seed: number): string {
  const parts = ["kmssim", "run", options.scenario, "--seed", String(seed)];
  if (options.mode !== undefined) parts.push("--mode", options.mode);
  if (options.clients !== undefined) parts.push("--clients", String(options.clients));
  if (options.check === true) parts.push("--check");
  if (options.shard !== undefined) parts.push("--shard", options.shard);
  // Not --start-at: a replay starts at its own time.
  if (options.externalHosts === true) parts.push("--external-hosts");
  for (const address of options.allowAddress ?? []) parts.push("--allow-address", address);
  return parts.join(" ");
}

function applyOverrides(scenario: Scenario, options: RunOptions): Scenario {
  const out: Scenario = { ...scenario };
  if (options.mode !== undefined) out.mode = options.mode;
  if (options.seed !== undefined) {
    if (!Number.isSafeInteger(options.seed) || options.seed < 0) throw new UserError(`--seed must be a whole number ≥ 0, got ${options.seed}`);
    out.seed = options.seed;
  }
  rejectRealtimeOnlyFlags(options, out.mode);
  // A shard judges no thresholds; its merge does, with the hosts' own counts (--hosts).
  if (options.externalHosts === true && options.shard === undefined) rejectHostSideThresholds(out);
  if (options.check === true && out.mode === "realtime") {
    throw new UserError(
      "--check is virtual-only: it checks the discrete-event engine's invariants after every event, and a realtime run has no single order of events to check. Use --mode virtual with --check, or drop --check.",
    );
  }
  if (options.metricsPort !== undefined) {
    if (out.mode !== "realtime") throw new UserError("--metrics-port is for realtime runs (--mode realtime): a virtual run ends before anyone could scrape it");
    if (!Number.isSafeInteger(options.metricsPort) || options.metricsPort < 0 || options.metricsPort > 65535) {
      throw new UserError(`--metrics-port must be a port number from 0 to 65535 (0 = a free port), got ${options.metricsPort}`);
    }
  }
  if (options.workers !== undefined && (!Number.isSafeInteger(options.workers) || options.workers < 0 || options.workers > 64)) {
    throw new UserError(`--workers must be a whole number from 0 to 64 (0 = clients on the main thread), got ${options.workers}`);
  }
  if (options.clients !== undefined && (!Number.isSafeInteger(options.clients) || options.clients < scenario.clients.length)) {
    throw new UserError(`--clients must be a whole number ≥ ${scenario.clients.length} (one per client group), got ${options.clients}`);
  }
  return out;
}

/** --shard i/N, checked against the run it splits; the whole fleet without the flag. */
function shardOption(options: RunOptions, fleetClients: number): ShardSpec {
  if (options.shard === undefined) return WHOLE_FLEET;
  let shard: ShardSpec;
  try {
    shard = parseShard(options.shard);
  } catch (err) {
    if (err instanceof ShardSpecError) throw new UserError(`--shard: ${err.message}`);
    throw err;
  }
  if (options.check === true && shard.count > 1) {
    throw new UserError(
      "--check cannot be combined with --shard: every virtual shard simulates the whole fleet, so check that once with the same scenario and seed, without --shard",
    );
  }
  if (shard.count > fleetClients) throw new UserError(`--shard ${formatShard(shard)}: more shards than the ${fleetClients} clients of the fleet; use at most ${fleetClients}`);
  return shard;
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

/**
 * With --external-hosts the result's hosts[] are what the clients saw; a threshold on
 * what only a host counts would be judged on placeholders (0) and pass unmeasured.
 */
function rejectHostSideThresholds(scenario: Scenario): void {
  const hostSide = hostSideThresholds(scenario.thresholds, scenario.hosts.map((h) => h.name));
  if (hostSide.length === 0) return;
  throw new UserError(
    `with --external-hosts the hosts run elsewhere (kmssim host) and count these themselves, so this run cannot judge ${hostSide.join(", ")}: ` +
      "run it as --shard 1/1 and judge it with `kmssim merge shard.json --hosts hosts.json` (hosts.json from `kmssim host --out`), or drop the threshold",
  );
}
