// --start-at shares simulated time 0 between processes; when this run's own set-up ends
// after that instant, the clients due meanwhile all start at once. The run says so.
import { describe, expect, it } from "vitest";
import { CompressedClock } from "../../src/realtime/compressed-clock.js";
import { runRealtime } from "../../src/realtime/realtime-engine.js";
import { scenarioFrom } from "../sim/helpers.js";

const SCENARIO = `
name: late-start
seed: 3
mode: realtime
duration: 6h
timeScale: 3600
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
    // 3 wall seconds at 3600 simulated seconds each: about 3 simulated hours.
    expect(late[0]).toMatch(/set-up ended 3\.\d s after --start-at, 3h[ \dm]* of simulated time/);
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
