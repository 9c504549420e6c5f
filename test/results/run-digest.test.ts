// The run digest names what a run simulates: the same fleet is the same run however it
// was asked for, and anything that changes the simulation changes the digest.
import { describe, expect, it } from "vitest";
import { runDigest } from "../../src/results/run-digest.js";
import { scenarioFrom } from "../sim/helpers.js";

const scenario = () =>
  scenarioFrom(`
name: digest
seed: 8
duration: 1d
hosts: [ { name: kms1 } ]
clients:
  - { name: a, count: 300 }
  - { name: b, count: 100 }
`);

describe("runDigest", () => {
  it("--clients equal to the scenario's fleet is the same run as no --clients", () => {
    expect(runDigest(scenario(), { clients: 400 })).toBe(runDigest(scenario(), {}));
  });

  it("differs for another fleet size, seed or mode", () => {
    const base = runDigest(scenario(), {});
    expect(runDigest(scenario(), { clients: 401 })).not.toBe(base);
    expect(runDigest(scenario(), { seed: 9 })).not.toBe(base);
    expect(runDigest(scenario(), { mode: "realtime" })).not.toBe(base);
    const changed = scenario();
    changed.hosts[0].serviceTimeMs *= 2;
    expect(runDigest(changed, {})).not.toBe(base);
  });
});
