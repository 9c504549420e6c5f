// `kmssim host` under a small descriptor limit (`ulimit -n 256`) with more idle peers
// than it has descriptors: the host's connection cap stays below the limit, so a new
// client evicts the idle peer instead of every accept failing (ECONNRESET), and the good
// client is answered. The host counts the evictions in its closing summary.
// Every wait is bounded; the child is SIGKILLed if it outlives the test.

import { spawn } from "node:child_process";
import net from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { LicenseStatus } from "../../src/core/license.js";
import { cmidFromIndex, cmidPrefix } from "../../src/core/protocol/index.js";
import { callHost } from "../../src/realtime/client/rpc-call.js";
import { BIN, REPO_ROOT, tempDirs, writeScenario, yaml } from "./helpers.js";

const FILE_LIMIT = 256;
const IDLE_PEERS = 300;
const WAIT_MS = 20_000;
const tmp = tempDirs();
const peers: net.Socket[] = [];
afterAll(() => {
  for (const s of peers) s.destroy();
});

function idlePeer(port: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port }, () => resolve());
    peers.push(socket);
    // Evicted peers are reset; that is the point.
    socket.on("error", () => resolve());
  });
}

describe("kmssim host under ulimit -n 256", () => {
  it("serves a new client while more idle peers are connected than it has descriptors", async () => {
    const dir = tmp.make();
    const scenario = writeScenario(
      dir,
      "fd.yaml",
      yaml(
        "name: fd-limit",
        "seed: 5",
        "dns: { domain: corp.example, publish: manual }",
        "hosts:",
        "  - { name: kms1 }",
        "clients:",
        "  - { name: fleet, count: 10 }",
      ),
    );
    // publish: manual sends no updates, so the --dns address is never contacted.
    const child = spawn(
      "/bin/sh",
      ["-c", `ulimit -n ${FILE_LIMIT} && exec "$0" "$@"`, process.execPath, BIN, "host", scenario, "--dns", "127.0.0.1:9", "--port-base", "0"],
      {
        cwd: REPO_ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const ended = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listening line; stdout:\n${stdout}\nstderr:\n${stderr}`)), WAIT_MS);
        child.stdout.on("data", () => {
          const m = /listening on 127\.0\.0\.1:(\d+)/.exec(stdout);
          if (m === null) return;
          clearTimeout(timer);
          resolve(Number(m[1]));
        });
      });
      for (let k = 0; k < IDLE_PEERS; k++) await idlePeer(port);
      const prefix = cmidPrefix(5);
      const request = {
        requestId: 7,
        cmid: cmidFromIndex(prefix, 0),
        product: 0 as const,
        clientTimeMs: Date.now(),
        renewal: false,
        status: LicenseStatus.InitialGrace,
      };
      const answer = await callHost({ address: "127.0.0.1", port }, request, 5_000);
      expect(answer.requestId).toBe(7);
    } finally {
      child.kill("SIGTERM");
      clearTimeout(killer);
    }
    expect(await ended, stderr).toBe(0);
    const summary = /kmssim host: kms1: .*connections closed: (\d+) idle, (\d+) evicted at the cap/.exec(stdout);
    expect(summary, stdout).not.toBeNull();
    expect(Number(summary![2])).toBeGreaterThan(0);
  });
});
