// Every scenario in scenarios/ through the real binary: the exit code follows the verdict,
// and the result JSON keeps the whole contract of design.md (and the README's additions).

import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  durationSeconds,
  expectExitMatchesVerdict,
  expectResultContract,
  runScenario,
  scenarioPath,
  stackFrames,
  tempDirs,
  type ScenarioRun,
} from "./helpers.js";

const tmp = tempDirs();

interface Shipped {
  file: string;
  extra: string[];
}

const SHIPPED: Shipped[] = [
  { file: "multi-host.yaml", extra: [] },
  { file: "single-host.yaml", extra: [] },
  { file: "below-threshold.yaml", extra: [] },
  { file: "failover.yaml", extra: [] },
  { file: "large-fleet.yaml", extra: ["--clients", "20000"] },
];

interface ScenarioFile {
  name: string;
  seed: number;
  duration: string;
  hosts: { name: string }[];
  clients: { count: number }[];
  events?: unknown[];
  thresholds?: { metric: string }[];
}

describe.each(SHIPPED)("scenarios/$file", ({ file, extra }) => {
  let spec: ScenarioFile;
  let run: ScenarioRun;
  beforeAll(async () => {
    spec = parse(readFileSync(scenarioPath(file), "utf8")) as ScenarioFile;
    run = await runScenario(tmp.make(), { path: scenarioPath(file) }, extra);
  });

  it("exits by its thresholds (0 iff pass) without a stack trace", () => {
    expect(stackFrames(run.stderr)).toEqual([]);
    expectExitMatchesVerdict(run);
  });

  it("writes a result that keeps the contract", () => {
    expectResultContract(run.result);
  });

  it("is the run the file describes", () => {
    const r = run.result;
    expect(r.scenario).toBe(spec.name);
    expect(r.seed).toBe(spec.seed);
    expect(r.mode).toBe("virtual");
    expect(r.simulatedSeconds).toBe(durationSeconds(spec.duration));
    expect(r.interrupted === true).toBe(false);
    expect(r.hosts.map((h) => h.name)).toEqual(spec.hosts.map((h) => h.name));
    const clients = extra.includes("--clients") ? Number(extra[extra.indexOf("--clients") + 1]) : spec.clients.reduce((a, g) => a + g.count, 0);
    expect(r.clients.total).toBe(clients);
    expect(r.thresholds.map((t) => t.metric)).toEqual((spec.thresholds ?? []).map((t) => t.metric));
    expect(r.events.length).toBe((spec.events ?? []).length);
  });

  // The files in scenarios/ are examples users copy: each should demonstrate a passing run.
  it("passes its own thresholds (exit 0)", () => {
    const failed = run.result.thresholds.filter((t) => !t.pass).map((t) => `${t.metric} ${t.op} ${t.value}: actual ${t.actual}`);
    expect(failed).toEqual([]);
    expect(run.code).toBe(0);
  });
});
