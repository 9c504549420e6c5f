// Ctrl-C (README, exit codes): 130, and the partial result is still written, marked
// `"interrupted": true`, with the simulated time reached so far.

import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { BIN, REPO_ROOT, durationSeconds, expectResultContract, scenarioPath, stackFrames, tempDirs, type Result } from "./helpers.js";

const tmp = tempDirs();

describe("SIGINT during a long run", () => {
  it("exits 130 and writes the partial result with interrupted: true", async () => {
    const out = join(tmp.make(), "partial.json");
    const child = spawn(process.execPath, [BIN, "run", scenarioPath("large-fleet.yaml"), "--clients", "300000", "--out", out, "--quiet"], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.stdout.resume();
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on("close", (code, signal) => resolve({ code, signal })),
    );
    const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    child.kill("SIGINT");
    const { code, signal } = await exited;
    clearTimeout(killer);

    expect(signal).toBeNull();
    expect(code).toBe(130);
    expect(stackFrames(stderr)).toEqual([]);
    expect(existsSync(out)).toBe(true);
    const result = JSON.parse(readFileSync(out, "utf8")) as Result;
    expect(result.interrupted).toBe(true);
    expect(result.pass).toBe(false);
    const spec = parse(readFileSync(scenarioPath("large-fleet.yaml"), "utf8")) as { duration: string };
    expect(result.simulatedSeconds).toBeLessThan(durationSeconds(spec.duration));
    expect(result.clients.total).toBe(300_000);
    expectResultContract(result);
  });
});
