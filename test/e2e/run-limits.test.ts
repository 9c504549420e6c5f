// Numbers too big to run (issue 12): a fleet that cannot fit, array sizes from the file,
// a realtime run lasting millions of years. `validate` and `run` both refuse them before
// anything is allocated: exit 2, a plain message, no stack trace.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_TRACE_ROWS, TRACE_HEADER } from "../../src/scenario/trace.js";
import { kmssim, scenarioPath, stackFrames, tempDirs, writeScenario, yaml } from "./helpers.js";

const tmp = tempDirs();

const base = (overrides: { count?: string; concurrency?: string; top?: string[] } = {}): string =>
  yaml(
    "name: limits",
    "duration: 2d",
    ...(overrides.top ?? []),
    `hosts: [{ name: kms1, concurrency: ${overrides.concurrency ?? "8"} }]`,
    "clients:",
    `  - { name: desktops, count: ${overrides.count ?? "100"} }`,
  );

/** Exit 2 with no stack frames and no run; stderr matches every pattern. */
function expectRefused(run: { code: number | null; stdout: string; stderr: string }, ...patterns: RegExp[]): void {
  expect(run.code, run.stderr).toBe(2);
  expect(stackFrames(run.stderr)).toEqual([]);
  expect(run.stderr).not.toMatch(/RangeError|internal error|the run failed/);
  expect(run.stdout).not.toMatch(/: ok|PASS|FAIL/);
  for (const pattern of patterns) expect(run.stderr).toMatch(pattern);
}

describe.each(["validate", "run"])("kmssim %s refuses what cannot run (exit 2, no stack trace)", (command) => {
  it("--clients 1e8: the fleet does not fit one engine, with the size it needs and what to do", async () => {
    const run = await kmssim([command, scenarioPath("multi-host.yaml"), "--clients", "1e8"], { timeoutMs: 30_000 });
    expectRefused(run, /--clients 100000000: this fleet needs about \d+ GiB \(100,000,000 clients × ~\d+ B\)/, /lower --clients/);
  });

  it("count: 1e12 names the key path and line:column", async () => {
    const path = writeScenario(tmp.make(), "count.yaml", base({ count: "1e12" }));
    const run = await kmssim([command, path], { timeoutMs: 30_000 });
    expectRefused(run, /count\.yaml:5:\d+\s+clients\[0\]\.count: expected an integer 1\.\.1000000000, got 1000000000000/);
  });

  it("concurrency: 1e15 names the key path and line:column", async () => {
    const path = writeScenario(tmp.make(), "concurrency.yaml", base({ concurrency: "1e15" }));
    const run = await kmssim([command, path], { timeoutMs: 30_000 });
    expectRefused(run, /concurrency\.yaml:3:\d+\s+hosts\[0\]\.concurrency: expected an integer 1\.\.100000, got 1000000000000000/);
  });

  it("timeScale: 1e-9 in realtime: the wall time it would take, and the flag that forces it", async () => {
    const path = writeScenario(tmp.make(), "slow.yaml", base({ top: ["mode: realtime", "timeScale: 1e-9"] }));
    const run = await kmssim([command, path], { timeoutMs: 30_000 });
    expectRefused(run, /timeScale: this realtime run lasts about 5\.5 million years of wall time \(duration 2d ÷ timeScale 1e-9\)/, /--allow-long-run/);
  });

  it("a timeout longer than a timer can wait names the key", async () => {
    const path = writeScenario(tmp.make(), "timeout.yaml", base({ top: ["network: { rpcTimeout: 30d }"] }));
    const run = await kmssim([command, path], { timeoutMs: 30_000 });
    expectRefused(run, /timeout\.yaml:3:\d+\s+network\.rpcTimeout: expected a duration ≤ 24d20h31m23s647ms \(the longest a timer waits\), got "30d"/);
  });

  it("groups that each fit but together exceed the fleet bound", async () => {
    const text = yaml("hosts: [{ name: kms1 }]", "clients:", "  - { name: a, count: 600000000 }", "  - { name: b, count: 600000000 }");
    const run = await kmssim([command, writeScenario(tmp.make(), "sum.yaml", text)], { timeoutMs: 30_000 });
    expectRefused(run, /sum\.yaml:3:\d+\s+clients: the groups add up to 1200000000 clients; at most 1000000000/);
  });
});

describe("kmssim validate judges what run would", () => {
  it("a realtime run past 7 days passes with --allow-long-run, with a warning", async () => {
    const path = writeScenario(tmp.make(), "long.yaml", base({ top: ["mode: realtime", "timeScale: 0.1"] }));
    const run = await kmssim(["validate", path, "--allow-long-run"], { timeoutMs: 30_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/warning: this realtime run lasts about 20d of wall time \(duration 2d ÷ timeScale 0\.1\)/);
  });

  it("--mode realtime turns the wall-time check on; the file's virtual mode leaves it off", async () => {
    const path = writeScenario(tmp.make(), "scale.yaml", base({ top: ["timeScale: 0.001"] }));
    const virtual = await kmssim(["validate", path], { timeoutMs: 30_000 });
    expect(virtual.code, virtual.stderr).toBe(0);
    expect(virtual.stdout).toMatch(/: ok — .*virtual run needs about \d+ MiB/);
    const realtime = await kmssim(["validate", path, "--mode", "realtime"], { timeoutMs: 30_000 });
    expectRefused(realtime, /--allow-long-run/);
  });

  it("shipped scenarios validate, with their memory estimate", async () => {
    for (const name of ["multi-host.yaml", "large-fleet.yaml", "realtime-smoke.yaml", "capacity.yaml", "failover.yaml"]) {
      const run = await kmssim(["validate", scenarioPath(name)], { timeoutMs: 30_000 });
      expect(run.code, `${name}: ${run.stderr}`).toBe(0);
      expect(run.stdout).toMatch(/run needs about \d/);
    }
  });
});

describe("kmssim plan", () => {
  it("refuses a fleet size that cannot fit before any replication starts", async () => {
    const run = await kmssim(["plan", scenarioPath("capacity.yaml"), "--hosts", "1..2", "--clients", "100000000", "--replications", "1", "--workers", "0"], {
      timeoutMs: 30_000,
    });
    expectRefused(run, /--clients 100000000: this fleet needs about \d+ GiB/);
    expect(run.stderr).not.toMatch(/replication 1 .* failed/);
  });
});

describe("a scenario's trace", () => {
  it("of more rows than MAX_TRACE_ROWS is refused at the first row past it, within a heap far smaller than the file's lines as strings", async () => {
    const dir = tmp.make();
    // Empty rows, 1 byte each: a 5 MB file. Split into lines at once they took more than the 64 MiB heap.
    writeFileSync(join(dir, "t.csv"), `${TRACE_HEADER}\n${"\n".repeat(MAX_TRACE_ROWS + 1)}`);
    const path = writeScenario(dir, "s.yaml", yaml("hosts: [{ name: kms1 }]", "clients: [{ name: desktops, count: 10, trace: t.csv }]"));
    const run = await kmssim(["validate", path], { timeoutMs: 60_000, env: { NODE_OPTIONS: "--max-old-space-size=64" } });
    expectRefused(run, new RegExp(`trace file 't.csv' line ${MAX_TRACE_ROWS + 2}: more than ${MAX_TRACE_ROWS} rows`));
  });
});
