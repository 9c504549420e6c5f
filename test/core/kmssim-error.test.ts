import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EXIT, KMSSIM_ERRORS, KmssimError, type KmssimErrorCode } from "../../src/core/kmssim-error.js";

const codes = Object.keys(KMSSIM_ERRORS) as KmssimErrorCode[];

/** The README's error-code table: `| \`CODE\` | exit | meaning |` rows. */
function readmeCodes(): Map<string, number> {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const rows = [...readme.matchAll(/^\| `(KMSSIM_[A-Z_]+)` \| (\d+) \|/gm)];
  return new Map(rows.map((m) => [m[1], Number(m[2])]));
}

describe("KmssimError", () => {
  it("takes its exit status from its code, for every code", () => {
    for (const code of codes) {
      const error = new KmssimError("x", code);
      expect(error.code).toBe(code);
      expect(error.exitCode).toBe(KMSSIM_ERRORS[code].exit);
      expect([EXIT.badInput, EXIT.runFailed]).toContain(error.exitCode);
    }
    expect(new KmssimError("no code given").exitCode).toBe(EXIT.badInput);
  });

  it("names itself KmssimError where an uncaught one is printed", () => {
    // String(error) and the first line of its stack use `name`; a bug report quoting either shows which class failed.
    const error = new KmssimError("the scenario has problems", "KMSSIM_BAD_SCENARIO");
    expect(error.name).toBe("KmssimError");
    expect(String(error)).toBe("KmssimError: the scenario has problems");
    expect(error).toBeInstanceOf(Error);
  });

  it("codes are KMSSIM_ names, each said once", () => {
    for (const code of codes) expect(code).toMatch(/^KMSSIM_[A-Z_]+$/);
    const meanings = codes.map((c) => KMSSIM_ERRORS[c].means);
    expect(new Set(meanings).size).toBe(meanings.length);
  });

  it("the README lists every code with its exit status, and no other", () => {
    const listed = readmeCodes();
    expect([...listed.keys()].sort()).toEqual([...codes].sort());
    for (const code of codes) expect(listed.get(code), code).toBe(KMSSIM_ERRORS[code].exit);
  });
});
