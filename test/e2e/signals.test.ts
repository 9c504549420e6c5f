// SIGTERM mid-run, in both modes (README, exit codes): 130, and the partial result is
// written with `"interrupted": true` and the counters measured so far. SIGINT is covered
// by interrupt.test.ts (virtual) and realtime-e2e.test.ts (realtime); this file adds the
// SIGTERM half of the matrix, and checks the partial counters are real measurements.

import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, REPO_ROOT, expectResultContract, scenarioPath, stackFrames, tempDirs, writeScenario, yaml, type Result } from "./helpers.js";

const tmp = tempDirs();

interface Stopped {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  result: Result | null;
}

/** `kmssim run <args> --out <out> --quiet`, `signal` after `delayMs`; SIGKILL 30 s later. */
async function signalAfter(args: readonly string[], out: string, signal: NodeJS.Signals, delayMs: number): Promise<Stopped> {
  const child = spawn(process.execPath, [BIN, "run", ...args, "--out", out, "--quiet"], { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, sig) => resolve({ code, signal: sig })),
  );
  let killer: NodeJS.Timeout | undefined;
  const sender = setTimeout(() => {
    child.kill(signal);
    killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  }, delayMs);
  const ended = await exited;
  clearTimeout(sender);
  clearTimeout(killer);
  const result = existsSync(out) ? (JSON.parse(readFileSync(out, "utf8")) as Result) : null;
  return { ...ended, stderr, result };
}

/**
 * A signal that lands before the CLI listens (a slow start on a loaded machine) ends the
 * process the default way: try again later, at most twice. What is tested is a signal
 * *during* the run.
 */
async function stopDuringRun(args: readonly string[], out: string, signal: NodeJS.Signals, firstDelayMs: number): Promise<Stopped> {
  let run = await signalAfter(args, out, signal, firstDelayMs);
  for (let delay = 2 * firstDelayMs, tries = 0; run.signal === signal && tries < 2; delay *= 2, tries++) run = await signalAfter(args, out, signal, delay);
  return run;
}

function expectPartial(run: Stopped, mode: "virtual" | "realtime", clients: number, durationS: number): Result {
  expect(run.signal, `ended by itself, not by the signal; stderr:\n${run.stderr}`).toBeNull();
  expect(run.code, run.stderr).toBe(130);
  expect(stackFrames(run.stderr)).toEqual([]);
  expect(run.stderr).toMatch(/interrupted at simulated \d/);
  expect(run.result, "the partial result was written").not.toBeNull();
  const result = run.result!;
  expect(result.interrupted).toBe(true);
  expect(result.pass).toBe(false);
  expect(result.mode).toBe(mode);
  expect(result.clients.total).toBe(clients);
  expect(result.simulatedSeconds).toBeGreaterThan(0);
  expect(result.simulatedSeconds).toBeLessThan(durationS);
  // Measured so far, not zeros: clients activated, requests sent and answered.
  expect(result.clients.activated).toBeGreaterThan(0);
  expect(result.rpc.activation.sent).toBeGreaterThanOrEqual(result.clients.activated);
  expect(result.rpc.activation.ok).toBe(result.clients.activated);
  expect(result.hosts.reduce((a, h) => a + h.requests, 0)).toBeGreaterThan(0);
  for (const s of result.timeline) expect(s.t, "the timeline stops where the run stopped").toBeLessThanOrEqual(result.simulatedSeconds);
  expectResultContract(result);
  return result;
}

describe("SIGTERM during a run", () => {
  it("virtual: exit 130, partial result with interrupted: true and the counts so far", async () => {
    const out = join(tmp.make(), "partial.json");
    const run = await stopDuringRun([scenarioPath("large-fleet.yaml"), "--clients", "300000"], out, "SIGTERM", 1500);
    expectPartial(run, "virtual", 300_000, 180 * 86400);
  }, 180_000);

  it("realtime: exit 130, the fleet stops, partial result with interrupted: true and the counts so far", async () => {
    const dir = tmp.make();
    const scenario = writeScenario(
      dir,
      "rt-term.yaml",
      yaml(
        "name: rt-term",
        "seed: 6",
        "mode: realtime",
        "duration: 30d",
        "sampleInterval: 12h",
        "hosts:",
        "  - { name: kms1, renewalInterval: 12h }",
        "  - { name: kms2, renewalInterval: 12h }",
        "clients:",
        "  - { name: desktops, count: 400, os: win7, product: windows-client, bootSpread: 1d }",
      ),
    );
    // Well after simulated time 0, which waits until both workers have built their slices (2–3 s after spawn on a loaded machine).
    const run = await stopDuringRun([scenario, "--workers", "2"], join(dir, "partial.json"), "SIGTERM", 6000);
    const result = expectPartial(run, "realtime", 400, 30 * 86400);
    // Both sides of the wire were measured: the hosts counted what the clients had answered.
    expect(result.hosts.reduce((a, h) => a + h.activations, 0)).toBeGreaterThanOrEqual(result.rpc.activation.ok);
  }, 180_000);
});
