// kmssim compare through the built binary: an equal run passes with every delta 0, a host
// made 10× slower regresses activation p99 (exit 1, row marked), bad files exit 2.

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { CompareReport } from "../../src/compare/report-json.js";
import { kmssim, runScenario, stackFrames, tempDirs, yaml, type ScenarioRun } from "./helpers.js";

const tmp = tempDirs();

const scenario = (kms1ServiceTime: string): string =>
  yaml(
    "name: compare-e2e",
    "seed: 11",
    "duration: 10d",
    "hosts:",
    `  - { name: kms1, weight: 100, serviceTime: ${kms1ServiceTime}, concurrency: 64 }`,
    "  - { name: kms2, weight: 100, serviceTime: 2ms, concurrency: 64 }",
    "clients:",
    "  - { name: desktops, count: 400, os: win7, product: windows-client, bootSpread: 1h }",
  );

const readReport = (path: string): CompareReport => JSON.parse(readFileSync(path, "utf8")) as CompareReport;
const rowOf = (report: CompareReport, metric: string): CompareReport["rows"][number] => {
  const row = report.rows.find((r) => r.metric === metric);
  if (row === undefined) expect.fail(`no row ${metric}`);
  return row;
};

describe("kmssim compare", () => {
  let dir: string;
  let baseline: ScenarioRun;
  let same: ScenarioRun;
  let slow: ScenarioRun;
  beforeAll(async () => {
    dir = tmp.make();
    baseline = await runScenario(dir, { name: "baseline", text: scenario("2ms") });
    same = await runScenario(dir, { name: "same", text: scenario("2ms") });
    slow = await runScenario(dir, { name: "slow", text: scenario("20ms") });
  });

  it("two runs of the same scenario and seed: exit 0, every delta 0, PASS", async () => {
    const out = join(dir, "same.json");
    const run = await kmssim(["compare", baseline.outPath, same.outPath, "--out", out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/PASS {2}no metric regressed past its limit/);
    const report = readReport(out);
    expect(report).toMatchObject({ schema: "kmssim/compare@1", pass: true, regressed: [], warnings: [] });
    expect(report.baseline).toMatchObject({ file: baseline.outPath, scenario: "compare-e2e", mode: "virtual", seed: 11, clients: 400 });
    expect(report.rows.length).toBeGreaterThan(20);
    for (const row of report.rows) {
      expect(row.delta, row.metric).toBe(0);
      expect(row).toMatchObject({ worse: false, regressed: false });
      expect(row.candidate).toBe(row.baseline);
    }
    // Percentiles come from the file's histogram; they agree with its summary.
    expect(rowOf(report, "rpc.activation.latencyMs.p99").baseline).toBe(baseline.result.rpc.activation.latencyMs.p99);
    expect(rowOf(report, "dns.latencyMs.p50").baseline).toBe(baseline.result.dns.latencyMs.p50);
  });

  it("one host 10× slower: activation p99 regresses, exit 1, the row is marked in the table and the JSON", async () => {
    const out = join(dir, "slow.json");
    const run = await kmssim(["compare", baseline.outPath, slow.outPath, "--max-regression", "10%", "--out", out]);
    expect(run.code, run.stderr).toBe(1);
    const line = run.stdout.split("\n").find((l) => l.trim().startsWith("rpc.activation.latencyMs.p99 "));
    expect(line).toMatch(/REGRESSED$/);
    expect(run.stdout).toMatch(/FAIL {2}\d+ of \d+ metrics regressed past their limit: [^\n]*rpc\.activation\.latencyMs\.p99/);
    const report = readReport(out);
    expect(report.pass).toBe(false);
    expect(report.regressed).toContain("rpc.activation.latencyMs.p99");
    const p99 = rowOf(report, "rpc.activation.latencyMs.p99");
    expect(p99).toMatchObject({ unit: "ms", better: "lower", limitPct: 10, worse: true, regressed: true });
    expect(p99.baseline).toBe(baseline.result.rpc.activation.latencyMs.p99);
    expect(p99.candidate).toBe(slow.result.rpc.activation.latencyMs.p99);
    expect(p99.delta).toBeCloseTo(p99.candidate! - p99.baseline!, 9);
    expect(p99.deltaPct).toBeGreaterThan(100);
    expect(report.regressed).toEqual(report.rows.filter((r) => r.regressed).map((r) => r.metric));
  });

  it("the same pair the other way round is an improvement: exit 0", async () => {
    const run = await kmssim(["compare", slow.outPath, baseline.outPath, "--metric", "rpc.activation.latencyMs.*"]);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout.split("\n").find((l) => l.trim().startsWith("rpc.activation.latencyMs.p99 "))).toMatch(/better$/);
  });

  it("--metric and per-metric --max-regression: a generous limit on the one metric selected passes", async () => {
    const out = join(dir, "relaxed.json");
    // --metric before the files takes one value, not the files too.
    const run = await kmssim([
      "compare",
      "--metric",
      "rpc.activation.latencyMs.p99",
      baseline.outPath,
      slow.outPath,
      "--max-regression",
      "p99=100000%,default=1%",
      "--out",
      out,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const report = readReport(out);
    expect(report.rows.map((r) => r.metric)).toEqual(["rpc.activation.latencyMs.p99"]);
    expect(report.rows[0]).toMatchObject({ worse: true, regressed: false, limitPct: 100000 });
    expect(report.maxRegression).toEqual({ defaultPct: 1, overrides: { p99: 100000 } });
  });

  it("runs with another seed: a warning on stderr, not a failure of the command", async () => {
    const other = await runScenario(dir, { name: "other-seed", text: scenario("2ms") }, ["--seed", "12"]);
    const run = await kmssim(["compare", baseline.outPath, other.outPath, "--max-regression", "100000%", "--metric", "!*.errors.*"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("warning: the runs differ in seed (baseline 11, candidate 12)");
  });

  describe("bad input exits 2 with a plain message naming the file", () => {
    const cases: [string, (d: string, good: string) => string[], RegExp][] = [
      ["a missing file", (d, good) => [good, join(d, "absent.json")], /cannot read '[^']*absent\.json': no such file/],
      ["a file that is not JSON", (d, good) => [writeText(d, "text.json", "not json"), good], /'[^']*text\.json' is not JSON/],
      [
        "another schema",
        (d, good) => [good, writeText(d, "v2.json", JSON.stringify({ schema: "kmssim/result@2" }))],
        /'[^']*v2\.json' is not a kmssim\/result@1 result \(schema: should be "kmssim\/result@1", got "kmssim\/result@2"\)/,
      ],
      [
        "a broken histogram",
        (d, good) => [good, writeText(d, "broken.json", readFileSync(good, "utf8").replace(/"histogram": "[^"]+"/, '"histogram": "AAAAAAAA"'))],
        /'[^']*broken\.json': rpc\.activation\.histogram is not a readable HdrHistogram/,
      ],
      ["a bad --max-regression", (_d, good) => [good, good, "--max-regression", "ten"], /--max-regression: limit 'ten' is not a percentage/],
      ["one file only", (_d, good) => [good], /compare needs two result files/],
      ["--out on a folder", (d, good) => [good, good, "--out", d], /cannot write '[^']*': it is a folder/],
    ];
    it.each(cases)("%s", async (_name, args, message) => {
      const run = await kmssim(["compare", ...args(dir, baseline.outPath)]);
      expect(run.code, run.stdout + run.stderr).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(stackFrames(run.stderr)).toEqual([]);
    });
  });
});

function writeText(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
