// `run` in virtual mode: the discrete-event engine in slices, yielding to the event
// loop between them so progress draws and Ctrl-C is heard.

import { formatDurationShort } from "../format/format-duration.js";
import type { RunTotals } from "../results/run-totals.js";
import type { Scenario } from "../scenario/model.js";
import { injectedFaultIn } from "../self-test/fault-sites.js";
import { VirtualEngine } from "../sim/virtual-engine.js";
import type { ProgressSink } from "./progress.js";
import type { ShardSpec } from "../core/shard/shard.js";

export interface DriverOutcome {
  totals: RunTotals;
  wallSeconds: number;
  illegalInputs: number;
  /** With --check: events checked and full sweeps over the fleet (all invariants held). */
  checks?: { eventsChecked: number; sweeps: number };
  /** The run failed part-way; `totals` holds what was measured. Thrown after the result is written. */
  failure?: Error;
}

const EVENTS_PER_SLICE = 250_000;

export async function runVirtualMode(
  scenario: Scenario,
  options: { clients?: number; check?: boolean; shard?: ShardSpec },
  progress: ProgressSink,
  shouldStop: () => boolean,
): Promise<DriverOutcome> {
  const startedAt = process.hrtime.bigint();
  // Self-test: a virtual fault site corrupts the run once so `--check` can be seen to catch it.
  const faultSite = injectedFaultIn("virtual");
  // Throws InvariantViolation on the first broken invariant when checking.
  const engine = new VirtualEngine(scenario, { clients: options.clients, check: options.check === true, faultSite, shard: options.shard });
  while (!shouldStop() && !engine.step(EVENTS_PER_SLICE)) {
    progress.update(
      engine.nowMs / scenario.durationMs,
      `simulated ${formatDurationShort(engine.nowMs / 1000)} of ${formatDurationShort(scenario.durationMs / 1000)} · ` +
        `${engine.activatedClients}/${engine.clientCount} activated · ${(engine.eventsProcessed / 1e6).toFixed(1)}M events`,
    );
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (shouldStop()) engine.sampleNow();
  const wallSeconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  const checker = engine.checker;
  return {
    totals: engine.totals(),
    wallSeconds,
    illegalInputs: engine.illegalInputs,
    ...(checker === null ? {} : { checks: { eventsChecked: checker.eventsChecked, sweeps: checker.sweeps } }),
  };
}
