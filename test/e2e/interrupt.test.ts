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

/**
 * Starts the run and sends SIGINT once it prints its first progress line: a sign the
 * engine is stepping, so simulated time has moved. (A fixed delay raced the set-up of
 * 300k clients on a busy machine: the interrupt landed before the first event.)
 */
async function interruptOnceRunning(out: string): Promise<Interrupted> {
  // No --quiet: off a TTY, progress is a plain stderr line every few seconds.
  const child = spawn(process.execPath, [BIN, "run", scenarioPath("large-fleet.yaml"), "--clients", "1000000", "--out", out], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  let sent = false;
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
    if (!sent && /\d+% after \d+s/.test(stderr)) {
      sent = true;
      child.kill("SIGINT");
    }
  });
  child.stdout.resume();
  const exited = new Promise<Interrupted>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stderr })));
  const killer = setTimeout(() => child.kill("SIGKILL"), 100_000);
  const result = await exited;
  clearTimeout(killer);
  return result;
}

describe("SIGINT during a long run", () => {
  it("exits 130 and writes the partial result with interrupted: true", async () => {
    const out = join(tmp.make(), "partial.json");
    const outcome = await interruptOnceRunning(out);
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
    expect(result.clients.total).toBe(1_000_000);
    for (const sample of result.timeline) expect(sample.t, "the timeline stops where the run stopped").toBeLessThanOrEqual(result.simulatedSeconds);
    expectResultContract(result);
  });
});
