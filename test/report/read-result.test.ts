import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KmssimError } from "../../src/core/kmssim-error.js";
import { readResultFile, resultProblem } from "../../src/report/read-result.js";
import { fixtureResult } from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "kmssim-report-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("readResultFile", () => {
  it("reads a result", async () => {
    const path = join(dir, "ok.json");
    writeFileSync(path, JSON.stringify(fixtureResult()));
    expect((await readResultFile(path)).scenario).toBe("fixture");
  });

  it.each([
    ["missing.json", null, /cannot read result '.*missing\.json': no such file/],
    ["bad.json", "{ not json", /is not valid JSON/],
    ["array.json", "[]", /is not a kmssim result: it is not a JSON object/],
    ["schema.json", JSON.stringify({ schema: "other@1" }), /"schema" is "other@1", expected "kmssim\/result@1"/],
  ])("%s is a plain KmssimError (exit 2)", async (name, contents, message) => {
    const path = join(dir, name);
    if (contents !== null) writeFileSync(path, contents);
    const error = await readResultFile(path).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(KmssimError);
    expect((error as KmssimError).exitCode).toBe(2);
    expect((error as KmssimError).message).toMatch(message);
  });

  it("names the first part that is missing", () => {
    expect(resultProblem(fixtureResult())).toBeNull();
    const noHosts = { ...fixtureResult(), hosts: "kms1" };
    expect(resultProblem(noHosts)).toMatch(/"hosts"/);
    const noTimeline = { ...fixtureResult(), timeline: [{ x: 1 }] };
    expect(resultProblem(noTimeline)).toMatch(/"timeline"/);
  });
});
