// A scenario event the realtime run cannot carry out (here a named fault site fails
// kms2's crash) stops the fleet; what it measured until then is still printed and
// written, marked incomplete, with exit 3. Before, the run threw everything away.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, REPO_ROOT, scenarioPath, stackFrames, tempDirs, type Result } from "./helpers.js";

const tmp = tempDirs();

describe("a realtime scenario event that fails", () => {
  it("keeps what was measured: the result is written with incomplete, exit 3, no stack trace", async () => {
    const out = join(tmp.make(), "partial.json");
    const run = await new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, "run", scenarioPath("realtime-smoke.yaml"), "--out", out], {
        cwd: REPO_ROOT,
        env: { ...process.env, KMSSIM_INJECT_FAULT: "event-fail" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      let stdout = "";
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
      const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code, stderr, stdout });
      });
    });
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
