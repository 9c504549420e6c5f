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
  /** Clients activated on the progress line the signal was sent on; null: the run ended without one. */
  activatedAtSignal: number | null;
}

/** A plain progress line (off a TTY, every 5 s) that shows clients activated: "NAME: 12% after 5s · … 250/400 activated · …". */
const ACTIVATED_LINES = /^\S+: \d+% after \d+s · .*?\b(\d+)\/\d+ activated/gm;

/**
 * `kmssim run <args> --out <out>`, and `signal` once a progress line shows clients
 * activated: the CLI holds the signals by then (it prints progress only from inside the
 * run), simulated time has moved and there are measurements to keep. (A fixed delay raced
 * the set-up on a busy machine: the signal landed before anything was measured.) SIGKILL
 * 30 s after the signal.
 */
async function signalOnceMeasuring(args: readonly string[], out: string, signal: NodeJS.Signals): Promise<Stopped> {
  // No --quiet: the progress lines are what the signal waits for.
  const child = spawn(process.execPath, [BIN, "run", ...args, "--out", out], { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  let activatedAtSignal: number | null = null;
  let killer: NodeJS.Timeout | undefined;
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
    if (activatedAtSignal !== null) return;
    // Whole lines only: a chunk may end inside one.
    const activated = [...stderr.slice(0, stderr.lastIndexOf("\n") + 1).matchAll(ACTIVATED_LINES)].map((m) => Number(m[1]));
    if (!activated.some((n) => n > 0)) return;
    activatedAtSignal = Math.max(...activated);
    child.kill(signal);
    killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  });
  const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, sig) => resolve({ code, signal: sig })),
  );
  clearTimeout(killer);
  const result = existsSync(out) ? (JSON.parse(readFileSync(out, "utf8")) as Result) : null;
  return { ...ended, stderr, result, activatedAtSignal };
}

function expectPartial(run: Stopped, mode: "virtual" | "realtime", clients: number, durationS: number): Result {
  expect(run.activatedAtSignal, `the run ended before a progress line showed clients activated; stderr:\n${run.stderr}`).not.toBeNull();
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
  expect(result.clients.activated).toBeGreaterThanOrEqual(run.activatedAtSignal!);
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
    // A million clients: many 5 s progress lines long even on a fast machine, so the signal comes mid-run.
    const run = await signalOnceMeasuring([scenarioPath("large-fleet.yaml"), "--clients", "1000000"], out, "SIGTERM");
    expectPartial(run, "virtual", 1_000_000, 180 * 86400);
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
    // 30 simulated days at the default 86,400 per wall second: at least 30 s after set-up, six progress lines or more.
    const run = await signalOnceMeasuring([scenario, "--workers", "2"], join(dir, "partial.json"), "SIGTERM");
    const result = expectPartial(run, "realtime", 400, 30 * 86400);
    // Both sides of the wire were measured: the hosts counted what the clients had answered.
    expect(result.hosts.reduce((a, h) => a + h.activations, 0)).toBeGreaterThanOrEqual(result.rpc.activation.ok);
  }, 180_000);
});
