// design.md: same scenario + same seed ⇒ byte-identical result JSON apart from wall-clock
// fields; a different seed drives different random choices.

import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { runScenario, scenarioPath, tempDirs, type ScenarioRun } from "./helpers.js";

const tmp = tempDirs();

/** The result file's text without `wallSeconds`, as JSON.stringify lays it out. */
function withoutWallClock(run: ScenarioRun): string {
  const parsed = JSON.parse(readFileSync(run.outPath, "utf8")) as Record<string, unknown>;
  expect(typeof parsed.wallSeconds).toBe("number");
  delete parsed.wallSeconds;
  return JSON.stringify(parsed, null, 2);
}

describe("determinism (scenarios/failover.yaml: hang, crash, slow, failovers)", () => {
  let first: ScenarioRun;
  let second: ScenarioRun;
  let otherSeed: ScenarioRun;
  beforeAll(async () => {
    const dir = tmp.make();
    // A smaller fleet keeps it quick; --clients is part of the same "scenario".
    const small = ["--clients", "600"];
    first = await runScenario(dir, { path: scenarioPath("failover.yaml") }, small);
    second = await runScenario(dir, { path: scenarioPath("failover.yaml") }, small);
    otherSeed = await runScenario(dir, { path: scenarioPath("failover.yaml") }, [...small, "--seed", String(first.result.seed + 1)]);
  });

  it("same scenario and seed: byte-identical JSON apart from wallSeconds", () => {
    expect(first.code).toBe(second.code);
    expect(withoutWallClock(second)).toBe(withoutWallClock(first));
  });

  it("a different --seed: the seed is recorded and the random choices differ", () => {
    expect(otherSeed.result.seed).toBe(first.result.seed + 1);
    expect(withoutWallClock(otherSeed)).not.toBe(withoutWallClock(first));
    // Latencies and host choices are random draws: histograms and shares move.
    expect(otherSeed.result.rpc.activation.histogram).not.toBe(first.result.rpc.activation.histogram);
    expect(otherSeed.result.hosts.map((h) => h.requests)).not.toEqual(first.result.hosts.map((h) => h.requests));
    // The fleet is the same size either way.
    expect(otherSeed.result.clients.total).toBe(first.result.clients.total);
  });
});
