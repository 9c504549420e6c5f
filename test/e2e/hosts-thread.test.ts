// The hosts and the embedded DNS server run on a thread of their own: a main thread kept
// busy (merging, progress, Prometheus scrapes; here a named fault site blocks it 1.5 s in
// every 1.6 s) delays no answer, so no request times out. When the hosts' thread dies, or
// never hands over its books at the end, the run stops with what it measured (the
// clients' view of the hosts), exit 3.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kmssim, stackFrames, tempDirs, type Result } from "./helpers.js";

const tmp = tempDirs();

// The RPC timeout (1 s) is shorter than each block of the main thread (1.5 s): with the
// hosts on the main thread, every request arriving during a block would time out.
const SCENARIO = `
name: hosts-thread
seed: 11
mode: realtime
duration: 3d
timeScale: 43200
sampleInterval: 12h
hosts:
  - { name: kms1, weight: 100, renewalInterval: 12h }
  - { name: kms2, weight: 100, renewalInterval: 12h }
clients:
  - { name: desktops, count: 200, os: win7, bootSpread: 12h }
network:
  rpcTimeout: 1s
  dnsTimeout: 1s
`;

function scenarioFile(): string {
  const path = join(tmp.make(), "hosts-thread.yaml");
  writeFileSync(path, SCENARIO);
  return path;
}

/**
 * A run whose hosts' thread fails at `fault`: exit 3 saying `why`, no stack trace, and the
 * result kept with the clients' view of the hosts (a row each: what the clients sent it).
 */
async function runLosingHostBooks(fault: string, why: string): Promise<Result> {
  const out = join(tmp.make(), `${fault}.json`);
  const run = await kmssim(["run", scenarioFile(), "--workers", "1", "--out", out], { env: { KMSSIM_INJECT_FAULT: fault } });
  expect(run.code, run.stderr).toBe(3);
  expect(run.stderr).toContain(why);
  expect(stackFrames(run.stderr)).toEqual([]);
  const result = JSON.parse(readFileSync(out, "utf8")) as Result;
  expect(result.incomplete?.reason).toContain("hosts' own counts are lost");
  expect(result.pass).toBe(false);
  expect(result.hosts.map((h) => h.name)).toEqual(["kms1", "kms2"]);
  expect(result.hosts.reduce((a, h) => a + h.requests, 0)).toBe(result.rpc.activation.sent + result.rpc.renewal.sent);
  return result;
}

describe("hosts on their own thread", () => {
  it("answers every request while the main thread is blocked most of the time", async () => {
    const out = join(tmp.make(), "busy-main.json");
    const run = await kmssim(["run", scenarioFile(), "--workers", "1", "--out", out], { env: { KMSSIM_INJECT_FAULT: "main-busy" } });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(readFileSync(out, "utf8")) as Result;
    expect(result.clients.activated).toBe(200);
    // Timeouts and refusals would show as 0x800706BA; none happened.
    expect(result.rpc.renewal.errors).toEqual({});
    expect(result.rpc.renewal.ok).toBeGreaterThan(500);
    expect(result.hosts.map((h) => h.unanswered + h.late)).toEqual([0, 0]);
    const threads = (result.generator as { threads: { name: string }[] }).threads.map((t) => t.name);
    expect(threads).toEqual(["main", "hosts", "worker-1"]);
  });

  it("keeps the clients' measurements when the hosts' thread dies: incomplete, exit 3", async () => {
    await runLosingHostBooks("services-exit", "the hosts' thread exited with code 70");
  });

  it("does not wait for ever on a hosts' thread that never hands over its books: incomplete, exit 3", async () => {
    const result = await runLosingHostBooks("services-finish-hang", "the hosts' thread did not hand over its books within 10 s");
    expect(result.clients.activated).toBe(200);
  });
});
