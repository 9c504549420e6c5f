// `kmssim dns` as a long-running child for end-to-end tests: start it, wait for its
// startup line (bounded), read the port from it, stop it with a signal. Every child a
// test file starts is SIGKILLed in afterAll if it is still running, even when a test failed.

import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll } from "vitest";
import { BIN, REPO_ROOT } from "./helpers.js";

export const LISTENING_LINE = /^kmssim dns: listening on (\d+\.\d+\.\d+\.\d+):(\d+) \(udp\+tcp\) zones: (\S+)$/m;

export interface DnsChild {
  host: string;
  port: number;
  zones: string[];
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Sends `signal` and resolves with how the child ended (SIGKILL after `timeoutMs`). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; killed: boolean }>;
}

export interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Registers afterAll cleanup; call at the top level of a test file. */
export function dnsChildren(): { start(args: readonly string[]): Promise<DnsChild>; startExpectingExit(args: readonly string[]): Promise<Ended> } {
  const alive = new Set<ChildProcess>();
  afterAll(() => {
    for (const child of alive) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });

  const spawnDns = (args: readonly string[]) => {
    if (!existsSync(join(REPO_ROOT, "dist", "cli", "main.js"))) throw new Error("dist/ is missing: run `npm run build` first");
    const child = spawn(process.execPath, [BIN, "dns", ...args], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    alive.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr!.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.on("close", (code, signal) => {
        alive.delete(child);
        resolve({ code, signal });
      });
    });
    return { child, ended, out: () => stdout, err: () => stderr };
  };

  return {
    async start(args) {
      const { child, ended, out, err } = spawnDns(args);
      const startupMs = 20_000;
      const match = await new Promise<RegExpExecArray>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`kmssim dns printed no startup line within ${startupMs} ms; stderr:\n${err()}`)), startupMs);
        const check = (): void => {
          const m = LISTENING_LINE.exec(out());
          if (m === null) return;
          clearTimeout(timer);
          resolve(m);
        };
        child.stdout!.on("data", check);
        ended.then(({ code, signal }) => {
          clearTimeout(timer);
          reject(new Error(`kmssim dns exited (code ${code}, signal ${signal}) before listening; stderr:\n${err()}`));
        });
      });
      return {
        host: match[1],
        port: Number(match[2]),
        zones: match[3].split(","),
        child,
        stdout: out,
        stderr: err,
        async stop(signal = "SIGTERM", timeoutMs = 20_000) {
          child.kill(signal);
          let killed = false;
          const timer = setTimeout(() => {
            killed = true;
            child.kill("SIGKILL");
          }, timeoutMs);
          const result = await ended;
          clearTimeout(timer);
          return { ...result, killed };
        },
      };
    },
    async startExpectingExit(args) {
      const { child, ended, out, err } = spawnDns(args);
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      const { code, signal } = await ended;
      clearTimeout(timer);
      return { code, signal, stdout: out(), stderr: err() };
    },
  };
}
