// The one reader of result files (compare, merge, report): one wording for every problem,
// naming the file and the first bad field, never quoting the file.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { parseResultText, readResultFile, resultProblem, ResultFileError } from "../../src/results/result-file.js";
import { resultWith } from "../compare/fixture.js";

const dir = mkdtempSync(join(tmpdir(), "kmssim-result-file-"));
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

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const edited = (edit: (r: Json) => void): string => {
  const r = resultWith() as unknown as Json;
  edit(r);
  return JSON.stringify(r);
};

describe("reading a result file", () => {
  it("accepts a complete kmssim/result@1 result as it is, fields it does not know included", () => {
    const r = { ...resultWith(), addedLater: { x: 1 } };
    expect(parseResultText(JSON.stringify(r), "r.json")).toEqual(r);
  });

  it("one wording: the file, the schema, the path of the first bad field and what it should be", () => {
    expect(refused("{ nope")).toMatch(/^'r\.json' is not JSON \(.* at line 1, column 3\); give a result written by `kmssim run --out`$/);
    expect(refused("[1, 2]")).toBe(
      "'r.json' is not a kmssim/result@1 result (the file: should be an object, got a list); give a result written by `kmssim run --out`",
    );
    expect(refused(edited((r) => delete r.schema))).toMatch(/^'r\.json' is not a kmssim\/result@1 result \(schema: missing\)/);
    expect(refused(edited((r) => (r.schema = "kmssim/result@2")))).toMatch(/\(schema: should be "kmssim\/result@1", got "kmssim\/result@2"\)/);
    expect(refused(edited((r) => delete r.spread.jain))).toMatch(/\(spread\.jain: missing\)/);
    expect(refused(edited((r) => (r.failovers = "3")))).toMatch(/\(failovers: should be a whole number ≥ 0, got text\)/);
    expect(refused(edited((r) => (r.hosts[1].lost = -2)))).toMatch(/\(hosts\[1\]\.lost: should be a whole number ≥ 0, got -2\)/);
    expect(refused(edited((r) => (r.hosts[0].state = "gone")))).toMatch(
      /\(hosts\[0\]\.state: should be one of "up", "hung", "down", "decommissioned", got text\)/,
    );
    expect(refused(edited((r) => (r.rpc.activation.histogram = 7)))).toMatch(
      /\(rpc\.activation\.histogram: should be a compressed HdrHistogram \(base64 text\) or a list of them, got 7\)/,
    );
    expect(refused(edited((r) => (r.rpc.activation.errors["0xC004F038"] = 1.5)))).toMatch(
      /\(rpc\.activation\.errors\.0xC004F038: should be a whole number ≥ 0, got 1\.5\)/,
    );
  });

  it("the first bad field only, in the order of the result's fields", () => {
    const message = refused(
      edited((r) => {
        r.failovers = -1;
        r.clients.total = "many";
      }),
    );
    expect(message).toMatch(/\(clients\.total: /);
    expect(message).not.toMatch(/failovers/);
  });

  it("a list of histograms (merged shards) is accepted", () => {
    const r = resultWith();
    (r.dns as { histogram: unknown }).histogram = [r.dns.histogram, r.dns.histogram];
    expect(() => parseResultText(JSON.stringify(r), "r.json")).not.toThrow();
  });

  it("a missing file or a folder is a plain message", async () => {
    await expect(readResultFile(join(dir, "absent.json"))).rejects.toThrow(`cannot read '${join(dir, "absent.json")}': no such file`);
    await expect(readResultFile(dir)).rejects.toThrow(/it is a folder/);
    const file = join(dir, "ok.json");
    writeFileSync(file, JSON.stringify(resultWith()));
    await expect(readResultFile(file)).resolves.toMatchObject({ schema: "kmssim/result@1" });
  });
});

describe("a result's problems never quote it", () => {
  const MARK = "Mk7q";
  const secret = fc.stringMatching(/^[a-z0-9]{2,10}$/).map((tail) => `${MARK}${tail}`);
  /** Every place in the sample result where a value sits: [path, value]. */
  function places(value: unknown, path: PropertyKey[] = []): PropertyKey[][] {
    if (typeof value !== "object" || value === null) return [path];
    const entries = Array.isArray(value) ? value.map((v, k) => [k, v] as const) : Object.entries(value);
    return [path, ...entries.flatMap(([k, v]) => places(v, [...path, k]))];
  }
  const base = resultWith() as unknown as Json;
  const all = places(base).filter((p) => p.length > 0);

  it("a secret put as a value or as a map key anywhere: the message names the place, never the secret", () => {
    fc.assert(
      fc.property(fc.constantFrom(...all), secret, fc.boolean(), (path, token, asKey) => {
        const r = structuredClone(base);
        let node: Json = r;
        for (const key of path.slice(0, -1)) node = node[key as string];
        const last = path[path.length - 1] as string;
        if (asKey && !Array.isArray(node)) {
          node[token] = node[last];
          delete node[last];
        } else (node as Json)[last] = token;
        const problem = resultProblem(r);
        if (problem !== null) expect(problem).not.toContain(MARK);
        try {
          parseResultText(JSON.stringify(r), "r.json");
        } catch (err) {
          expect((err as Error).message).not.toContain(MARK);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("a bad count under a key that is not an error code or a product: the key is not shown", () => {
    const message = refused(edited((r) => (r.rpc.renewal.errors[`${MARK}secret`] = -1)));
    expect(message).toMatch(/\(rpc\.renewal\.errors \(a key\): should be a whole number ≥ 0, got -1\)/);
    expect(message).not.toContain(MARK);
    expect(refused(edited((r) => (r.hosts[0].count["windows-client"] = "x")))).toMatch(/hosts\[0\]\.count\.windows-client: should be/);
  });
});
