import fc from "fast-check";
import { knownMetricPaths } from "../../src/results/result-metrics.js";
import { describe, expect, it } from "vitest";
import { Code, ERROR_CODES, explainCode, formatCode, parseCode, renderExplanation, signedCode } from "../../src/core/errors.js";

describe("formatCode", () => {
  it("prints 0x and 8 upper-case hex digits", () => {
    expect(formatCode(0xc004f038)).toBe("0xC004F038");
    expect(formatCode(0)).toBe("0x00000000");
    expect(formatCode(0x6ba)).toBe("0x000006BA");
    expect(formatCode(-1073418184)).toBe("0xC004F038"); // signed HRESULT
    expect(formatCode(-0x8000_0000)).toBe("0x80000000"); // the lowest int32
    expect(formatCode(0xffff_ffff)).toBe("0xFFFFFFFF");
  });

  it("rejects what is not a 32-bit integer", () => {
    for (const bad of [1.5, NaN, Infinity, 0x1_0000_0000, -0x8000_0001]) expect(() => formatCode(bad)).toThrow(RangeError);
    expect(() => formatCode(1.5)).toThrow("not a 32-bit error code: 1.5");
  });
});

describe("parseCode", () => {
  it.each([
    ["0xC004F038", 0xc004f038],
    ["0xc004f038", 0xc004f038],
    ["0XC004F038", 0xc004f038],
    ["C004F038", 0xc004f038],
    ["c004f038", 0xc004f038],
    ["  0x800706BA \n", 0x800706ba],
    ["-1073418184", 0xc004f038],
    ["3221549112", 0xc004f038],
    ["80070005", 0x80070005], // 8 digits: written like an HRESULT, read as hex
    ["0x6ba", 0x6ba],
    ["1722", 1722],
    ["0", 0],
    ["-0", 0],
    ["-2147483648", 0x8000_0000],
    ["4294967295", 0xffff_ffff],
  ])("reads %j as %d", (text, code) => {
    expect(parseCode(text)).toBe(code);
  });

  it.each(["", "0x", "0x123456789", "C004F0381", "xyz", "-2147483649", "4294967296", "1.5", "0x-1", "--5", "+5", "0xG", "-0x5", "10x5", "code 0xC004F038"])(
    "rejects %j",
    (text) => {
      expect(parseCode(text)).toBeNull();
    },
  );

  describe("properties", () => {
    const uint32 = fc.integer({ min: 0, max: 0xffff_ffff });

    it("round-trips formatCode over every uint32", () => {
      fc.assert(
        fc.property(uint32, (code) => {
          expect(parseCode(formatCode(code))).toBe(code);
          expect(parseCode(formatCode(code).toLowerCase())).toBe(code);
          expect(parseCode(formatCode(code).slice(2))).toBe(code); // without 0x
        }),
        { numRuns: 5000 },
      );
    });

    it("reads the signed decimal form and the unsigned decimal form", () => {
      fc.assert(
        fc.property(uint32, (code) => {
          const signed = signedCode(code);
          if (signed < 0) expect(parseCode(String(signed))).toBe(code);
          if (String(code).length !== 8) expect(parseCode(String(code))).toBe(code);
          expect(formatCode(signed)).toBe(formatCode(code));
        }),
        { numRuns: 5000 },
      );
    });
  });
});

describe("ERROR_CODES and explainCode", () => {
  it("lists every Code value once, each with its own hex, name, meaning and remedy", () => {
    const codes = ERROR_CODES.map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const value of Object.values(Code)) expect(codes).toContain(value);
    for (const e of ERROR_CODES) {
      expect(e.hex).toBe(formatCode(e.code));
      expect(e.name).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(e.meaning.length).toBeGreaterThan(40);
      expect(e.remedy.length).toBeGreaterThan(40);
      expect(explainCode(e.code)).toBe(e);
      expect(explainCode(signedCode(e.code))).toBe(e);
      expect(explainCode(parseCode(e.hex) as number)).toBe(e);
    }
  });

  it("has the codes the brief requires, with their Windows names", () => {
    expect(Code).toMatchObject({
      CountInsufficient: 0xc004f038,
      NotEnabled: 0xc004f039,
      HostNotActivated: 0xc004f041,
      ProductNotServed: 0xc004f042,
      ClockSkew: 0xc004f06c,
      NoHostReachable: 0xc004f074,
      DnsNameDoesNotExist: 0x8007232b,
      RpcServerUnavailable: 0x800706ba,
    });
    expect(explainCode(Code.CountInsufficient)?.name).toBe("SL_E_VL_NOT_ENOUGH_COUNT");
    expect(explainCode(Code.NoHostReachable)?.name).toBe("SL_E_VL_BINDING_SERVICE_UNAVAILABLE");
    expect(explainCode(Code.ClockSkew)?.name).toBe("SL_E_VL_INVALID_TIMESTAMP");
    expect(explainCode(Code.DnsNameDoesNotExist)?.name).toBe("DNS_ERROR_RCODE_NAME_ERROR");
    expect(explainCode(Code.RpcServerUnavailable)?.name).toBe("RPC_S_SERVER_UNAVAILABLE");
    expect(explainCode(0)).toBeUndefined();
    expect(explainCode(0x80070002)).toBeUndefined();
  });

  it("explains what an administrator checks", () => {
    const text = (code: number) => {
      const e = explainCode(code);
      return e ? `${e.meaning} ${e.remedy}` : "";
    };
    expect(text(Code.CountInsufficient)).toMatch(/threshold/);
    expect(text(Code.CountInsufficient)).toMatch(/25/);
    expect(text(Code.CountInsufficient)).toMatch(/\b5\b/);
    expect(text(Code.CountInsufficient)).toMatch(/activation interval/);
    expect(text(Code.NoHostReachable)).toMatch(/SRV/);
    expect(text(Code.NoHostReachable)).toMatch(/1688/);
    expect(text(Code.NoHostReachable)).toMatch(/firewall/);
    expect(text(Code.NoHostReachable)).toMatch(/kmssim discover/);
    expect(text(Code.NoHostReachable)).toMatch(/0x800706BA/);
    expect(text(Code.ClockSkew)).toMatch(/4 hours/);
    expect(text(Code.DnsNameDoesNotExist)).toMatch(/_vlmcs\._tcp/);
    expect(text(Code.RpcServerUnavailable)).toMatch(/refused/);
    expect(text(Code.RpcServerUnavailable)).toMatch(/timeout/);
    expect(text(Code.HostNotActivated)).toMatch(/not activated/);
    expect(text(Code.NotEnabled)).toMatch(/not enabled/);
  });
});

describe("codes administrators meet that the model never produces", () => {
  it("explains them, marked as not simulated, and keeps them out of the result's metric paths", () => {
    for (const code of [0xc004c008, 0xc004c003, 0xc004f050, 0xc004f069, 0x8007007b, 0x80070005]) {
      const e = explainCode(code);
      expect(e?.simulated, formatCode(code)).toBe(false);
      expect(knownMetricPaths(["kms1"]).some((p) => p.endsWith(formatCode(code)))).toBe(false);
    }
    for (const value of Object.values(Code)) expect(explainCode(value)?.simulated).toBe(true);
    expect(explainCode(0xc004c008)?.name).toBe("SL_E_CHPA_MAXIMUM_UNLOCK_EXCEEDED");
  });
});

describe("renderExplanation", () => {
  it("renders every code as plain text lines of at most 80 columns", () => {
    for (const e of ERROR_CODES) {
      const text = renderExplanation(e);
      const lines = text.split("\n");
      expect(lines[0]).toBe(`${e.hex}  ${e.name}`);
      expect(text).toContain("What it means:");
      expect(text).toContain("What to do:");
      expect(text).toContain(String(signedCode(e.code)));
      expect(text.endsWith("\n")).toBe(false);
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
      // Wrapping keeps every word.
      const words = (s: string) => s.split(/\s+/).filter(Boolean);
      expect(words(text)).toEqual(expect.arrayContaining(words(e.meaning)));
      expect(words(text)).toEqual(expect.arrayContaining(words(e.remedy)));
    }
  });

  it("puts a blank line before each heading and indents both texts by two spaces", () => {
    const e = explainCode(Code.NoHostReachable)!;
    const lines = renderExplanation(e).split("\n");
    const toDo = lines.indexOf("What to do:");
    expect(lines[toDo - 1]).toBe("");
    expect(lines.slice(4, toDo - 1).every((line) => line.startsWith("  ") && line[2] !== " ")).toBe(true);
    expect(lines.slice(toDo + 1).length).toBeGreaterThan(0);
    expect(lines.slice(toDo + 1).every((line) => line.startsWith("  ") && line[2] !== " ")).toBe(true);
  });

  it("fills a line up to 76 columns of text (78 with the indent), and no further", () => {
    const e = explainCode(Code.CountInsufficient)!;
    const tenLetters = "abcdefghij";
    const seventySix = Array<string>(7).fill(tenLetters).join(" "); // 7 × 10 + 6 spaces
    const meaningLines = (meaning: string) => {
      const lines = renderExplanation({ ...e, meaning }).split("\n");
      return lines.slice(4, lines.indexOf("What to do:") - 1);
    };
    expect(meaningLines(seventySix)).toEqual(["  " + seventySix]);
    expect(meaningLines(seventySix + " x")).toEqual(["  " + seventySix, "  x"]);
  });

  it("reads any run of whitespace in a text as one space, and makes no line of a text with no words", () => {
    const e = explainCode(Code.CountInsufficient)!;
    const text = renderExplanation({ ...e, meaning: "  The host\n  answered. ", remedy: " \n " });
    expect(text.split("\n").slice(3)).toEqual(["What it means:", "  The host answered.", "", "What to do:"]);
  });

  it("looks like this for 0xC004F038", () => {
    const text = renderExplanation(explainCode(Code.CountInsufficient)!);
    expect(text.split("\n").slice(0, 5)).toEqual([
      "0xC004F038  SL_E_VL_NOT_ENOUGH_COUNT",
      "(decimal -1073418184 signed, 3221549112 unsigned)",
      "",
      "What it means:",
      expect.stringMatching(/^ {2}The KMS host answered/),
    ]);
  });
});
