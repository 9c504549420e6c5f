// Ctrl-C (README, exit codes): 130, and the partial result is still written, marked
// `"interrupted": true`, with the simulated time reached so far.

import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { BIN, REPO_ROOT, durationSeconds, expectResultContract, scenarioPath, stackFrames, tempDirs, type Result } from "./helpers.js";

const tmp = tempDirs();

interface Interrupted {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Starts the run, sends SIGINT after `delayMs`, and waits for the process to end. */
async function interruptAfter(out: string, delayMs: number): Promise<Interrupted> {
  const child = spawn(process.execPath, [BIN, "run", scenarioPath("large-fleet.yaml"), "--clients", "300000", "--out", out, "--quiet"], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  child.stdout.resume();
  const exited = new Promise<Interrupted>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stderr })));
  const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const sender = setTimeout(() => child.kill("SIGINT"), delayMs);
  const result = await exited;
  clearTimeout(killer);
  clearTimeout(sender);
  return result;
}

describe("SIGINT during a long run", () => {
  it("exits 130 and writes the partial result with interrupted: true", async () => {
    const out = join(tmp.make(), "partial.json");
    // Node needs ~0.7 s (more on a loaded machine) to load the CLI and build 300k clients;
    // a SIGINT before the run starts ends the process the default way (no result yet).
    // Then try again a little later: what is tested is an interrupt *during* the run.
    let outcome = await interruptAfter(out, 1500);
    for (let delay = 3000; outcome.signal === "SIGINT" && delay <= 6000; delay *= 2) outcome = await interruptAfter(out, delay);
    const { code, signal, stderr } = outcome;

    expect(signal).toBeNull();
    expect(code).toBe(130);
    expect(stackFrames(stderr)).toEqual([]);
    expect(stderr).toMatch(/interrupted/);
    expect(existsSync(out)).toBe(true);
    const result = JSON.parse(readFileSync(out, "utf8")) as Result;
    expect(result.interrupted).toBe(true);
    expect(result.pass).toBe(false);
    const spec = parse(readFileSync(scenarioPath("large-fleet.yaml"), "utf8")) as { duration: string };
    expect(result.simulatedSeconds).toBeGreaterThan(0);
    expect(result.simulatedSeconds).toBeLessThan(durationSeconds(spec.duration));
    expect(result.clients.total).toBe(300_000);
    for (const sample of result.timeline) expect(sample.t, "the timeline stops where the run stopped").toBeLessThanOrEqual(result.simulatedSeconds);
    expectResultContract(result);
  });
});
