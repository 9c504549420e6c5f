import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DurationError, durationPattern, formatDuration, parseDuration, parseDurationMs } from "../../src/scenario/duration.js";

describe("parseDurationMs", () => {
  it.each([
    ["500ms", 500],
    ["30s", 30_000],
    ["5m", 300_000],
    ["2h", 7_200_000],
    ["7d", 604_800_000],
    ["1h30m", 5_400_000],
    ["1d2h3m4s5ms", 93_784_005],
    ["2h0m", 7_200_000],
  ])("reads %s as %d ms", (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each([
    ["0.5ms", 0.5],
    ["0.1ms", 0.1],
    ["0.7s", 700],
    ["1.5h", 5_400_000],
    [".5s", 500],
    ["1.25m", 75_000],
  ])("reads the decimal %s as %d ms", (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it("reads negative durations (clock skew)", () => {
    expect(parseDurationMs("-5h")).toBe(-18_000_000);
    expect(parseDurationMs("-1h30m")).toBe(-5_400_000);
    expect(parseDurationMs("-0.5s")).toBe(-500);
  });

  it("accepts a plain zero, as text or number, and never returns -0", () => {
    for (const zero of [0, "0", "0s", "0ms", "-0", "-0s", "0.0"]) {
      expect(Object.is(parseDurationMs(zero), 0), String(zero)).toBe(true);
    }
  });

  it("trims surrounding white space", () => {
    expect(parseDurationMs("  2h ")).toBe(7_200_000);
  });

  it("rejects a number without a unit, naming the units", () => {
    expect(parseDuration("5")).toEqual({ ok: false, message: "duration '5' needs a unit: ms, s, m, h or d" });
    expect(parseDuration(5)).toEqual({ ok: false, message: "duration '5' needs a unit: ms, s, m, h or d" });
    expect(parseDuration("1.5")).toEqual({ ok: false, message: "duration '1.5' needs a unit: ms, s, m, h or d" });
    expect(parseDuration(-3)).toEqual({ ok: false, message: "duration '-3' needs a unit: ms, s, m, h or d" });
  });

  it("names an unknown unit", () => {
    expect(parseDuration("5sec")).toEqual({
      ok: false,
      message: "duration '5sec' has an unknown unit 'sec': use ms, s, m, h or d",
    });
    expect(parseDuration("2H")).toMatchObject({ ok: false, message: expect.stringContaining("unknown unit 'H'") });
  });

  it("wants units from largest to smallest, each once", () => {
    for (const text of ["30m1h", "1h1h", "5ms1s"]) {
      expect(parseDuration(text)).toMatchObject({ ok: false, message: expect.stringContaining("largest to smallest") });
    }
  });

  it.each(["", "   ", "abc", "h", "-", "--5s", "5 s", "1.h", "1..5s", "5s!", "+-1s", "1e3ms"])("rejects garbage %j", (text) => {
    const result = parseDuration(text);
    expect(result.ok).toBe(false);
  });

  it("rejects a duration too large for exact milliseconds", () => {
    expect(parseDuration("999999999999d")).toEqual({ ok: false, message: "duration '999999999999d' is too large" });
  });

  it("throws a typed error with a stable code from parseDurationMs", () => {
    let caught: unknown;
    try {
      parseDurationMs("soon");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DurationError);
    expect((caught as DurationError).code).toBe("KMSSIM_BAD_DURATION");
    expect((caught as DurationError).message).toContain("'soon' is not valid");
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0s"],
    [500, "500ms"],
    [0.5, "0.5ms"],
    [30_000, "30s"],
    [5_400_000, "1h30m"],
    [-18_000_000, "-5h"],
    [2_592_000_000, "30d"],
    [93_784_005, "1d2h3m4s5ms"],
    [3_600_000.1, "1h0.1ms"],
  ])("formats %d ms as %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it("round-trips every integer number of milliseconds through parseDurationMs", () => {
    fc.assert(
      fc.property(fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (ms) => {
        expect(parseDurationMs(formatDuration(ms))).toBe(ms);
      }),
    );
  });

  it("round-trips small integers too (the common range)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -100 * 86_400_000, max: 100 * 86_400_000 }), (ms) => {
        expect(parseDurationMs(formatDuration(ms))).toBe(ms);
      }),
    );
  });
});

describe("durationPattern (JSON Schema)", () => {
  const signed = new RegExp(durationPattern(true));
  const unsigned = new RegExp(durationPattern(false));
  const positive = new RegExp(durationPattern(false, false));

  it("matches what the parser accepts", () => {
    const piece = fc.constantFrom("0", "1", "5", "12", "0.5", ".5", "1.", "d", "h", "m", "s", "ms", "-", "x", " ");
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 8 }).map((parts) => parts.join("")),
        (text) => {
          const parsed = parseDuration(text);
          fc.pre(text.trim() === text); // the parser trims; YAML plain scalars are trimmed already
          fc.pre(parsed.ok || !parsed.message.includes("too large"));
          expect(signed.test(text)).toBe(parsed.ok);
        },
      ),
    );
  });

  it("keeps signs out of non-negative keys and plain 0 out of positive ones", () => {
    expect(unsigned.test("-5h")).toBe(false);
    expect(unsigned.test("5h")).toBe(true);
    expect(unsigned.test("0")).toBe(true);
    expect(positive.test("0")).toBe(false);
    expect(positive.test("1h30m")).toBe(true);
  });
});
