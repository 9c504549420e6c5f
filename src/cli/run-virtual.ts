// `run` in virtual mode: the discrete-event engine in slices, yielding to the event
// loop between them so progress draws and Ctrl-C is heard.

import { formatDurationShort } from "../output/format-duration.js";
import type { RunTotals } from "../run/run-totals.js";
import type { Scenario } from "../scenario/model.js";
import { VirtualEngine } from "../sim/virtual-engine.js";
import type { ProgressSink } from "./progress.js";

export interface DriverOutcome {
  totals: RunTotals;
  wallSeconds: number;
  illegalInputs: number;
}

const EVENTS_PER_SLICE = 250_000;

export async function runVirtualMode(
  scenario: Scenario,
  options: { clients?: number },
  progress: ProgressSink,
  shouldStop: () => boolean,
): Promise<DriverOutcome> {
  const startedAt = process.hrtime.bigint();
  const engine = new VirtualEngine(scenario, { clients: options.clients });
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
  return { totals: engine.totals(), wallSeconds, illegalInputs: engine.illegalInputs };
}
