import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KmssimError } from "../../src/core/kmssim-error.js";
import { readReportFile } from "../../src/report/read-result.js";
import { fixtureResult } from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "kmssim-report-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("readReportFile with a result", () => {
  it("reads a result", async () => {
    const path = join(dir, "ok.json");
    writeFileSync(path, JSON.stringify(fixtureResult()));
    const input = await readReportFile(path);
    expect(input.kind === "result" && input.result.scenario).toBe("fixture");
  });

  it.each([
    ["missing.json", null, /cannot read '.*missing\.json': no such file/],
    ["bad.json", "{ not json", /'.*bad\.json' is not JSON/],
    ["array.json", "[]", /is not a kmssim result or plan: it is not a JSON object/],
    ["schema.json", JSON.stringify({ schema: "other@1" }), /"schema" is not a kmssim schema, expected "kmssim\/result@1"/],
    [
      "hosts.json",
      JSON.stringify({ ...fixtureResult(), hosts: "kms1" }),
      /'.*hosts\.json' is not a kmssim\/result@1 result \(hosts: should be a list, got text\)/,
    ],
    ["timeline.json", JSON.stringify({ ...fixtureResult(), timeline: [{ x: 1 }] }), /\(timeline\[0\]\.t: missing\)/],
  ])("%s is a plain KmssimError (exit 2), in the wording of every result reader", async (name, contents, message) => {
    const path = join(dir, name);
    if (contents !== null) writeFileSync(path, contents);
    const error = await readReportFile(path).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(KmssimError);
    expect((error as KmssimError).exitCode).toBe(2);
    expect((error as KmssimError).message).toMatch(message);
  });
});
