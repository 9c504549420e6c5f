// The summary's words about the load generator itself (realtime runs): first, in plain
// words, when it fell behind or slowed the clock; then one line of its figures.

import { formatCount, formatMs, formatPercent, formatScale } from "../../format/format-number.js";
import type { Palette } from "../../format/palette.js";
import type { GeneratorResult } from "../../results/result.js";

/** A run that reached less than this part of the requested rate says so up front. */
const SLOWED_BELOW = 0.95;

/** Warnings that go first in the summary (none when the generator kept up). */
export function generatorWarnings(g: GeneratorResult | undefined, indent: string, p: Palette): string[] {
  if (g === undefined) return [];
  const lines: string[] = [];
  if (g.saturated) {
    lines.push(
      `${indent}${p.yellow("!")} the load generator fell behind: ${formatPercent(g.lateFraction)} of requests left more than 100 ms late` +
        `${(g.unsentAtEnd ?? 0) > 0 ? " or never left" : ""}; ` +
        "these latencies measure this machine, not the hosts — lower timeScale or clients, or split the fleet with --shard across machines",
    );
  }
  if (g.clock === "adaptive" && g.achievedTimeScale < g.requestedTimeScale * SLOWED_BELOW) {
    lines.push(
      `${indent}${p.yellow("!")} this machine could not keep up with timeScale ${formatScale(g.requestedTimeScale)}: the clock slowed to ` +
        `${formatScale(g.achievedTimeScale)} on average (slowest ${formatScale(g.minTimeScale)}), so outcomes stay the scenario's and only wall time grew ` +
        "(--clock strict keeps the rate)",
    );
  }
  return lines;
}

/** One line of the generator's figures, for the block of fleet-wide lines. */
export function generatorFigures(g: GeneratorResult, p: Palette): string {
  return [
    `clock ${g.clock} ${formatScale(g.achievedTimeScale)} of ${formatScale(g.requestedTimeScale)}`,
    `${formatCount(Math.round(g.achievedRpcPerSecond))} of ${formatCount(Math.round(g.offeredRpcPerSecond))} RPC/s`,
    p.dim(`send lag p50=${formatMs(g.sendLagMs.p50)}ms p99=${formatMs(g.sendLagMs.p99)}ms max=${formatMs(g.sendLagMs.max)}ms`),
    p.dim(`loop delay p99=${formatMs(g.eventLoopDelayMs.p99)}ms`),
    g.saturated ? p.yellow("saturated") : "kept up",
  ].join("  ");
}
