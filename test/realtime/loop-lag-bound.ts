// How late a realtime run's own timers may fire, from what the run reports: the worst
// event-loop delay of its threads, plus what that measure can miss. Realtime tests bound
// simulated lateness by this, never by a number that holds only on an idle machine.
import type { RunTotals } from "../../src/results/run-totals.js";

/**
 * Wall ms the reported maximum may fall short of a timer's real lateness: the delay
 * monitor's 10 ms resolution, a slowed clock's 10 ms re-check, and a few ms of rounding.
 */
const UNMEASURED_MS = 25;

/** The most simulated seconds one wait of this run (a timer, a message to its own thread) overran. */
export function lateBoundSimS(totals: RunTotals): number {
  const g = totals.generator;
  if (g === undefined) throw new Error("not a realtime result: no generator section");
  // The rate never exceeds the requested one, so a wall ms is at most that many simulated ms.
  return ((g.eventLoopDelayMs.max + UNMEASURED_MS) * g.requestedTimeScale) / 1000;
}

/**
 * How late a `scavenged` event may come after its record's last `published` time + the age.
 * That event's time is when the host sent the update; the zone stamps the record when the
 * update arrives, a wait on the same loaded loop (93 wall ms, 2.2 simulated hours, seen at
 * time 0 next to two busy loops). Then the scavenger's own wake: two waits.
 */
export function scavengeLateBoundSimS(totals: RunTotals): number {
  return 2 * lateBoundSimS(totals);
}
