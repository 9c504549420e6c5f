// Helpers for the realtime end-to-end tests (test/e2e/realtime-*.test.ts): run the real
// binary in realtime mode, interrupt it, and read the numbers that tie the client side
// of a realtime result to the host side. Builds on ./helpers.ts (not changed here).
//
// Realtime runs are real: sockets on loopback, worker threads and a compressed clock
// (timeScale 86400: a simulated day per wall second). On a busy 2-core machine a wall
// millisecond is 86.4 simulated seconds, so these helpers never compare wall-clock
// latency against an upper bound, and window checks leave one sample of slack at each
// edge (the wall clock and the sample timers are not perfectly aligned).

import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { BIN, REPO_ROOT, runScenario, stackFrames, writeScenario, type Result, type ScenarioRun } from "./helpers.js";

export const H = 3600;
export const D = 86400;

/** Every RPC failure that is not a KMS answer (refused, reset, timed out): RPC_S_SERVER_UNAVAILABLE. */
export const RPC_UNAVAILABLE = "0x800706BA";
export const DNS_NAME_DOES_NOT_EXIST = "0x8007232B";
/** ERROR_TIMEOUT: the DNS server did not answer (dns: down), as distinct from a missing name. */
export const DNS_SERVER_SILENT = "0x800705B4";

/** `kmssim run <text> --mode realtime [...extra]` with the parsed result. */
export function runRealtime(dir: string, name: string, text: string, extra: readonly string[] = []): Promise<ScenarioRun> {
  return runScenario(dir, { name, text }, ["--mode", "realtime", ...extra]);
}

/** The same scenario text in virtual mode (for cross-checks). */
export function runVirtual(dir: string, name: string, text: string, extra: readonly string[] = []): Promise<ScenarioRun> {
  return runScenario(dir, { name, text }, ["--mode", "virtual", ...extra]);
}

/**
 * Timeline samples whose interval (previous t, t] lies inside [fromS, toS] after dropping
 * `slack` sample intervals at each edge. `intervalS` is the scenario's sampleInterval.
 */
export function samplesStrictlyInside(result: Result, fromS: number, toS: number, intervalS: number, slack = 1): Result["timeline"] {
  const lo = fromS + slack * intervalS;
  const hi = toS - slack * intervalS;
  return result.timeline.filter((sample, k) => {
    const start = k === 0 ? 0 : result.timeline[k - 1].t;
    return start >= lo - 1e-6 && sample.t <= hi + 1e-6;
  });
}

/**
 * A host's part of the clients' *successful* activations: `activations − dlv.failed` per
 * host (renewals never fail here, see the callers), i.e. how many clients activated on it.
 * Each client activates successfully exactly once, choosing by the SRV records alone, so
 * this share does not depend on how often clients renew.
 */
export function activationShares(result: Result): Record<string, number> {
  const won = result.hosts.map((h) => [h.name, h.activations - h.dlv.failed] as const);
  const total = won.reduce((a, [, n]) => a + n, 0);
  return Object.fromEntries(won.map(([name, n]) => [name, total > 0 ? n / total : 0]));
}

/** Sum of a KMS error map without RPC_S_SERVER_UNAVAILABLE (codes a host answered with). */
export function hostAnsweredErrors(errors: Record<string, number>): number {
  return Object.entries(errors).reduce((a, [code, n]) => (code === RPC_UNAVAILABLE ? a : a + n), 0);
}

/** RPCs the clients sent, got an answer for (ok or a KMS code), and failed without an answer. */
export function clientBooks(result: Result): { sent: number; ok: number; answeredWithCode: number; unavailable: number } {
  const kinds = [result.rpc.activation, result.rpc.renewal];
  return {
    sent: kinds.reduce((a, k) => a + k.sent, 0),
    ok: kinds.reduce((a, k) => a + k.ok, 0),
    answeredWithCode: kinds.reduce((a, k) => a + hostAnsweredErrors(k.errors), 0),
    unavailable: kinds.reduce((a, k) => a + (k.errors[RPC_UNAVAILABLE] ?? 0), 0),
  };
}

/** Host-side totals over all hosts. */
export function hostBooks(result: Result): { requests: number; refused: number; unanswered: number; lost: number; late: number } {
  const sum = (key: "requests" | "refused" | "unanswered" | "lost" | "late"): number => result.hosts.reduce((a, h) => a + h[key], 0);
  return { requests: sum("requests"), refused: sum("refused"), unanswered: sum("unanswered"), lost: sum("lost"), late: sum("late") };
}

/**
 * README ("Modelling choices"): every RPC ends in exactly one of ok, a KMS error, refused,
 * unanswered, lost or late — or is still in flight at the end. Written as the two sides:
 * what the clients sent = what the hosts served, refused or never answered (+ in flight),
 * and the clients' RPC_S_SERVER_UNAVAILABLE failures = refused + unanswered + lost + late.
 */
export function expectBooksBalance(result: Result): void {
  const c = clientBooks(result);
  const h = hostBooks(result);
  const inFlight = result.clients.inFlightAtEnd;
  const detail = JSON.stringify({ clients: c, hosts: h, inFlightAtEnd: inFlight });
  expect(h.requests + h.refused + h.unanswered, `every RPC sent met a host (served, refused or unanswered) or is in flight: ${detail}`).toBeLessThanOrEqual(
    c.sent,
  );
  expect(c.sent - (h.requests + h.refused + h.unanswered), `RPCs that no host counted are the ones in flight: ${detail}`).toBeLessThanOrEqual(inFlight);
  if (inFlight === 0) {
    expect(c.unavailable, `each 0x800706BA is a refused, unanswered, lost or late request: ${detail}`).toBe(h.refused + h.unanswered + h.lost + h.late);
  }
}

export interface InterruptedRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** Wall ms from the SIGINT to the process' exit (null when no SIGINT was sent). */
  exitAfterSignalMs: number | null;
  /** When the SIGINT was sent, ms since the epoch (null when none was). */
  signalledAtMs: number | null;
  result: Result | null;
}

/**
 * Starts `kmssim run <scenario> --out <out> --quiet [...extra]`, sends SIGINT after
 * `delayMs`, and waits (at most `killAfterMs` after the signal, then SIGKILL) for it to end.
 */
export async function interruptAfter(
  dir: string,
  name: string,
  text: string,
  delayMs: number,
  options: { extra?: readonly string[]; killAfterMs?: number } = {},
): Promise<InterruptedRun> {
  const path = writeScenario(dir, `${name}.yaml`, text);
  const out = join(dir, `${name}-${Math.random().toString(36).slice(2, 8)}.json`);
  const child = spawn(process.execPath, [BIN, "run", path, "--out", out, "--quiet", ...(options.extra ?? [])], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  child.stdout.resume();
  let signalledAt: number | null = null;
  let killer: NodeJS.Timeout | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const sender = setTimeout(() => {
    signalledAt = Date.now();
    child.kill("SIGINT");
    killer = setTimeout(() => child.kill("SIGKILL"), options.killAfterMs ?? 30_000);
  }, delayMs);
  const { code, signal, at } = await exited;
  clearTimeout(sender);
  clearTimeout(killer);
  const result = existsSync(out) ? (JSON.parse(readFileSync(out, "utf8")) as Result) : null;
  return { code, signal, stderr, exitAfterSignalMs: signalledAt === null ? null : at - signalledAt, signalledAtMs: signalledAt, result };
}

/** No JavaScript stack trace on stderr (a clean, user-facing exit). */
export function expectNoStack(stderr: string): void {
  expect(stackFrames(stderr), `stderr:\n${stderr}`).toEqual([]);
}
