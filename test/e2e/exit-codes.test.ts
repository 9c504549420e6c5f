// Exit codes (design.md, "Command line"): 0 all thresholds pass, 1 a threshold failed,
// 2 bad input — with a plain message naming the key path and line:column, never a stack.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { expectResultContract, kmssim, runScenario, stackFrames, tempDirs, writeScenario, yaml, type ScenarioRun } from "./helpers.js";

const tmp = tempDirs();

/** 1-based line of the first line containing `needle`, and the columns of its key and its value. */
function position(text: string, needle: string): { line: number; keyColumn: number; valueColumn: number } {
  const lines = text.split("\n");
  const index = lines.findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`'${needle}' not in the scenario`);
  const line = lines[index];
  const keyColumn = line.indexOf(needle) + 1;
  const afterColon = line.indexOf(":", keyColumn - 1) + 1;
  const valueColumn = afterColon + (line.slice(afterColon).length - line.slice(afterColon).trimStart().length) + 1;
  return { line: index + 1, keyColumn, valueColumn };
}

/** stderr names `file:line:col` for the line of `needle` (at its key or its value) and the key path. */
function expectPointsAt(stderr: string, fileName: string, text: string, needle: string, keyPath: string): void {
  const { line, keyColumn, valueColumn } = position(text, needle);
  const at = new RegExp(`${fileName.replace(".", "\\.")}:${line}:(${keyColumn}|${valueColumn})\\b[^\\n]*${keyPath.replace(/[[\].]/g, "\\$&")}`);
  expect(stderr).toMatch(at);
}

describe("a threshold fails", () => {
  const text = yaml(
    "name: impossible",
    "seed: 77",
    "duration: 1d",
    "hosts: [{ name: kms1 }]",
    "clients: [{ name: desktops, count: 300, bootSpread: 1h }]",
    "thresholds:",
    "  - { metric: clients.notActivated, eq: 0 }",
    "  - { metric: clients.activated, gt: 1000000 }   # more than the fleet: cannot pass",
  );
  let dir: string;
  let first: ScenarioRun;
  beforeAll(async () => {
    dir = tmp.make();
    first = await runScenario(dir, { name: "impossible", text }, ["--seed", "5", "--clients", "400"]);
  });

  it("exits 1, marks the threshold failed in the result, and prints the --seed to reproduce", () => {
    expect(first.code).toBe(1);
    expectResultContract(first.result);
    expect(first.result.pass).toBe(false);
    expect(first.result.seed).toBe(5);
    expect(first.result.clients.total).toBe(400);
    const [ok, failed] = first.result.thresholds;
    expect(ok).toMatchObject({ metric: "clients.notActivated", pass: true });
    expect(failed).toMatchObject({ metric: "clients.activated", op: "gt", value: 1_000_000, pass: false });
    expect(failed.actual).toBe(first.result.clients.activated);
    expect(first.stderr).toMatch(/--seed 5\b/);
    expect(stackFrames(first.stderr)).toEqual([]);
  });

  // README: "A run whose thresholds fail prints the command (with --seed) that reproduces it exactly."
  it("the printed command reproduces the run exactly, also after --seed and --clients overrides", async () => {
    const command = /kmssim (run [^\n]*--seed \d+[^\n]*)/.exec(first.stderr);
    expect(command, `a reproduce command in stderr:\n${first.stderr}`).not.toBeNull();
    const args = command![1].trim().split(/\s+/);
    const outPath = join(dir, "replay.json");
    const replay = await kmssim([...args, "--out", outPath, "--quiet"]);
    expect(replay.code).toBe(1);
    const again = JSON.parse(readFileSync(outPath, "utf8")) as typeof first.result;
    expect(again.seed, `replayed with: ${args.join(" ")}`).toBe(5);
    expect(again.clients.total, `replayed with: ${args.join(" ")}`).toBe(400);
    const strip = (r: object): string => JSON.stringify({ ...r, wallSeconds: undefined });
    expect(strip(again) === strip(first.result), "the replay's result equals the original apart from wallSeconds").toBe(true);
  });
});

describe("thresholds naming unknown metrics", () => {
  it("exit 2 before running, naming each metric, with a did-you-mean when close", async () => {
    const dir = tmp.make();
    const text = yaml(
      "hosts: [{ name: kms1 }]",
      "clients: [{ name: desktops, count: 10 }]",
      "thresholds:",
      "  - { metric: clients.notActivatd, eq: 0 }",
      "  - { metric: rpc.activation.latencyMs.p99, lt: 50 }",
      "  - { metric: bogus.thing, eq: 0 }",
    );
    const path = writeScenario(dir, "metrics.yaml", text);
    const outPath = join(dir, "never.json");
    const run = await kmssim(["run", path, "--out", outPath]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("clients.notActivatd");
    expect(run.stderr).toMatch(/did you mean '?clients\.notActivated'?/);
    expect(run.stderr).toContain("bogus.thing");
    expect(run.stderr).not.toContain("rpc.activation.latencyMs.p99");
    expectPointsAt(run.stderr, "metrics.yaml", text, "clients.notActivatd", "thresholds[0].metric");
    expectPointsAt(run.stderr, "metrics.yaml", text, "bogus.thing", "thresholds[2].metric");
    expect(stackFrames(run.stderr)).toEqual([]);
    expect(() => readFileSync(outPath), "no result for a scenario that did not run").toThrow();
  });

  it("an unknown host in hosts.<name>.share is bad input too", async () => {
    const path = writeScenario(
      tmp.make(),
      "host-metric.yaml",
      yaml("hosts: [{ name: kms1 }]", "clients: [{ name: desktops, count: 10 }]", "thresholds: [{ metric: hosts.kms2.share, gt: 0 }]"),
    );
    const run = await kmssim(["validate", path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("kms2");
    expect(stackFrames(run.stderr)).toEqual([]);
  });
});

describe("broken scenarios exit 2 with the key path and line:column, no stack trace", () => {
  // Unknown key, negative count, unknown product, duration without a unit: all in one file,
  // all reported at once, each with its key path and position.
  const text = yaml(
    "name: broken",
    "duration: 5",
    "hosts:",
    "  - name: kms1",
    "    wieght: 300",
    "clients:",
    "  - name: c",
    "    count: -5",
    "    product: windows-clint",
  );
  const problems: { needle: string; keyPath: string; mention: RegExp }[] = [
    { needle: "duration: 5", keyPath: "duration", mention: /unit/ },
    { needle: "wieght", keyPath: "hosts[0].wieght", mention: /did you mean '?weight'?/ },
    { needle: "count: -5", keyPath: "clients[0].count", mention: /-5/ },
    { needle: "product: windows-clint", keyPath: "clients[0].product", mention: /windows-client/ },
  ];

  it.each(["validate", "run"])("%s reports every problem of the file at once", async (command) => {
    const dir = tmp.make();
    const path = writeScenario(dir, "broken.yaml", text);
    const outPath = join(dir, "never.json");
    const run = await kmssim(command === "run" ? ["run", path, "--out", outPath] : ["validate", path]);
    expect(run.code).toBe(2);
    for (const { needle, keyPath, mention } of problems) {
      expectPointsAt(run.stderr, "broken.yaml", text, needle, keyPath);
      expect(run.stderr).toMatch(mention);
    }
    expect(stackFrames(run.stderr)).toEqual([]);
    expect(run.stdout).not.toMatch(/: ok|PASS|FAIL/);
    expect(() => readFileSync(outPath), "no result for a scenario that did not run").toThrow();
  });

  it("bad YAML names the file and a line:column", async () => {
    const path = writeScenario(tmp.make(), "syntax.yaml", yaml("hosts: [ { name: kms1", "clients: x"));
    const run = await kmssim(["run", path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/syntax\.yaml:\d+:\d+/);
    expect(run.stderr).toMatch(/yaml/i);
    expect(stackFrames(run.stderr)).toEqual([]);
  });

  it("a missing file names the file", async () => {
    const path = join(tmp.make(), "does-not-exist.yaml");
    const run = await kmssim(["run", path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("does-not-exist.yaml");
    expect(stackFrames(run.stderr)).toEqual([]);
  });
});
