import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KmssimError } from "../../src/core/kmssim-error.js";
import { planProblem } from "../../src/report/plan/plan-problem.js";
import { readReportFile } from "../../src/report/read-result.js";
import { fixtureResult } from "./fixtures.js";
import { fixturePlan } from "./plan-fixture.js";

const dir = mkdtempSync(join(tmpdir(), "kmssim-plan-read-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, value: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
};

const failure = (path: string): Promise<KmssimError> =>
  readReportFile(path).then(
    () => {
      throw new Error("expected a KmssimError");
    },
    (err: unknown) => err as KmssimError,
  );

describe("readReportFile", () => {
  it("tells a plan from a result by its schema", async () => {
    const plan = await readReportFile(write("plan.json", fixturePlan()));
    expect(plan.kind).toBe("plan");
    expect(plan.kind === "plan" && plan.plan.recommendations[0].hosts).toBe(3);
    const result = await readReportFile(write("result.json", fixtureResult()));
    expect(result.kind).toBe("result");
    expect(result.kind === "result" && result.result.scenario).toBe("fixture");
  });

  it.each([
    [
      "other schema",
      { schema: "kmssim/compare@1" },
      /is not a kmssim result or plan: its "schema" is "kmssim\/compare@1", expected "kmssim\/result@1" \(kmssim run --out\) or "kmssim\/plan@1" \(kmssim plan --out\)/,
    ],
    ["no schema", { a: 1 }, /is not a kmssim result or plan: its "schema" is missing, expected "kmssim\/result@1" .* or "kmssim\/plan@1"/],
    ["a list", [], /is not a kmssim result or plan: it is not a JSON object/],
    ["a broken plan", { ...fixturePlan(), points: [{ hosts: 1 }] }, /is not a kmssim plan: "points" should be a list of points/],
    ["a broken result", { ...fixtureResult(), hosts: "kms1" }, /is not a kmssim\/result@1 result \(hosts: should be a list/],
    ["not JSON", "{", /is not JSON/],
  ])("%s: a plain KmssimError, exit 2", async (name, contents, message) => {
    const err = await failure(write(`${name}.json`, contents));
    expect(err).toBeInstanceOf(KmssimError);
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(message);
  });
});

describe("planProblem", () => {
  it("accepts what buildPlanReport writes and names the first part missing", () => {
    expect(planProblem(JSON.parse(JSON.stringify(fixturePlan({ fleetSizes: [10, 20], unfinished: 1 }))))).toBeNull();
    expect(planProblem({ ...fixturePlan(), scenario: 3 })).toMatch(/"scenario"/);
    expect(planProblem({ ...fixturePlan(), hostCounts: ["1"] })).toMatch(/"hostCounts"/);
    expect(planProblem({ ...fixturePlan(), thresholds: [{ op: "lt" }] })).toMatch(/"thresholds"/);
    expect(planProblem({ ...fixturePlan(), recommendations: {} })).toMatch(/"recommendations"/);
    const noInterval = fixturePlan();
    (noInterval.points[1] as unknown as Record<string, unknown>).maxShareDeviation = null;
    expect(planProblem(noInterval)).toMatch(/"points"/);
  });
});
