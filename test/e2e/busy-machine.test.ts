// Realtime results on a busy machine (issue: "realtime results you can trust"). Two
// processes burn both cores beside a realtime run that asks for more than this machine
// can send. The adaptive clock (default) slows simulated time instead of letting requests
// leave late: every client activates, no host sees a skewed clock, and the outcomes agree
// with virtual mode; the result says how far the clock slowed. The strict clock keeps the
// requested rate and the result says the generator was saturated, first thing in the summary.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kmssim, stackFrames, tempDirs, writeScenario, yaml, type Result } from "./helpers.js";

const tmp = tempDirs();

// 600 clients renewing every simulated hour at a day per second: ~14,000 RPC/s offered,
// several times what two busy cores send; the machine cannot keep up whatever it is.
const SCENARIO = yaml(
  "name: busy-machine",
  "seed: 11",
  "mode: realtime",
  "duration: 4d",
  "timeScale: 86400",
  "sampleInterval: 6h",
  "hosts:",
  "  - { name: kms1, weight: 300, renewalInterval: 1h }",
  "  - { name: kms2, weight: 100, renewalInterval: 1h }",
  "clients:",
  "  - { name: desktops, count: 500, os: win7, bootSpread: 1d }",
  "  - { name: legacy, count: 100, os: vista, bootSpread: 1d }",
  "network: { rpcTimeout: 2s, dnsTimeout: 1s }",
  "thresholds:",
  "  - { metric: clients.notActivated, eq: 0 }",
);

/** Each burner stops by itself after this long, even if the test process dies. */
const BURN_LIMIT_MS = 240_000;
const burners: ChildProcess[] = [];

beforeAll(() => {
  for (let k = 0; k < 2; k++) {
    burners.push(spawn(process.execPath, ["-e", `const end = Date.now() + ${BURN_LIMIT_MS}; while (Date.now() < end) {}`], { stdio: "ignore" }));
  }
});

afterAll(() => {
  for (const burner of burners) burner.kill("SIGKILL");
});

async function run(dir: string, path: string, name: string, extra: string[]): Promise<{ code: number | null; stdout: string; stderr: string; result: Result }> {
  const out = join(dir, `${name}.json`);
  const cli = await kmssim(["run", path, "--out", out, ...extra], { timeoutMs: 240_000 });
  expect(stackFrames(cli.stderr)).toEqual([]);
  return { ...cli, result: JSON.parse(readFileSync(out, "utf8")) as Result };
}

const skewAnswers = (r: Result): number => (r.rpc.activation.errors["0xC004F06C"] ?? 0) + (r.rpc.renewal.errors["0xC004F06C"] ?? 0);

describe("realtime next to two CPU-burning processes", () => {
  it("adaptive clock: all activate, no skew errors, outcomes as in virtual mode; the generator section shows the slowdown", async () => {
    const dir = tmp.make();
    const path = writeScenario(dir, "busy.yaml", SCENARIO);
    const [realtime, virtual] = [await run(dir, path, "adaptive", ["--quiet"]), await run(dir, path, "virtual", ["--quiet", "--mode", "virtual"])];
    const r = realtime.result;
    expect(realtime.code).toBe(0);
    expect(r.clients.activated).toBe(r.clients.total);
    expect(skewAnswers(r)).toBe(0);
    const g = r.generator!;
    expect(g.clock).toBe("adaptive");
    expect(g.requestedTimeScale).toBe(86_400);
    expect(g.achievedTimeScale).toBeLessThan(86_400);
    expect(g.minTimeScale).toBeLessThan(86_400);
    expect(r.timeline.some((s) => (s.timeScale ?? 86_400) < 86_400)).toBe(true);
    expect(g.threads.map((t) => t.name)).toContain("main");
    // The model held: as many renewals as virtual mode (within 5 %), shares within ±0.04.
    expect(Math.abs(r.rpc.renewal.sent - virtual.result.rpc.renewal.sent)).toBeLessThan(0.05 * virtual.result.rpc.renewal.sent);
    for (const host of virtual.result.hosts) {
      expect(Math.abs(r.hosts.find((h) => h.name === host.name)!.share - host.share)).toBeLessThan(0.04);
    }
  }, 600_000);

  it("strict clock: the requested rate throughout, and the result and the summary's first lines say the generator was saturated", async () => {
    const dir = tmp.make();
    const path = writeScenario(dir, "busy.yaml", SCENARIO);
    const strict = await run(dir, path, "strict", ["--clock", "strict"]);
    const g = strict.result.generator!;
    expect(g.clock).toBe("strict");
    expect(g.minTimeScale).toBe(86_400);
    expect(g.saturated).toBe(true);
    expect(g.lateFraction).toBeGreaterThan(0.01);
    expect(g.sendLagMs.p99).toBeGreaterThan(100);
    const firstLines = strict.stdout.trim().split("\n").slice(0, 4).join("\n");
    expect(firstLines).toMatch(/the load generator fell behind: [\d.]+ ?% of requests left more than 100 ms late/);
  }, 300_000);
});
