// Everything `run` checks before it starts, in one function `validate` calls too: the
// scenario file, the flags against it, and whether the run fits the machine (memory;
// realtime wall time). A run that passes here only fails for reasons found while running.

import { formatShard, parseShard, ShardSpecError, WHOLE_FLEET, type ShardSpec } from "../core/shard/shard.js";
import { fleetSize } from "../fleet-plan/fleet-plan.js";
import { formatWallTime, MAX_WALL_MS, memoryProblem, realtimeWallMs, WARN_WALL_MS, type FleetSizing, type MachineLimits } from "../fleet-plan/run-limits.js";
import { MAX_FLEET_CLIENTS } from "../scenario/defaults.js";
import { formatDuration } from "../scenario/duration.js";
import type { Scenario } from "../scenario/model.js";
import { hostSideThresholds } from "../merge/host-side.js";
import { loadScenarioWithWarnings } from "./load-or-exit.js";
import { defaultWorkers, machineLimits } from "./machine-limits.js";
import { rejectRealtimeOnlyFlags } from "./run-realtime.js";
import { KmssimError } from "../core/kmssim-error.js";
import type { RunOptions } from "./run-flags.js";
import { metricsListenOf } from "../realtime/live-metrics/metrics-listen.js";
import { parseMetricsPush } from "../realtime/live-metrics/metrics-push.js";

export interface RunInput {
  /** The scenario with --mode and --seed applied. */
  scenario: Scenario;
  fleetClients: number;
  shard: ShardSpec;
  /** What the memory check sized (validate reports its estimate). */
  sizing: FleetSizing;
  /** Things worth saying that do not stop the run (the scenario's warnings, a long realtime run). */
  warnings: string[];
}

export async function checkRunInput(options: RunOptions, machine: MachineLimits = machineLimits()): Promise<RunInput> {
  const { scenario: loaded, warnings: fileWarnings } = await loadScenarioWithWarnings(options.scenario);
  const scenario = applyOverrides(loaded, options);
  const fleetClients = fleetSize(scenario, options.clients);
  const shard = shardOption(options, fleetClients);
  const source = options.clients !== undefined ? `--clients ${options.clients}` : `the client groups (${fleetClients} clients)`;
  const sizing: FleetSizing = {
    mode: scenario.mode,
    fleetClients,
    shard,
    workers: options.workers ?? defaultWorkers(options.externalHosts !== true),
    check: options.check === true,
  };
  const problem = memoryProblem(sizing, machine, source);
  if (problem !== null) throw new KmssimError(problem, "KMSSIM_TOO_BIG");
  return { scenario, fleetClients, shard, sizing, warnings: [...fileWarnings, ...wallTimeWarnings(scenario, options)] };
}

/** A realtime run lasts duration / timeScale of wall time: refused past MAX_WALL_MS unless forced. */
function wallTimeWarnings(scenario: Scenario, options: RunOptions): string[] {
  if (scenario.mode !== "realtime") return [];
  const wallMs = realtimeWallMs(scenario.durationMs, scenario.timeScale);
  const lasts = `this realtime run lasts about ${formatWallTime(wallMs)} of wall time (duration ${formatDuration(scenario.durationMs)} ÷ timeScale ${scenario.timeScale})`;
  if (wallMs > MAX_WALL_MS && options.allowLongRun !== true) {
    throw new KmssimError(
      `timeScale: ${lasts}; more than ${formatWallTime(MAX_WALL_MS)} needs --allow-long-run. Raise timeScale (86400 = a simulated day per second) or shorten duration`,
      "KMSSIM_TOO_LONG",
    );
  }
  return wallMs > WARN_WALL_MS ? [`kmssim: warning: ${lasts}`] : [];
}

function applyOverrides(scenario: Scenario, options: RunOptions): Scenario {
  const out: Scenario = { ...scenario };
  if (options.mode !== undefined) out.mode = options.mode;
  if (options.clock !== undefined) out.realtime = { ...out.realtime, clock: options.clock };
  if (options.seed !== undefined) {
    if (!Number.isSafeInteger(options.seed) || options.seed < 0) throw new KmssimError(`--seed must be a whole number ≥ 0, got ${options.seed}`);
    out.seed = options.seed;
  }
  rejectRealtimeOnlyFlags(options, out.mode);
  // A shard judges no thresholds; its merge does, with the hosts' own counts (--hosts).
  if (options.externalHosts === true && options.shard === undefined) rejectHostSideThresholds(out);
  if (options.check === true && out.mode === "realtime") {
    throw new KmssimError(
      "--check is virtual-only: it checks the discrete-event engine's invariants after every event, and a realtime run has no single order of events to check. Use --mode virtual with --check, or drop --check.",
    );
  }
  checkMetricsFlags(options, out.mode);
  if (options.workers !== undefined && (!Number.isSafeInteger(options.workers) || options.workers < 0 || options.workers > 64)) {
    throw new KmssimError(`--workers must be a whole number from 0 to 64 (0 = clients on the main thread), got ${options.workers}`);
  }
  if (
    options.clients !== undefined &&
    (!Number.isSafeInteger(options.clients) || options.clients < scenario.clients.length || options.clients > MAX_FLEET_CLIENTS)
  ) {
    throw new KmssimError(
      `--clients must be a whole number from ${scenario.clients.length} (one per client group) to ${MAX_FLEET_CLIENTS}, got ${options.clients}`,
    );
  }
  return out;
}

/** --metrics-port, --metrics-listen and --metrics-push: well-formed, not both listen flags, realtime only. */
function checkMetricsFlags(options: RunOptions, mode: Scenario["mode"]): void {
  const listen = metricsListenOf(options);
  if (listen !== null && mode !== "realtime") {
    throw new KmssimError(`${listen.given.split(" ")[0]} is for realtime runs (--mode realtime): a virtual run ends before anyone could scrape it`);
  }
  if (options.metricsPush === undefined) return;
  parseMetricsPush(options.metricsPush);
  if (mode !== "realtime") {
    throw new KmssimError("--metrics-push is for realtime runs (--mode realtime): a virtual run's numbers are in its result (--out), exact and complete");
  }
}

/** --shard i/N, checked against the run it splits; the whole fleet without the flag. */
function shardOption(options: RunOptions, fleetClients: number): ShardSpec {
  if (options.shard === undefined) return WHOLE_FLEET;
  let shard: ShardSpec;
  try {
    shard = parseShard(options.shard);
  } catch (err) {
    if (err instanceof ShardSpecError) throw new KmssimError(`--shard: ${err.message}`, err.code);
    throw err;
  }
  if (options.check === true && shard.count > 1) {
    throw new KmssimError(
      "--check cannot be combined with --shard: every virtual shard simulates the whole fleet, so check that once with the same scenario and seed, without --shard",
    );
  }
  if (shard.count > fleetClients)
    throw new KmssimError(`--shard ${formatShard(shard)}: more shards than the ${fleetClients} clients of the fleet; use at most ${fleetClients}`);
  return shard;
}

/**
 * With --external-hosts the result's hosts[] are what the clients saw; a threshold on
 * what only a host counts would be judged on placeholders (0) and pass unmeasured.
 */
function rejectHostSideThresholds(scenario: Scenario): void {
  const hostSide = hostSideThresholds(
    scenario.thresholds,
    scenario.hosts.map((h) => h.name),
  );
  if (hostSide.length === 0) return;
  throw new KmssimError(
    `with --external-hosts the hosts run elsewhere (kmssim host) and count these themselves, so this run cannot judge ${hostSide.join(", ")}: ` +
      "run it as --shard 1/1 and judge it with `kmssim merge shard.json --hosts hosts.json` (hosts.json from `kmssim host --out`), or drop the threshold",
  );
}
