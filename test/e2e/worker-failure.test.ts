import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { BIN, REPO_ROOT, scenarioPath } from "./helpers.js";

describe("a fleet worker that dies", () => {
  it("fails the realtime run with exit code 3 and a message within seconds, never a hang", async () => {
    const run = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, "run", scenarioPath("realtime-smoke.yaml"), "--quiet"], {
        cwd: REPO_ROOT,
        env: { ...process.env, KMSSIM_INJECT_FAULT: "worker-throw" },
        stdio: ["ignore", "ignore", "pipe"],
      });
      let stderr = "";
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
      // A hang would be killed here and show up as code null, failing the test.
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code, stderr });
      });
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("fleet worker failed");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
