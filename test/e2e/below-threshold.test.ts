// scenarios/below-threshold.yaml (design.md, "Thresholds"): fewer windows-client machines
// than the activation threshold (25), so the host answers 0xC004F038 until a second wave
// brings the count up; then everyone activates.

import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  ACTIVATION_THRESHOLD,
  durationSeconds,
  expectResultContract,
  host,
  runScenario,
  scenarioPath,
  sumHostRequests,
  tempDirs,
  type ScenarioRun,
} from "./helpers.js";

const tmp = tempDirs();

interface Group {
  name: string;
  count: number;
  product?: string;
  startAt?: string;
}

describe("scenarios/below-threshold.yaml", () => {
  let run: ScenarioRun;
  let groups: Group[];
  let secondWaveS: number;
  beforeAll(async () => {
    const spec = parse(readFileSync(scenarioPath("below-threshold.yaml"), "utf8")) as { clients: Group[]; hosts: { name: string }[] };
    groups = spec.clients;
    secondWaveS = Math.min(...groups.filter((g) => g.startAt !== undefined).map((g) => durationSeconds(g.startAt!)));
    run = await runScenario(tmp.make(), { path: scenarioPath("below-threshold.yaml") });
  });

  it("is set up below the threshold until the second wave", () => {
    const early = groups.filter((g) => g.startAt === undefined || durationSeconds(g.startAt) === 0);
    expect(early.every((g) => (g.product ?? "windows-client") === "windows-client")).toBe(true);
    expect(early.reduce((a, g) => a + g.count, 0)).toBeLessThan(ACTIVATION_THRESHOLD["windows-client"]);
    expect(groups.reduce((a, g) => a + g.count, 0)).toBeGreaterThanOrEqual(ACTIVATION_THRESHOLD["windows-client"]);
    expect(secondWaveS).toBeGreaterThan(0);
  });

  it("answers every request before the second wave with 0xC004F038", () => {
    expect(run.code).toBe(0);
    expectResultContract(run.result);
    const before = run.result.timeline.filter((s) => s.t <= secondWaveS);
    expect(before.length).toBeGreaterThan(0);
    for (const s of before) expect(s.activated, `nobody activated by ${s.t}s`).toBe(0);
    // The pilot clients did ask (and keep retrying): those answers were all 0xC004F038.
    const askedBefore = Object.values(sumHostRequests(before)).reduce((a, b) => a + b, 0);
    expect(askedBefore).toBeGreaterThan(0);
    expect(run.result.rpc.activation.errors["0xC004F038"] ?? 0).toBeGreaterThanOrEqual(askedBefore);
    // They retried: more requests than pilot clients.
    const pilot = groups.filter((g) => g.startAt === undefined).reduce((a, g) => a + g.count, 0);
    expect(askedBefore).toBeGreaterThan(pilot);
  });

  it("activates everybody once the count reaches the threshold", () => {
    const r = run.result;
    expect(r.clients.notActivated).toBe(0);
    expect(r.clients.activated).toBe(groups.reduce((a, g) => a + g.count, 0));
    const after = r.timeline.filter((s) => s.t > secondWaveS);
    expect(after.some((s) => s.activated > 0)).toBe(true);
    expect(host(r, "kms1").count["windows-client"]).toBeGreaterThanOrEqual(ACTIVATION_THRESHOLD["windows-client"]);
    expect(host(r, "kms1").lowCount).not.toContain("windows-client");
  });
});
