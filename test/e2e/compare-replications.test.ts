// kmssim compare --replications through the built binary: the same scenario with seed 7
// and seed 42 is no regression (a single pair of runs can look like one), a scenario
// with one host slowed is; result files work as sides too.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { CompareReport } from "../../src/compare/report-json.js";
import { kmssim, tempDirs, writeScenario, yaml } from "./helpers.js";

const tmp = tempDirs();

const scenario = (seed: number, kms1ServiceTime: string): string =>
  yaml(
    "name: compare-noise",
    `seed: ${seed}`,
    "duration: 10d",
    "hosts:",
    `  - { name: kms1, weight: 100, serviceTime: ${kms1ServiceTime}, concurrency: 4 }`,
    "  - { name: kms2, weight: 100, serviceTime: 2ms, concurrency: 4 }",
    "clients:",
    "  - { name: desktops, count: 400, os: win7, product: windows-client, bootSpread: 1h }",
  );

const readReport = (path: string): CompareReport => JSON.parse(readFileSync(path, "utf8")) as CompareReport;

describe("kmssim compare --replications", () => {
  let dir: string;
  let seed7: string;
  let seed42: string;
  let slow: string;
  beforeAll(() => {
    dir = tmp.make();
    seed7 = writeScenario(dir, "seed7.yaml", scenario(7, "2ms"));
    seed42 = writeScenario(dir, "seed42.yaml", scenario(42, "2ms"));
    slow = writeScenario(dir, "slow.yaml", scenario(42, "6ms"));
  });

  it("seed 7 against seed 42 of the same scenario: no regression, exit 0, Welch statistics in the JSON", async () => {
    const out = join(dir, "same.json");
    const run = await kmssim(["compare", seed7, seed42, "--replications", "4", "--workers", "2", "--out", out]);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toContain("(4 runs per side)");
    expect(run.stdout).toMatch(/PASS {2}no metric regressed past its limit/);
    const report = readReport(out);
    expect(report).toMatchObject({ replications: 4, confidencePct: 95, pass: true, regressed: [], warnings: [] });
    expect(report.baseline.seeds).toHaveLength(4);
    expect(report.candidate.seeds).toHaveLength(4);
    expect(new Set([...report.baseline.seeds!, ...report.candidate.seeds!]).size).toBe(8);
    const p99 = report.rows.find((r) => r.metric === "rpc.activation.latencyMs.p99")!;
    expect(p99.noise).toMatchObject({ method: "welch", baseline: { n: 4 }, candidate: { n: 4 } });
    expect(p99.baseline).toBeCloseTo((p99.noise as { baseline: { mean: number } }).baseline.mean, 9);
  });

  it("one host slowed: activation latency regresses, exit 1", async () => {
    const out = join(dir, "slow.json");
    const run = await kmssim(["compare", seed42, slow, "--replications", "4", "--workers", "2", "--out", out]);
    expect(run.code, run.stderr + run.stdout).toBe(1);
    const report = readReport(out);
    expect(report.regressed).toEqual(expect.arrayContaining(["rpc.activation.latencyMs.p50", "rpc.activation.latencyMs.p90"]));
    const p90 = report.rows.find((r) => r.metric === "rpc.activation.latencyMs.p90")!;
    expect(p90).toMatchObject({ regressed: true, withinNoise: false, noise: { method: "welch", significant: true } });
    expect(run.stdout).toMatch(/FAIL {2}\d+ of \d+ metrics regressed/);
  });

  it("2N result files: the first N are the baseline; a wrong count is exit 2", async () => {
    const files: string[] = [];
    for (const [file, seed] of [
      [seed42, 1],
      [seed42, 2],
      [seed7, 3],
      [seed7, 4],
    ] as const) {
      const path = join(dir, `r${seed}.json`);
      const run = await kmssim(["run", file, "--seed", String(seed), "--out", path, "--quiet"]);
      expect(run.code, run.stderr).toBe(0);
      files.push(path);
    }
    const out = join(dir, "files.json");
    const run = await kmssim(["compare", "--replications", "2", ...files, "--out", out]);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const report = readReport(out);
    expect(report.baseline.files).toEqual(files.slice(0, 2));
    expect(report.candidate.files).toEqual(files.slice(2));
    expect(report.replications).toBe(2);
    const wrong = await kmssim(["compare", "--replications", "2", ...files.slice(0, 3)]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/needs two scenario files, or 4 result files/);
  });
});
