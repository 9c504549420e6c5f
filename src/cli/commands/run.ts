// `kmssim run <scenario>`: simulate the fleet, print the summary, write the result JSON.

import { relative } from "node:path";
import type { Result } from "../../output/result.js";
import { formatDurationShort } from "../../output/format-duration.js";
import { renderSummary } from "../../output/summary.js";
import type { Scenario } from "../../scenario/model.js";
import { buildResult } from "../../run/build-result.js";
import { VirtualEngine } from "../../sim/virtual-engine.js";
import { loadScenarioOrThrow } from "../load-or-exit.js";
import { createProgress } from "../progress.js";
import { EXIT, UserError } from "../user-error.js";
import { writeFileAtomic } from "../write-file-atomic.js";

export interface RunOptions {
  scenario: string;
  mode?: "virtual" | "realtime";
  seed?: number;
  clients?: number;
  out?: string;
  quiet?: boolean;
}

/** Events per slice between yields to the event loop (signals, progress). */
const EVENTS_PER_SLICE = 250_000;

export async function runCommand(options: RunOptions): Promise<number> {
  const loaded = await loadScenarioOrThrow(options.scenario);
  const scenario = applyOverrides(loaded, options);
  if (scenario.mode === "realtime") {
    throw new UserError(
      "realtime mode is not available in this build yet; run with --mode virtual (the default) for now",
      "KMSSIM_MODE_UNAVAILABLE",
    );
  }
  // Listen before building the fleet: a Ctrl-C during set-up still ends cleanly.
  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const startedAt = process.hrtime.bigint();
  const engine = new VirtualEngine(scenario, { clients: options.clients });
  const progress = createProgress(process.stderr, `${scenario.name}`);
  try {
    while (!interrupted && !engine.step(EVENTS_PER_SLICE)) {
      progress.update(
        engine.nowMs / scenario.durationMs,
        `simulated ${formatDurationShort(engine.nowMs / 1000)} of ${formatDurationShort(scenario.durationMs / 1000)} · ` +
          `${engine.activatedClients}/${engine.clientCount} activated · ${(engine.eventsProcessed / 1e6).toFixed(1)}M events`,
      );
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    progress.done();
  }
  if (interrupted) engine.sampleNow();
  const wallSeconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  const result = buildResult(engine.totals(), wallSeconds, interrupted);
  if (options.out !== undefined) await writeFileAtomic(options.out, `${JSON.stringify(result, null, 2)}\n`);
  if (!options.quiet) process.stdout.write(`${renderSummary(result, { color: process.stdout.isTTY === true })}\n`);
  if (engine.illegalInputs > 0) {
    process.stderr.write(`kmssim: internal check failed: ${engine.illegalInputs} illegal client transitions; reproduce with --seed ${scenario.seed}\n`);
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
  return parts.join(" ");
}

function applyOverrides(scenario: Scenario, options: RunOptions): Scenario {
  const out: Scenario = { ...scenario };
  if (options.mode !== undefined) out.mode = options.mode;
  if (options.seed !== undefined) {
    if (!Number.isSafeInteger(options.seed) || options.seed < 0) throw new UserError(`--seed must be a whole number ≥ 0, got ${options.seed}`);
    out.seed = options.seed;
  }
  if (options.clients !== undefined && (!Number.isSafeInteger(options.clients) || options.clients < scenario.clients.length)) {
    throw new UserError(`--clients must be a whole number ≥ ${scenario.clients.length} (one per client group), got ${options.clients}`);
  }
  return out;
}
