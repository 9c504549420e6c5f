// `kmssim plan` through the built binary, on a scenario built so that 2 hosts fail and 3
// pass: each host serves one request at a time in 20 ms on average (50 requests/s), and
// 2,400 clients boot within 20 s (120 requests/s). Two hosts are overloaded (ρ = 1.2:
// the queue grows until requests time out at 5 s), three keep up (ρ = 0.8: p99 a few
// hundred ms), so the p99 < 2 s threshold separates them by a wide margin either way.

import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { PlanReport } from "../../src/capacity/plan-report.js";
import { BIN, REPO_ROOT, kmssim, scenarioPath, stackFrames, tempDirs, writeScenario, yaml, type CliRun } from "./helpers.js";

const tmp = tempDirs();

const CAPACITY = yaml(
  "name: two-fail-three-pass",
  "seed: 7",
  "duration: 1h",
  "sampleInterval: 1m",
  "hosts:",
  "  - { name: kms1, serviceTime: 20ms, concurrency: 1 }",
  "clients:",
  "  - { name: desktops, count: 2400, bootSpread: 20s, activationInterval: 15m }",
  "thresholds:",
  "  - { metric: rpc.activation.latencyMs.p99, lt: 2000 }",
  "  - { metric: clients.notActivated, eq: 0 }",
);

const readPlan = (path: string): PlanReport => JSON.parse(readFileSync(path, "utf8")) as PlanReport;
const withoutTimings = (report: PlanReport): Partial<PlanReport> => {
  const copy: Partial<PlanReport> = { ...report };
  delete copy.wallSeconds;
  return copy;
};

/** Rows of the text table: host count → the row's cells. */
function tableRows(stdout: string): Map<number, string> {
  const rows = new Map<number, string>();
  for (const line of stdout.split("\n")) {
    const m = /^\s+(\d+)\s+(PASS|fail|ran)/.exec(line);
    if (m !== null) rows.set(Number(m[1]), line);
  }
  return rows;
}

describe("kmssim plan finds the known minimum", () => {
  let dir: string;
  let scenario: string;
  let run: CliRun;
  let plan: PlanReport;
  beforeAll(async () => {
    dir = tmp.make();
    scenario = writeScenario(dir, "capacity.yaml", CAPACITY);
    run = await kmssim(["plan", scenario, "--hosts", "1..4", "--replications", "3", "--workers", "2", "--out", join(dir, "plan.json")]);
    plan = readPlan(join(dir, "plan.json"));
  });

  it("recommends 3 hosts and exits 0", () => {
    expect(run.code, run.stderr).toBe(0);
    expect(stackFrames(run.stderr)).toEqual([]);
    expect(plan.recommendations).toEqual([{ clients: 2400, hosts: 3, failedAbove: [] }]);
    expect(plan.pass).toBe(true);
    expect(run.stdout).toContain("→ 2,400 clients: 3 hosts, the smallest count that met every threshold in all 3 replications");
  });

  it("prints per point how many replications met each threshold, with means ± CI", () => {
    expect(run.stdout).toContain("T1  rpc.activation.latencyMs.p99 < 2000");
    expect(run.stdout).toContain("T2  clients.notActivated = 0");
    const rows = tableRows(run.stdout);
    expect([...rows.keys()]).toEqual([1, 2, 3, 4]);
    expect(rows.get(1)).toMatch(/^\s+1\s+fail\s+0\/3\s+\d\/3\s+[\d,.]+ms ± [\d,.]+ms\s+/);
    expect(rows.get(2)).toMatch(/^\s+2\s+fail\s+0\/3\s+3\/3\s+[\d,.]+ms ± [\d,.]+ms\s+[\d.]+h ± [\d.]+h\s+[\d.]+ ± [\d.]+$/);
    expect(rows.get(3)).toMatch(/^\s+3\s+PASS\s+3\/3\s+3\/3\s+[\d,.]+ms ± [\d,.]+ms\s+[\d.]+h ± [\d.]+h\s+[\d.]+ ± [\d.]+$/);
    expect(rows.get(4)).toMatch(/^\s+4\s+PASS\s+3\/3\s+3\/3\s/);
  });

  it("writes every point with its replications, threshold counts and intervals", () => {
    expect(plan.schema).toBe("kmssim/plan@1");
    expect(plan).toMatchObject({ scenario: "two-fail-three-pass", seed: 7, hostCounts: [1, 2, 3, 4], fleetSizes: [2400], replications: 3, confidence: 0.95 });
    expect(plan.points.map((p) => [p.hosts, p.clients, p.runs, p.complete, p.pass])).toEqual([
      [1, 2400, 3, true, false],
      [2, 2400, 3, true, false],
      [3, 2400, 3, true, true],
      [4, 2400, 3, true, true],
    ]);
    expect(plan.points.map((p) => p.hostNames)).toEqual([["kms1"], ["kms1", "kms2"], ["kms1", "kms2", "kms3"], ["kms1", "kms2", "kms3", "kms4"]]);
    expect(plan.points[1].thresholdPasses).toEqual([0, 3]);
    expect(plan.points[2].thresholdPasses).toEqual([3, 3]);
    const seeds = plan.points.flatMap((p) => p.replications.map((r) => r.seed));
    expect(new Set(seeds).size).toBe(12);
    for (const point of plan.points) {
      expect(point.replications.map((r) => r.replication)).toEqual([0, 1, 2]);
      for (const r of point.replications) {
        expect(r.clients).toBe(2400);
        expect(r.thresholds.map((t) => t.pass).every(Boolean)).toBe(r.pass);
        expect(r.thresholds[0].actual).toBe(r.p99ActivationMs);
      }
      const ci = point.p99ActivationMs;
      const values = point.replications.map((r) => r.p99ActivationMs);
      expect(ci.n).toBe(3);
      expect(ci.mean!).toBeCloseTo(values.reduce((a, b) => a + b, 0) / 3, 5);
      expect(ci.low!).toBeLessThanOrEqual(ci.mean!);
      expect(ci.high!).toBeGreaterThanOrEqual(ci.mean!);
    }
    // Overloaded hosts time requests out at 5 s; three hosts keep p99 far below the 2 s limit.
    expect(plan.points[1].p99ActivationMs.mean!).toBeGreaterThan(2000);
    expect(plan.points[2].p99ActivationMs.mean!).toBeLessThan(2000);
    expect(plan.points[3].p99ActivationMs.mean!).toBeLessThan(plan.points[1].p99ActivationMs.mean!);
    // With 3 hosts every client activated; one host never got them all (the backlog outlives the hour).
    expect(plan.points[2].allActivatedHours.never).toBe(0);
    expect(plan.points[2].allActivatedHours.mean!).toBeGreaterThan(0);
    expect(plan.points[0].allActivatedHours).toMatchObject({ n: 0, mean: null, never: 3 });
  });

  it("repeats itself: the same flags give the same plan, on worker threads or the main thread", async () => {
    const again = await kmssim(["plan", scenario, "--hosts", "1..4", "--replications", "3", "--workers", "0", "--out", join(dir, "again.json")]);
    expect(again.code, again.stderr).toBe(0);
    expect(withoutTimings(readPlan(join(dir, "again.json")))).toEqual(withoutTimings(plan));
  });

  it("sweeps fleet sizes, with one replication shown as n=1, and exits 1 when a fleet size has no answer", async () => {
    const out = join(dir, "sizes.json");
    const sizes = await kmssim(["plan", scenario, "--hosts", "1..2", "--clients", "2400,600", "--replications", "1", "--out", out]);
    expect(sizes.code, sizes.stderr).toBe(1);
    const report = readPlan(out);
    expect(report.fleetSizes).toEqual([600, 2400]);
    expect(report.recommendations).toEqual([
      { clients: 600, hosts: 1, failedAbove: [] },
      { clients: 2400, hosts: null, reason: "none-passed" },
    ]);
    expect(report.points.map((p) => [p.clients, p.hosts, p.pass])).toEqual([
      [600, 1, true],
      [600, 2, true],
      [2400, 1, false],
      [2400, 2, false],
    ]);
    expect(sizes.stdout).toMatch(/ms \(n=1\)/);
    expect(sizes.stdout).toContain("→ 600 clients: 1 host, the smallest count");
    expect(sizes.stdout).toContain("→ 2,400 clients: none of 1,2 hosts met every threshold in its one replication");
  });
});

describe("scenarios/capacity.yaml (the README's example)", () => {
  it("needs 3 hosts for its 50,000 clients", async () => {
    const out = join(tmp.make(), "capacity.json");
    const run = await kmssim(["plan", scenarioPath("capacity.yaml"), "--hosts", "2..3", "--replications", "1", "--workers", "0", "--out", out]);
    expect(run.code, run.stderr).toBe(0);
    expect(readPlan(out).recommendations).toEqual([{ clients: 50000, hosts: 3, failedAbove: [] }]);
    expect(run.stdout).toContain("→ 50,000 clients: 3 hosts");
  });
});

describe("kmssim plan refuses bad input with exit 2 and a plain message", () => {
  let scenario: string;
  beforeAll(() => {
    scenario = writeScenario(tmp.make(), "capacity.yaml", CAPACITY);
  });

  it.each([
    [["--hosts", "0..x"], /--hosts: '0\.\.x' in '0\.\.x' is not a host count or a range of them/],
    [["--hosts", "0..3"], /--hosts: host counts must be from 1 to 32/],
    [["--hosts", "1..33"], /from 1 to 32/],
    [["--hosts", "1..4", "--replications", "0"], /--replications must be a whole number from 1/],
    [["--hosts", "1..4", "--workers", "-1"], /--workers must be a whole number from 0 to 64/],
    [["--hosts", "1..4", "--clients", "many"], /--clients: 'many' in 'many' is not a whole number/],
    [["--hosts", "1..32", "--replications", "100"], /asks for 3,200 runs .* at most 1,000 are allowed/],
    [[], /Missing required argument: hosts/],
  ])("%j", async (flags, message) => {
    const run = await kmssim(["plan", scenario, ...flags]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(stackFrames(run.stderr)).toEqual([]);
    expect(run.stdout).toBe("");
  });

  it("a group pinned to a host the smallest point leaves out", async () => {
    const pinned = writeScenario(
      tmp.make(),
      "pinned.yaml",
      yaml("hosts:", "  - { name: kms1 }", "  - { name: kms2 }", "clients:", "  - { name: branch, count: 10, kmsHost: kms2 }"),
    );
    const run = await kmssim(["plan", pinned, "--hosts", "1..3"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/'branch' is pinned to kms2.*start --hosts at 2/);
  });

  it("a scenario with errors, like kmssim run", async () => {
    const bad = writeScenario(tmp.make(), "bad.yaml", yaml("hosts: []", "clients:", "  - { name: a, count: 1 }"));
    const run = await kmssim(["plan", bad, "--hosts", "1..2"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/scenario '.*bad\.yaml' has \d+ problem/);
  });
});

describe("kmssim plan when a run fails or is interrupted", () => {
  let scenario: string;
  let dir: string;
  beforeAll(() => {
    dir = tmp.make();
    scenario = writeScenario(dir, "capacity.yaml", CAPACITY);
  });

  /** With `interruptOn`: SIGINT once stderr matches it (the sweep is then surely running). */
  function planWith(args: string[], env: Record<string, string>, interruptOn?: RegExp): Promise<CliRun> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, "plan", scenario, ...args], {
        cwd: REPO_ROOT,
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
      let interrupted = false;
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk;
        if (interruptOn !== undefined && !interrupted && interruptOn.test(stderr)) {
          interrupted = true;
          child.kill("SIGINT");
        }
      });
      // A hang is killed here and shows as code null, failing the test.
      const kill = setTimeout(() => child.kill("SIGKILL"), 60_000);
      child.on("error", reject);
      child.on("close", (code, signal) => {
        clearTimeout(kill);
        resolve({ code, signal, stdout, stderr });
      });
    });
  }

  it.each([
    ["plan-worker-throw", "2", /a plan worker failed running 2 host\(s\), 2,400 clients, replication 1 \(seed \d+\): injected fault/],
    ["plan-worker-exit", "2", /a plan worker exited with code 70 while running 2 host\(s\)/],
  ])("a run that fails (%s, --workers %s): exit 3, a plain message, the finished runs shown and written", async (fault, workers, message) => {
    const out = join(dir, `${fault}-${workers}.json`);
    const run = await planWith(["--hosts", "1..2", "--replications", "2", "--workers", workers, "--out", out], { KMSSIM_INJECT_FAULT: fault });
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/the \d of 4 runs that finished are shown above and written to .*\("incomplete"\)/);
    expect(stackFrames(run.stderr)).toEqual([]);
    expect(run.stdout).toContain("(incomplete: a run failed)");
    const report = readPlan(out);
    expect(report.incomplete?.reason).toMatch(message);
    expect(report.pass).toBe(false);
    // The third run failed: it started when one of the first two had finished.
    const finished = report.points.reduce((a, p) => a + p.runs, 0);
    expect(finished).toBeGreaterThanOrEqual(1);
    expect(finished).toBeLessThan(4);
    for (const p of report.points) expect(p.replications).toHaveLength(p.runs);
  });

  it("Ctrl-C: stops, prints and writes what finished, exit 130", async () => {
    const out = join(dir, "interrupted.json");
    // 100 runs of 20,000 clients take far longer than the first progress line (every 5 s when stderr is not a terminal).
    const run = await planWith(["--hosts", "3..4", "--clients", "20000", "--replications", "50", "--workers", "2", "--out", out], {}, /runs done/);
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toMatch(/interrupted after \d+ of 100 runs; the partial plan is shown above and written to/);
    expect(run.stdout).toContain("(interrupted)");
    const report = readPlan(out);
    expect(report.interrupted).toBe(true);
    const finished = report.points.reduce((a, p) => a + p.runs, 0);
    expect(finished).toBeLessThan(100);
    expect(report.points.some((p) => !p.complete)).toBe(true);
    for (const p of report.points) expect(p.replications).toHaveLength(p.runs);
    expect(report.recommendations[0].hosts).toBeNull();
  });
});
