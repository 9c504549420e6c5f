import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadResultFile, parseResultText, ResultFileError } from "../../src/compare/load-result.js";
import { resultWith } from "./fixture.js";

const dir = mkdtempSync(join(tmpdir(), "kmssim-compare-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const refused = (text: string): string => {
  try {
    parseResultText(text, "r.json");
  } catch (err) {
    expect(err).toBeInstanceOf(ResultFileError);
    expect((err as ResultFileError).code).toBe("KMSSIM_BAD_RESULT");
    return (err as Error).message;
  }
  return expect.fail(`accepted: ${text.slice(0, 80)}`);
};

describe("reading a result file for compare", () => {
  it("accepts a complete kmssim/result@1 result as it is", () => {
    const r = resultWith();
    expect(parseResultText(JSON.stringify(r), "r.json")).toEqual(r);
  });

  it("names the file and the problem: not JSON, not an object, no schema, another schema", () => {
    expect(refused("{ nope")).toMatch(/^'r\.json' is not JSON \(/);
    expect(refused("[1, 2]")).toMatch(/^'r\.json' is not a kmssim result/);
    expect(refused(JSON.stringify({ ...resultWith(), schema: undefined }))).toMatch(/^'r\.json' has no "schema" field/);
    expect(refused(JSON.stringify({ ...resultWith(), schema: "kmssim/result@2" }))).toBe(
      `'r.json' has schema "kmssim/result@2"; kmssim reads "kmssim/result@1"`,
    );
  });

  it("lists every missing or mistyped field compare reads", () => {
    const r = resultWith() as unknown as Record<string, Record<string, unknown>>;
    delete r.spread.jain;
    r.failovers = "3" as unknown as Record<string, unknown>;
    (r.rpc.activation as Record<string, unknown>).histogram = "";
    const message = refused(JSON.stringify(r));
    expect(message).toMatch(/^'r\.json' is not a complete kmssim\/result@1 result \(3 problems\)/);
    expect(message).toContain("spread.jain: missing");
    expect(message).toContain("failovers: should be a number");
    expect(message).toContain("rpc.activation.histogram: should be a compressed HdrHistogram");
  });

  it("a list of histograms (merged shards) is accepted", () => {
    const r = resultWith();
    (r.dns as { histogram: unknown }).histogram = [r.dns.histogram, r.dns.histogram];
    expect(() => parseResultText(JSON.stringify(r), "r.json")).not.toThrow();
  });

  it("a missing file or a folder is a plain message", async () => {
    await expect(loadResultFile(join(dir, "absent.json"))).rejects.toThrow(`cannot read '${join(dir, "absent.json")}': no such file`);
    await expect(loadResultFile(dir)).rejects.toThrow(/it is a folder/);
    const file = join(dir, "ok.json");
    writeFileSync(file, JSON.stringify(resultWith()));
    await expect(loadResultFile(file)).resolves.toMatchObject({ schema: "kmssim/result@1" });
  });
});
