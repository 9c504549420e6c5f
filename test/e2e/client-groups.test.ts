// Per-client-group metrics end to end (issue 15, k6's tags for a fleet): shipped
// multi-group scenarios in virtual and realtime mode give groups that add up to the run,
// virtual shards merge into the single run's groups, and thresholds on group paths (a
// stored number, a percentile read from the group's histogram) pass and fail as their
// numbers say; validate names an unknown group.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kmssim, runScenario, scenarioPath, stackFrames, tempDirs, writeScenario, yaml } from "./helpers.js";
import { expectGroupsAddUp } from "../results/groups-add-up.js";
import { LatencyRecorder } from "../../src/results/latency-recorder.js";
import type { Result } from "../../src/results/result.js";

const tmp = tempDirs();
const MULTI_HOST = scenarioPath("multi-host.yaml");

describe("client groups (virtual, scenarios/multi-host.yaml)", () => {
  it("has one entry per scenario group, in order, that add up to the run; shards merge into the same groups", async () => {
    const dir = tmp.make();
    const single = await runScenario(dir, { path: MULTI_HOST }, ["--clients", "1500"]);
    expect(single.code, single.stderr).toBe(0);
    const clientsSection = /^clients:\n((?: .*\n)+)/m.exec(readFileSync(MULTI_HOST, "utf8"))![1];
    const names = [...clientsSection.matchAll(/^ {2}- name: (\S+)/gm)].map((m) => m[1]);
    expect(single.result.groups?.map((g) => g.name)).toEqual(names);
    expect(names.length).toBeGreaterThan(1);
    expectGroupsAddUp(single.result);
    // Groups are not copies of the fleet: their sizes differ, and each sent requests.
    const clients = single.result.groups!.map((g) => g.clients);
    expect(new Set(clients).size).toBe(clients.length);
    for (const g of single.result.groups!) expect(g.rpc.activation.sent).toBeGreaterThanOrEqual(g.clients);

    const shards = await Promise.all([1, 2].map((i) => runScenario(dir, { path: MULTI_HOST }, ["--clients", "1500", "--shard", `${i}/2`])));
    for (const shard of shards) expectGroupsAddUp(shard.result);
    const out = join(dir, "merged.json");
    const merge = await kmssim(["merge", ...shards.map((s) => s.outPath), "--out", out]);
    expect(merge.code, merge.stderr).toBe(0);
    const merged = JSON.parse(readFileSync(out, "utf8")) as Result;
    expect(merged.groups).toEqual(single.result.groups);
  }, 120_000);

  it("prints a per-group table in the summary", async () => {
    const run = await kmssim(["run", MULTI_HOST, "--clients", "600"], { env: { COLUMNS: "100" } });
    // This small fleet fails the scenario's thresholds (exit 1); the summary is printed either way.
    expect([0, 1], run.stderr).toContain(run.code);
    const head = run.stdout.split("\n").find((line) => /^\s+group\s+clients/.test(line));
    expect(head).toBeDefined();
    for (const name of ["desktops", "legacy-desktops", "servers"]) expect(run.stdout).toMatch(new RegExp(`^\\s+${name}\\s+\\d`, "m"));
  }, 60_000);
});

describe("client groups (realtime, scenarios/realtime-smoke.yaml)", () => {
  it("records each group's clients in the workers and adds them up exactly", async () => {
    const dir = tmp.make();
    const run = await runScenario(dir, { path: scenarioPath("realtime-smoke.yaml") }, ["--clients", "300", "--workers", "2"]);
    expect(run.result.mode).toBe("realtime");
    expect(run.result.incomplete, run.stderr).toBeUndefined();
    expect(run.result.groups?.map((g) => g.name)).toEqual(["desktops", "legacy"]);
    expectGroupsAddUp(run.result);
  }, 120_000);
});

describe("thresholds on client-group paths", () => {
  // Two groups of different sizes: the legacy group's numbers are not the fleet's.
  const scenario = (thresholds: string[]): string =>
    yaml(
      "name: group-thresholds",
      "seed: 3",
      "duration: 3d",
      "hosts:",
      "  - { name: kms1 }",
      "  - { name: kms2 }",
      "clients:",
      "  - { name: desktops, count: 400, bootSpread: 4h }",
      "  - { name: legacy.vista, count: 60, os: vista, bootSpread: 4h }",
      "thresholds:",
      ...thresholds.map((t) => `  - ${t}`),
    );

  it("judges a group's stored counts and any percentile of its histogram (dotted group name)", async () => {
    const dir = tmp.make();
    const run = await runScenario(dir, {
      name: "group-thresholds",
      text: scenario([
        "{ metric: groups.legacy.vista.activated, eq: 60 }",
        "{ metric: groups.legacy.vista.rpc.activation.latencyMs.p95, lt: 1ms }",
        "{ metric: groups.desktops.rpc.activation.latencyMs.p99, lt: 1h }",
        "{ metric: groups.desktops.clients, eq: 400 }",
      ]),
    });
    const legacy = run.result.groups!.find((g) => g.name === "legacy.vista")!;
    const desktops = run.result.groups!.find((g) => g.name === "desktops")!;
    const p95 = LatencyRecorder.decode(legacy.rpc.activation.histogram as string).percentileMs(95);
    expect(p95, "the run is slower than 1 ms, so the p95 threshold fails").toBeGreaterThan(1);
    expect(run.result.thresholds.map((t) => [t.metric, t.actual, t.pass])).toEqual([
      ["groups.legacy.vista.activated", legacy.activated, legacy.activated === 60],
      ["groups.legacy.vista.rpc.activation.latencyMs.p95", p95, false],
      ["groups.desktops.rpc.activation.latencyMs.p99", desktops.rpc.activation.latencyMs.p99, true],
      ["groups.desktops.clients", 400, true],
    ]);
    expect(run.code).toBe(1);
    expect(run.result.pass).toBe(false);
  }, 60_000);

  it("passes when every group threshold holds (exit 0)", async () => {
    const dir = tmp.make();
    const run = await runScenario(dir, {
      name: "group-thresholds-pass",
      text: scenario(["{ metric: groups.legacy.vista.notActivated, eq: 0 }", "{ metric: groups.desktops.rpc.renewal.latencyMs.p99.9, lt: 1h }"]),
    });
    expect(run.result.thresholds.every((t) => t.pass && t.actual !== null)).toBe(true);
    expect(run.code, run.stderr).toBe(0);
  }, 60_000);

  it("validate names an unknown group and suggests the close one (exit 2, no stack trace)", async () => {
    const dir = tmp.make();
    const path = writeScenario(
      dir,
      "bad.yaml",
      scenario(["{ metric: groups.desktop.activated, eq: 1 }", "{ metric: groups.legacy.vist.rpc.activation.latencyMs.p95, lt: 5 }"]),
    );
    const run = await kmssim(["validate", path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("no client group named 'desktop' (groups: desktops, legacy.vista) (did you mean 'desktops'?)");
    expect(run.stderr).toContain("no client group named 'legacy.vist' (groups: desktops, legacy.vista) (did you mean 'legacy.vista'?)");
    expect(stackFrames(run.stderr)).toEqual([]);
  }, 60_000);
});
