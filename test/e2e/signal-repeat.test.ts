// Signals never lose what was measured (issue 12). A second Ctrl-C while the run is still
// stopping (in-flight requests to a hung host wait out their timeout) only reminds that the
// partial result is being written; a third quits without it. A SIGTERM at any moment from
// the first line on ends with 130 (README: Ctrl-C or SIGTERM), no stack trace, and either
// a plain "before anything was measured" or the partial result.
//
// Every child is SIGKILLed after a bounded wait; every timer is cleared.

import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, REPO_ROOT, stackFrames, tempDirs, writeScenario, yaml, type Result } from "./helpers.js";

const tmp = tempDirs();
const KILL_AFTER_MS = 45_000;
/**
 * When the first Ctrl-C comes: well after simulated time 0, which waits until every worker
 * has built its slice (2–3 s after spawn on a loaded 2-core machine), and long before the
 * 30-day scenario (30 s) ends by itself.
 */
const FIRST_SIGNAL_MS = 6000;

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  result: Result | null;
}

/** `kmssim run <scenario> --out <out> --quiet`, with `signals` sent at their wall ms after spawn. */
async function runWithSignals(scenario: string, out: string, signals: readonly { atMs: number; signal: NodeJS.Signals }[]): Promise<Ended> {
  const child = spawn(process.execPath, [BIN, "run", scenario, "--out", out, "--quiet", "--workers", "2"], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal })),
  );
  const timers = signals.map(({ atMs, signal }) => setTimeout(() => child.kill(signal), atMs));
  const killer = setTimeout(() => child.kill("SIGKILL"), KILL_AFTER_MS);
  const ended = await exited;
  timers.forEach(clearTimeout);
  clearTimeout(killer);
  const result = existsSync(out) ? (JSON.parse(readFileSync(out, "utf8")) as Result) : null;
  return { ...ended, stderr, result };
}

/**
 * Ctrl-C at FIRST_SIGNAL_MS (+ each of `offsetsMs`). A machine so busy that the run had not
 * taken the signals by then ("before anything was measured") is given once more, twice as long.
 */
async function ctrlCDuringRun(scenario: string, out: string, offsetsMs: readonly number[]): Promise<Ended> {
  let run = await runWithSignals(
    scenario,
    out,
    offsetsMs.map((d) => ({ atMs: FIRST_SIGNAL_MS + d, signal: "SIGINT" as const })),
  );
  if (/before anything was measured/.test(run.stderr)) {
    run = await runWithSignals(
      scenario,
      out,
      offsetsMs.map((d) => ({ atMs: 2 * FIRST_SIGNAL_MS + d, signal: "SIGINT" as const })),
    );
  }
  return run;
}

/** A long realtime run whose stop takes a while: requests to the hung kms2 wait out a 4 s timeout. */
function slowToStop(dir: string): string {
  return writeScenario(
    dir,
    "slow-stop.yaml",
    yaml(
      "name: slow-stop",
      "seed: 12",
      "mode: realtime",
      "duration: 30d",
      "sampleInterval: 12h",
      "hosts:",
      "  - { name: kms1 }",
      "  - { name: kms2 }",
      "clients:",
      "  - { name: fleet, count: 400, os: vista, bootSpread: 20d }",
      "network: { rpcTimeout: 4s }",
      "events:",
      "  - { at: 12h, host: kms2, action: hang }",
    ),
  );
}

describe("repeated signals", () => {
  it("a second Ctrl-C within a second still writes the partial result, and says so", async () => {
    const dir = tmp.make();
    const out = join(dir, "partial.json");
    const run = await ctrlCDuringRun(slowToStop(dir), out, [0, 500]);
    expect(run.signal, `ended by itself; stderr:\n${run.stderr}`).toBeNull();
    expect(run.code, run.stderr).toBe(130);
    expect(stackFrames(run.stderr)).toEqual([]);
    expect(run.stderr).toMatch(/still writing the partial result to .*partial\.json; press Ctrl-C again to quit without it/);
    expect(run.stderr).toMatch(/interrupted at simulated \d/);
    expect(run.result, "the partial result was written").not.toBeNull();
    expect(run.result!.interrupted).toBe(true);
    expect(run.result!.clients.total).toBe(400);
    expect(run.result!.rpc.activation.sent, "it holds what was measured").toBeGreaterThan(0);
  }, 100_000);

  it("a third Ctrl-C quits at once without the partial result, saying so", async () => {
    const dir = tmp.make();
    const out = join(dir, "partial.json");
    const run = await ctrlCDuringRun(slowToStop(dir), out, [0, 300, 600]);
    expect(run.signal, `ended by itself; stderr:\n${run.stderr}`).toBeNull();
    expect(run.code, run.stderr).toBe(130);
    expect(stackFrames(run.stderr)).toEqual([]);
    // The stop may have finished before the third signal on a fast machine: then the file is there.
    if (run.result === null) expect(run.stderr).toMatch(/SIGINT again: quitting without the partial result/);
    else expect(run.result.interrupted).toBe(true);
  }, 100_000);
});

describe("SIGTERM early in the program's life", () => {
  // Node itself takes 50–500 ms to boot on a busy machine; a signal before it runs the first
  // line of bin/kmssim.js kills it the default way (nothing printed, nothing written). From
  // that line on kmssim hears it. Late delays that still beat node's boot are tried once more.
  it("at 0, 50, 200, 800, 1500 ms: 130, no stack trace, a plain message or the partial result", async () => {
    const dir = tmp.make();
    const scenario = writeScenario(
      dir,
      "early.yaml",
      yaml(
        "name: early",
        "seed: 3",
        "mode: realtime",
        "duration: 20d",
        "hosts:",
        "  - { name: kms1 }",
        "clients:",
        "  - { name: fleet, count: 200, os: win7, bootSpread: 10d }",
      ),
    );
    for (const delayMs of [0, 50, 200, 800, 1500]) {
      const out = join(dir, `early-${delayMs}.json`);
      let run = await runWithSignals(scenario, out, [{ atMs: delayMs, signal: "SIGTERM" }]);
      if (run.signal === "SIGTERM" && delayMs >= 800) run = await runWithSignals(scenario, out, [{ atMs: delayMs, signal: "SIGTERM" }]);
      const what = `SIGTERM at ${delayMs} ms; stderr:\n${run.stderr}`;
      expect(stackFrames(run.stderr), what).toEqual([]);
      if (run.signal === "SIGTERM") {
        expect(delayMs, `${what}: a signal after node booted is heard by kmssim`).toBeLessThan(800);
        expect(run.stderr, what).toBe("");
        expect(run.result, what).toBeNull();
        continue;
      }
      expect(run.code, what).toBe(130);
      if (run.result === null) {
        expect(run.stderr, what).toMatch(/^kmssim: SIGTERM: stopped before anything was measured$/m);
      } else {
        expect(run.result.interrupted, what).toBe(true);
        expect(run.stderr, what).toMatch(/interrupted at simulated \d/);
      }
    }
  }, 120_000);
});
