import { describe, expect, it } from "vitest";
import { kmssim, scenarioPath } from "./helpers.js";

describe("a fleet worker that dies", () => {
  it("fails the realtime run with exit code 3 and a message within seconds, never a hang", async () => {
    // A hang would be killed after 30 s and show up as code null, failing the test.
    const run = await kmssim(["run", scenarioPath("realtime-smoke.yaml"), "--quiet"], { env: { KMSSIM_INJECT_FAULT: "worker-throw" }, timeoutMs: 30_000 });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("fleet worker failed");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
