// SRV priority and weight (design.md, "Host selection"): win7 clients pick the lowest
// priority, then by weight (RFC 2782); vista clients pick uniformly and ignore both.

import { describe, expect, it } from "vitest";
import { expectResultContract, host, runScenario, tempDirs, yaml } from "./helpers.js";

const tmp = tempDirs();

/** 4000 clients of one profile, one day, no events: each activates once and caches its host. */
function scenario(os: "win7" | "vista", backup: boolean): string {
  return yaml(
    `name: weights-${os}${backup ? "-backup" : ""}`,
    "seed: 314",
    "duration: 1d",
    "hosts:",
    "  - { name: kms-heavy, priority: 0, weight: 300 }",
    "  - { name: kms-light, priority: 0, weight: 100 }",
    ...(backup ? ["  - { name: kms-backup, priority: 10, weight: 100 }"] : []),
    "clients:",
    `  - { name: fleet, count: 4000, os: ${os}, product: windows-client, bootSpread: 2h }`,
  );
}

describe("weights inside one priority", () => {
  it("win7 clients follow 300:100 weights: the heavy host gets 3/4", async () => {
    const { result, code } = await runScenario(tmp.make(), { name: "w-win7", text: scenario("win7", false) });
    expect(code).toBe(0);
    expectResultContract(result);
    expect(result.clients.notActivated).toBe(0);
    const heavy = host(result, "kms-heavy");
    const light = host(result, "kms-light");
    expect(heavy.expectedShare).toBeCloseTo(0.75, 6);
    expect(light.expectedShare).toBeCloseTo(0.25, 6);
    expect(Math.abs(heavy.share - 0.75)).toBeLessThanOrEqual(0.03);
    expect(Math.abs(light.share - 0.25)).toBeLessThanOrEqual(0.03);
  });

  it("vista clients ignore weights: each host gets 1/2", async () => {
    const { result, code } = await runScenario(tmp.make(), { name: "w-vista", text: scenario("vista", false) });
    expect(code).toBe(0);
    expectResultContract(result);
    expect(result.clients.notActivated).toBe(0);
    for (const name of ["kms-heavy", "kms-light"]) {
      expect(host(result, name).expectedShare).toBeCloseTo(0.5, 6);
      expect(Math.abs(host(result, name).share - 0.5)).toBeLessThanOrEqual(0.03);
    }
  });
});

describe("a host in a worse priority", () => {
  it("gets nothing from win7 clients while the preferred priority answers", async () => {
    const { result, code } = await runScenario(tmp.make(), { name: "p-win7", text: scenario("win7", true) });
    expect(code).toBe(0);
    expectResultContract(result);
    expect(result.clients.notActivated).toBe(0);
    const backup = host(result, "kms-backup");
    expect(backup.requests).toBe(0);
    expect(backup.expectedShare).toBe(0);
    expect(result.failovers).toBe(0);
    expect(Math.abs(host(result, "kms-heavy").share - 0.75)).toBeLessThanOrEqual(0.03);
  });

  it("gets a third from vista clients, who ignore priority", async () => {
    const { result, code } = await runScenario(tmp.make(), { name: "p-vista", text: scenario("vista", true) });
    expect(code).toBe(0);
    expectResultContract(result);
    expect(result.clients.notActivated).toBe(0);
    for (const name of ["kms-heavy", "kms-light", "kms-backup"]) {
      expect(host(result, name).expectedShare).toBeCloseTo(1 / 3, 5);
      expect(Math.abs(host(result, name).share - 1 / 3)).toBeLessThanOrEqual(0.03);
    }
  });
});
