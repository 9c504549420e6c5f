// Ctrl-C during `compare --replications N` on scenario files: the runs stop, the runs that
// finished are compared (baseline and candidate runs alternate, so both sides have some),
// the comparison says it covers only those, and the exit code is 130 (README).

import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, REPO_ROOT, stackFrames, tempDirs, writeScenario, yaml } from "./helpers.js";

const tmp = tempDirs();

interface Stopped {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Runs done at the progress line that triggered the signal, or null if the compare ended first. */
  doneAtSignal: number | null;
}

/**
 * compare …, SIGINT at the first progress line (a plain line every 5 s off a TTY) that
 * says at least `doneAtLeast` runs are done; SIGKILL 60 s later. (The first line on a busy
 * machine can say 1 done: one side only, nothing to compare.)
 */
function interruptOnceDone(args: readonly string[], doneAtLeast: number): Promise<Stopped> {
  const child = spawn(process.execPath, [BIN, "compare", ...args], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let doneAtSignal: number | null = null;
  let killer: NodeJS.Timeout | undefined;
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
    if (doneAtSignal !== null) return;
    const done = [...stderr.matchAll(/^compare: \d+% after \d+s · (\d+)\/\d+ runs done$/gm)].map((m) => Number(m[1]));
    if (done.some((n) => n >= doneAtLeast)) {
      doneAtSignal = Math.max(...done);
      child.kill("SIGINT");
      killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    }
  });
  return new Promise((resolve) =>
    child.on("close", (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr, doneAtSignal });
    }),
  );
}

describe("compare --replications: Ctrl-C", () => {
  it("compares the runs that finished, says so (table, warning, --out) and exits 130", async () => {
    const dir = tmp.make();
    // About 0.1 s a run: 200 runs take far longer than the 5 s before the first progress line.
    const scenario = writeScenario(
      dir,
      "fleet.yaml",
      yaml(
        "name: compare-interrupt",
        "seed: 3",
        "duration: 60d",
        "hosts:",
        "  - name: kms1",
        "clients:",
        "  - { name: desktops, count: 2000, bootSpread: 2h }",
      ),
    );
    const out = join(dir, "compare.json");
    // One worker runs the tasks one at a time in their order, baseline and candidate
    // alternating: once 2 are done, each side has a finished run.
    const run = await interruptOnceDone([scenario, scenario, "--replications", "100", "--workers", "1", "--out", out], 2);
    expect(run.doneAtSignal, `the compare ended before a progress line said 2 runs were done; stderr:\n${run.stderr}`).not.toBeNull();
    expect(run.code, run.stderr).toBe(130);
    expect(stackFrames(run.stderr)).toEqual([]);
    const stopped = /stopped after (\d+) of 200 runs/.exec(run.stderr);
    expect(stopped, run.stderr).not.toBeNull();
    const finished = Number(stopped![1]);
    expect(finished).toBeGreaterThanOrEqual(Math.max(2, run.doneAtSignal!));
    expect(finished).toBeLessThan(200);
    // Alternating runs: the sides differ by at most one run, and the heading says how many each has.
    const perSide = [...run.stdout.matchAll(/× (\d+) of 100/g)].map((m) => Number(m[1]));
    expect(perSide).toHaveLength(2);
    expect(perSide[0] + perSide[1]).toBe(finished);
    expect(Math.abs(perSide[0] - perSide[1])).toBeLessThanOrEqual(1);
    expect(run.stdout).toMatch(/PASS|FAIL/);
    expect(existsSync(out)).toBe(true);
    const report = JSON.parse(readFileSync(out, "utf8")) as { warnings: string[]; baseline: { seeds: number[] }; candidate: { seeds: number[] } };
    expect(report.warnings.some((w) => w.startsWith(`stopped after ${finished} of 200 runs`))).toBe(true);
    expect([report.baseline.seeds.length, report.candidate.seeds.length]).toEqual(perSide);
    // Room for a loaded machine, where one run can take seconds: this test waits for two.
  }, 180_000);
});
