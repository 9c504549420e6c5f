import { describe, expect, it } from "vitest";
import { envNameOf, withEnvFlags } from "../../src/cli/env-flags.js";
import { RUN_FLAGS } from "../../src/cli/run-flags.js";

const argv = ["run", "s.yaml"];

describe("run flags from KMSSIM_* variables", () => {
  it("names every run flag KMSSIM_<FLAG>", () => {
    expect(envNameOf("metrics-port")).toBe("KMSSIM_METRICS_PORT");
    expect(Object.keys(RUN_FLAGS).map(envNameOf)).toContain("KMSSIM_SEED");
  });

  it("adds what the environment sets and the command line does not; the command line wins", () => {
    expect(withEnvFlags(argv, { KMSSIM_SEED: "7", KMSSIM_OUT: "r.json" })).toEqual(["run", "s.yaml", "--seed=7", "--out=r.json"]);
    expect(withEnvFlags([...argv, "--seed", "9"], { KMSSIM_SEED: "7" })).toEqual(["run", "s.yaml", "--seed", "9"]);
    expect(withEnvFlags([...argv, "--no-quiet"], { KMSSIM_QUIET: "1" })).toEqual(["run", "s.yaml", "--no-quiet"]);
  });

  it("reads booleans as 1/0, true/false, yes/no, on/off, a list as commas, and puts flags before `--`", () => {
    expect(withEnvFlags(argv, { KMSSIM_QUIET: "yes", KMSSIM_CHECK: "0" })).toEqual(["run", "s.yaml", "--quiet", "--no-check"]);
    expect(withEnvFlags(argv, { KMSSIM_ALLOW_ADDRESS: "10.0.0.5, 10.0.0.6" })).toEqual([
      "run",
      "s.yaml",
      "--allow-address=10.0.0.5",
      "--allow-address=10.0.0.6",
    ]);
    expect(withEnvFlags([...argv, "--", "x"], { KMSSIM_SEED: "3" })).toEqual(["run", "s.yaml", "--seed=3", "--", "x"]);
  });

  it("ignores variables that are no run flag and empty ones; refuses a boolean it cannot read, naming the variable", () => {
    expect(withEnvFlags(argv, { KMSSIM_INJECT_FAULT: "event-fail", KMSSIM_SEED: "" })).toEqual(argv);
    expect(() => withEnvFlags(argv, { KMSSIM_QUIET: "maybe" })).toThrow(/KMSSIM_QUIET=maybe: expected 1 or 0/);
  });
});
