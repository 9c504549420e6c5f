import { describe, expect, it } from "vitest";
import { kmssim, scenarioPath } from "./helpers.js";

describe("KMSSIM_INJECT_FAULT", () => {
  it("a name that is no fault site is refused before the run, exit 2, listing the sites", async () => {
    const run = await kmssim(["run", scenarioPath("single-host.yaml"), "--quiet"], { env: { KMSSIM_INJECT_FAULT: "invariant-cout" } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("KMSSIM_INJECT_FAULT: 'invariant-cout' is no fault site");
    expect(run.stderr).toContain("invariant-count");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
