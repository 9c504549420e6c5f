// --start-at shares simulated time 0 between processes; when this run's own set-up ends
// after that instant, the clients due meanwhile all start at once. The run says so.
import { describe, expect, it } from "vitest";
import { CompressedClock } from "../../src/realtime/compressed-clock.js";
import { runRealtime } from "../../src/realtime/realtime-engine.js";
import { scenarioFrom } from "../sim/helpers.js";

const TIME_SCALE = 3600;

const UNIT_S = { d: 86_400, h: 3_600, m: 60, s: 1 } as const;

/**
 * "4h 10m" or "4h" (formatDurationShort: whole units, at most two, the second left out
 * when 0) in seconds, and the size of the unit after the first: what it leaves out is less.
 */
function shortDurationSeconds(text: string): { seconds: number; droppedBelowS: number } {
  const parts = [...text.matchAll(/(\d+)([dhms])/g)].map((m) => ({ count: Number(m[1]), unitS: UNIT_S[m[2] as keyof typeof UNIT_S] }));
  const sizes = Object.values(UNIT_S);
  return {
    seconds: parts.reduce((a, p) => a + p.count * p.unitS, 0),
    droppedBelowS: sizes[Math.min(sizes.length - 1, sizes.indexOf(parts[0].unitS) + 1)],
  };
}

const SCENARIO = `
name: late-start
seed: 3
mode: realtime
duration: 6h
timeScale: ${TIME_SCALE}
hosts: [ { name: kms1 } ]
clients: [ { name: c, count: 30, bootSpread: 1h } ]
`;

describe("a realtime run whose set-up ends after --start-at", () => {
  it("warns how late it starts, in wall and simulated time, and still runs", async () => {
    const warnings: string[] = [];
    const totals = await runRealtime(scenarioFrom(SCENARIO), {
      workers: 0,
      originEpochMs: CompressedClock.wallNowMs() - 3000,
      onWarning: (message) => warnings.push(message),
    });
    const late = warnings.filter((w) => w.includes("after --start-at"));
    expect(late).toHaveLength(1);
    // At least the 3 s it was given late (set-up itself adds a busy machine's worth), and
    // the simulated time is those wall seconds at the scenario's 3600 per second.
    const said = /set-up ended (\d+\.\d) s after --start-at, ((?:\d+[dhms] ?)+) of simulated time/.exec(late[0]);
    expect(said, late[0]).not.toBeNull();
    const lateWallS = Number(said![1]);
    expect(lateWallS).toBeGreaterThanOrEqual(3);
    const { seconds: lateSimS, droppedBelowS } = shortDurationSeconds(said![2]);
    // Apart by at most the wall seconds' rounding (0.05 s, at 3600) and what the short form leaves out.
    expect(Math.abs(lateSimS - lateWallS * TIME_SCALE)).toBeLessThan(0.05 * TIME_SCALE + droppedBelowS);
    expect(totals.activatedClients).toBe(30);
  }, 30_000);

  it("says nothing when set-up ends in time", async () => {
    const warnings: string[] = [];
    await runRealtime(scenarioFrom(SCENARIO.replace("duration: 6h", "duration: 1h")), {
      workers: 0,
      originEpochMs: CompressedClock.wallNowMs() + 1500,
      onWarning: (message) => warnings.push(message),
    });
    expect(warnings.filter((w) => w.includes("after --start-at"))).toEqual([]);
  }, 30_000);
});
