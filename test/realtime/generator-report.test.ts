// The generator section's arithmetic (README "When this machine is the bottleneck"): what
// the scenario offered against what this machine sent, and in what wall time. Pure: no
// sockets, no clock.

import { describe, expect, it } from "vitest";
import { LatencyRecorder } from "../../src/results/latency-recorder.js";
import { generatorReport, type GeneratorInputs } from "../../src/realtime/generator-report.js";

/** A send-lag histogram of `onTime` sends 1 ms late and `late` sends 500 ms late. */
function lags(onTime: number, late: number): string {
  const recorder = new LatencyRecorder();
  for (let k = 0; k < onTime; k++) recorder.recordMs(1);
  for (let k = 0; k < late; k++) recorder.recordMs(500);
  return recorder.encode();
}

/** A strict run of 10 wall seconds at 1,000,000× (10^10 simulated ms) that sent 1000 RPCs, none of them late. */
function inputs(overrides: Partial<GeneratorInputs> = {}): GeneratorInputs {
  return {
    clock: "strict",
    requestedTimeScale: 1_000_000,
    minTimeScale: 1_000_000,
    simulatedMs: 10_000_000_000,
    wallMs: 10_000,
    sendingWallMs: 9_990,
    rpcSent: 1000,
    sendLagHistograms: [lags(1000, 0)],
    lateSends: 0,
    unsentAtEnd: 0,
    threads: [],
    ...overrides,
  };
}

describe("generatorReport", () => {
  it("a strict run that kept up: offered and achieved are the same rate, nothing late or unsent", () => {
    const g = generatorReport(inputs());
    expect([g.offeredRpcPerSecond, g.achievedRpcPerSecond]).toEqual([100, 100]);
    expect([g.lateSends, g.unsentAtEnd, g.lateFraction, g.saturated]).toEqual([0, 0, 0, false]);
  });

  it("a saturated strict run shows its shortfall: a backlog sent in the end grace and steps dropped at the cutoff", () => {
    // 1000 RPCs left, 400 of them late, the last 3 s after the end; 300 due steps never left.
    const g = generatorReport(inputs({ sendingWallMs: 13_000, sendLagHistograms: [lags(600, 400)], lateSends: 400, unsentAtEnd: 300 }));
    expect(g.offeredRpcPerSecond, "every step due, over the wall time the requested rate takes").toBe(130);
    expect(g.achievedRpcPerSecond, "what left, over the wall time it took to send it").toBeCloseTo(1000 / 13, 3);
    expect(g.achievedRpcPerSecond).toBeLessThan(g.offeredRpcPerSecond);
    expect(g.unsentAtEnd).toBe(300);
    expect(g.lateSends, "the sent ones that left late, as before").toBe(400);
    expect(g.lateFraction, "late or never sent, of all due").toBeCloseTo(700 / 1300, 6);
    expect(g.saturated).toBe(true);
    // The time scale stays the clock's: simulated time over wall time to the end of simulated time.
    expect(g.achievedTimeScale).toBe(1_000_000);
  });

  it("steps left unsent alone make a run saturated", () => {
    const g = generatorReport(inputs({ unsentAtEnd: 50 }));
    expect(g.lateFraction).toBeCloseTo(50 / 1050, 6);
    expect(g.saturated).toBe(true);
    expect(g.offeredRpcPerSecond).toBe(105);
    expect(g.achievedRpcPerSecond).toBe(100);
  });

  it("an adaptive clock that slowed: offered at the requested rate, achieved over the longer wall time", () => {
    const g = generatorReport(inputs({ clock: "adaptive", wallMs: 20_000, sendingWallMs: 19_990, minTimeScale: 250_000 }));
    expect([g.offeredRpcPerSecond, g.achievedRpcPerSecond, g.achievedTimeScale]).toEqual([100, 50, 500_000]);
  });
});
