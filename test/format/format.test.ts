import { describe, expect, it } from "vitest";
import { formatDurationShort } from "../../src/format/format-duration.js";
import { formatCount, formatMs, formatPercent, formatPoints } from "../../src/format/format-number.js";
import { formatTable, visibleWidth } from "../../src/format/format-table.js";

describe("formatDurationShort", () => {
  it.each([
    [17_280_000, "200d"],
    [12_000, "3h 20m"],
    [12_005, "3h 20m"],
    [3_600, "1h"],
    [3_601, "1h"],
    [90_061, "1d 1h"],
    [86_400, "1d"],
    [45, "45s"],
    [3.2, "3.2s"],
    [59.96, "1m"],
    [61, "1m 1s"],
    [0.25, "250ms"],
    [0, "0s"],
    [-45, "-45s"],
  ])("%s s → %s", (seconds, text) => {
    expect(formatDurationShort(seconds)).toBe(text);
  });
});

describe("number formats", () => {
  it("groups counts by thousands", () => {
    expect(formatCount(0)).toBe("0");
    expect(formatCount(999)).toBe("999");
    expect(formatCount(1000)).toBe("1,000");
    expect(formatCount(30_000_000)).toBe("30,000,000");
    expect(formatCount(-1234.5)).toBe("-1,234.5");
  });

  it("prints latencies with meaningful decimals, shares as percent, deviations as points", () => {
    expect([0.512, 3.1, 45.25, 123.45, 1250.4].map(formatMs)).toEqual(["0.512", "3.100", "45.25", "123.5", "1250"]);
    expect(formatPercent(0.5123)).toBe("51.2%");
    expect(formatPoints(0.012)).toBe("+1.2pp");
    expect(formatPoints(-0.012)).toBe("-1.2pp");
    expect(formatPoints(-0.0001)).toBe("+0.0pp");
  });
});

describe("formatTable", () => {
  it("aligns columns left or right and trims trailing spaces", () => {
    const lines = formatTable(
      [
        ["name", "n"],
        ["a", "1"],
        ["longer", "100"],
      ],
      { align: ["left", "right"], indent: 2 },
    );
    expect(lines).toEqual(["  name      n", "  a         1", "  longer  100"]);
  });

  it("measures coloured cells by what the terminal shows", () => {
    const red = "\x1b[31mx\x1b[0m";
    expect(visibleWidth(red)).toBe(1);
    expect(visibleWidth("✓ ok")).toBe(4);
    const lines = formatTable([
      [red, "1"],
      ["abc", "2"],
    ]);
    expect(lines.map(visibleWidth)).toEqual([6, 6]);
    expect(lines[0]).toBe(`${red}    1`);
  });

  it("fills missing cells", () => {
    expect(formatTable([["a", "b", "c"], ["d"]])).toEqual(["a  b  c", "d"]);
  });
});
