// A scenario event the realtime run cannot carry out (here a named fault site fails
// kms2's crash) stops the fleet; what it measured until then is still printed and
// written, marked incomplete, with exit 3. Before, the run threw everything away.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kmssim, scenarioPath, stackFrames, tempDirs, type Result } from "./helpers.js";

const tmp = tempDirs();

describe("a realtime scenario event that fails", () => {
  it("keeps what was measured: the result is written with incomplete, exit 3, no stack trace", async () => {
    const out = join(tmp.make(), "partial.json");
    const run = await kmssim(["run", scenarioPath("realtime-smoke.yaml"), "--out", out], { env: { KMSSIM_INJECT_FAULT: "event-fail" } });
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toContain("a scenario event could not be carried out: injected fault: event-fail (crash kms2)");
    expect(run.stderr).toContain(`what was measured before the failure is in ${out}`);
    expect(stackFrames(run.stderr)).toEqual([]);
    expect(run.stdout).toContain("FAIL");
    expect(existsSync(out)).toBe(true);
    const result = JSON.parse(readFileSync(out, "utf8")) as Result;
    expect(result.incomplete?.reason).toContain("scenario event could not be carried out");
    expect(result.pass).toBe(false);
    // The crash came at simulated day 3: by then the fleet had activated and been measured.
    expect(result.clients.activated).toBeGreaterThan(0);
    expect(result.rpc.activation.ok).toBeGreaterThan(0);
    expect(result.simulatedSeconds).toBeLessThan(7 * 86_400);
  });
});
