import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseFleetSizes, parseHostCounts } from "../../src/capacity/sweep-flags.js";

describe("--hosts", () => {
  it("reads ranges, single counts and lists, sorted and without repeats", () => {
    expect(parseHostCounts("1..4", 32)).toEqual({ ok: true, value: [1, 2, 3, 4] });
    expect(parseHostCounts("3", 32)).toEqual({ ok: true, value: [3] });
    expect(parseHostCounts("8,2, 4", 32)).toEqual({ ok: true, value: [2, 4, 8] });
    expect(parseHostCounts("2..4,8,3", 32)).toEqual({ ok: true, value: [2, 3, 4, 8] });
  });

  it("says what is wrong with a bad spelling", () => {
    const message = (text: string): string => {
      const parsed = parseHostCounts(text, 32);
      if (parsed.ok) expect.fail(`'${text}' should be refused`);
      return parsed.message;
    };
    expect(message("0..x")).toMatch(/'0\.\.x' .*not a host count.*1\.\.8/);
    expect(message("0..4")).toMatch(/from 1 to 32/);
    expect(message("1..33")).toMatch(/from 1 to 32/);
    expect(message("5..2")).toMatch(/backwards.*2\.\.5/);
    expect(message("")).toMatch(/not a host count/);
    expect(message("1.5")).toMatch(/not a host count/);
    expect(message("-1")).toMatch(/not a host count/);
  });

  it("property: a range a..b is exactly the counts from a to b", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 32 }), fc.integer({ min: 1, max: 32 }), (x, y) => {
        const [a, b] = [Math.min(x, y), Math.max(x, y)];
        const parsed = parseHostCounts(`${a}..${b}`, 32);
        expect(parsed).toEqual({ ok: true, value: Array.from({ length: b - a + 1 }, (_, i) => a + i) });
      }),
    );
  });
});

describe("--clients", () => {
  it("reads a list of fleet sizes, sorted and without repeats", () => {
    expect(parseFleetSizes("100000,10000, 50000,10000", 2)).toEqual({ ok: true, value: [10000, 50000, 100000] });
  });

  it("refuses what is not a whole number, and fewer clients than groups", () => {
    expect(parseFleetSizes("10k", 1)).toMatchObject({ ok: false, message: expect.stringMatching(/'10k'.*whole number/) });
    expect(parseFleetSizes("1000,", 1)).toMatchObject({ ok: false });
    expect(parseFleetSizes("1", 2)).toMatchObject({ ok: false, message: expect.stringMatching(/at least 2 .*client group/) });
  });
});
