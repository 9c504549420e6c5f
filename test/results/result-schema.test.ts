// The result is defined once (src/results/result-schema.ts). Real results parse with it;
// every number of a result is a threshold path and a compare metric unless the schema
// says why not; every path thresholds accept is a number in a result.

import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mergeShardResults } from "../../src/merge/merge-results.js";
import type { Result } from "../../src/results/result.js";
import { resultProblem } from "../../src/results/result-file.js";
import { RESULT_NOT_METRICS, validateMetricPath } from "../../src/results/result-metrics.js";
import { buildResult } from "../../src/results/build-result.js";
import { VirtualEngine } from "../../src/sim/virtual-engine.js";
import { scenarioFrom } from "../sim/helpers.js";
import { expectEveryNumberIsAMetric, jsonNumbers, metricNumbers, missingThresholdPaths } from "./result-rule.js";

const shipped = (name: string): string => readFileSync(new URL(`../../scenarios/${name}`, import.meta.url), "utf8");

/** A virtual run of `yaml` to its end, as the JSON `run --out` writes. */
function virtualResult(yaml: string, shard?: { index: number; count: number }): Result {
  const scenario = { ...scenarioFrom(yaml), mode: "virtual" as const };
  const engine = new VirtualEngine(scenario, shard === undefined ? {} : { shard });
  while (!engine.step(100_000));
  const meta =
    shard === undefined
      ? undefined
      : { ...shard, fleetClients: scenario.clients.reduce((a, g) => a + g.count, 0), runDigest: "d", thresholds: scenario.thresholds };
  return JSON.parse(JSON.stringify(buildResult(engine.totals(), 0.5, false, meta))) as Result;
}

const MULTI_HOST = virtualResult(shipped("multi-host.yaml"));
// Hang, crash, slow and recover: the hung host leaves requests unanswered.
const FAILOVER = virtualResult(shipped("failover.yaml"));

const SMALL = `
name: small
seed: 3
duration: 2d
hosts:
  - { name: kms1 }
  - { name: kms2-branch, weight: 50 }
clients:
  - { name: desktops, count: 40, bootSpread: 1h }
thresholds:
  - { metric: hosts.kms1.late, eq: 0 }
`;
const SHARDS = [1, 2].map((index) => ({ file: `s${index}.json`, result: virtualResult(SMALL, { index, count: 2 }) }));
const MERGED = JSON.parse(JSON.stringify(mergeShardResults(SHARDS))) as Result;

const REAL: [string, Result][] = [
  ["multi-host", MULTI_HOST],
  ["failover", FAILOVER],
  ["a shard", SHARDS[1].result],
  ["merged shards", MERGED],
];

describe("real results parse with the result schema", () => {
  it.each(REAL)("%s", (_name, result) => {
    expect(resultProblem(result)).toBeNull();
  });

  it("the fault scenario really exercises a host fault counter", () => {
    expect(FAILOVER.hosts.some((h) => h.unanswered > 0)).toBe(true);
  });
});

describe("every number of a result is a threshold path and a comparable metric", () => {
  it.each(REAL)("%s", (_name, result) => {
    expectEveryNumberIsAMetric(result);
  });

  it("hosts.<name>.late and .lost, once refused by validate, are thresholds", () => {
    for (const path of ["hosts.kms1.late", "hosts.kms1.lost", "hosts.kms2-branch.lost"])
      expect(validateMetricPath(path, ["kms1", "kms2-branch"]), path).toBeNull();
    expect(MERGED.thresholds[0]).toMatchObject({ metric: "hosts.kms1.late", actual: 0, pass: true });
  });

  it("what is no metric is said in the schema, each with a reason, and is only these parts", () => {
    expect(RESULT_NOT_METRICS.map((n) => n.path).sort()).toEqual(
      [
        "alerts.list",
        "events",
        "generator.threads",
        "hosts.<name>.expectedRequests",
        "hosts.<name>.products.<name>.threshold",
        "incomplete",
        "merged",
        "rpcTimeoutMs",
        "seed",
        "shard",
        "thresholds",
        "timeline",
      ].sort(),
    );
    for (const { why } of RESULT_NOT_METRICS) expect(why.length).toBeGreaterThan(10);
    // Left out, they still are numbers of real results: the walk finds them.
    const templates = new Set(jsonNumbers(SHARDS[1].result).map((l) => l.template));
    for (const path of ["seed", "hosts.<name>.expectedRequests", "shard.index", "timeline[].t"]) expect(templates, path).toContain(path);
    expect(metricNumbers(SHARDS[1].result).some((l) => l.template.startsWith("timeline"))).toBe(false);
  });

  it("for any small fleet, seed and fault (property)", () => {
    const fault = fc.constantFrom("", "crash", "hang", "slow, serviceTime: 40ms", "decommission");
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 5, max: 60 }),
        fault,
        (seed, hostCount, clients, action) => {
          const hosts = Array.from({ length: hostCount }, (_, k) => `  - { name: h${k + 1}, weight: ${50 + 25 * k} }`);
          const yaml = [
            "name: any",
            `seed: ${seed}`,
            "duration: 3d",
            "hosts:",
            ...hosts,
            "clients:",
            `  - { name: desktops, count: ${clients}, os: ${seed % 2 === 0 ? "win7" : "vista"}, bootSpread: 2h }`,
            ...(action === "" ? [] : ["events:", `  - { at: 1h, host: h1, action: ${action} }`]),
          ].join("\n");
          const result = virtualResult(yaml);
          expect(resultProblem(result)).toBeNull();
          expectEveryNumberIsAMetric(result);
        },
      ),
      { numRuns: 8 },
    );
  });
});

describe("every path thresholds accept is a number in a result", () => {
  /** Sections only a realtime run has (checked on a realtime result in test/e2e/realtime-e2e.test.ts). */
  const realtimeOnly = (path: string): boolean => path.startsWith("generator.") || /\.client(Answered|TimedOut)$/.test(path);

  it.each(REAL)("%s: all but the realtime-only ones", (_name, result) => {
    const missing = missingThresholdPaths(result);
    expect(missing.filter((p) => !realtimeOnly(p))).toEqual([]);
    // A threshold on a section the result lacks fails (actual null): the README says so.
    expect(missing.length).toBeGreaterThan(0);
  });
});
