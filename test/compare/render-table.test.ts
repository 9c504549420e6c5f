import { describe, expect, it } from "vitest";
import { compareResults } from "../../src/compare/compare-runs.js";
import { renderComparison, verdictWord } from "../../src/compare/render-table.js";
import { resultWith } from "./fixture.js";

const lineOf = (text: string, metric: string): string => {
  const line = text.split("\n").find((l) => l.trimStart().startsWith(`${metric} `));
  if (line === undefined) throw new Error(`no line for ${metric} in\n${text}`);
  return line.trim();
};

describe("renderComparison", () => {
  it("one line per metric with baseline, candidate, delta, delta%, limit and verdict; FAIL names the regressions", () => {
    const base = resultWith({ activation: Array.from({ length: 1000 }, () => 1) }, (r) => void (r.failovers = 0));
    const cand = resultWith({ activation: Array.from({ length: 1000 }, () => 1.5) }, (r) => void (r.failovers = 2));
    const text = renderComparison(compareResults(base, cand), { baseline: "a.json", candidate: "b.json" });
    expect(text).toContain("baseline a.json  candidate b.json");
    expect(
      lineOf(text, "rpc.activation.latencyMs.p99 (ms)")
        .split(/\s{2,}/)
        .slice(1),
    ).toEqual(["1.000", "1.500", "+0.500", "+50.0%", "10%", "REGRESSED"]);
    expect(
      lineOf(text, "failovers")
        .split(/\s{2,}/)
        .slice(1),
    ).toEqual(["0", "2", "+2", "from 0", "10%", "REGRESSED"]);
    expect(
      lineOf(text, "spread.jain")
        .split(/\s{2,}/)
        .slice(1),
    ).toEqual(["0.9996", "0.9996", "0", "0%", "10%", "same"]);
    expect(text.trimEnd().split("\n").pop()).toMatch(
      /^ {2}FAIL {2}\d+ of \d+ metrics regressed past their limit: .*rpc\.activation\.latencyMs\.p99.*failovers/,
    );
  });

  it("a change too small for the shown precision has no sign: 0.000 and 0.0%, never -0.000", () => {
    const r = resultWith();
    const comparison = compareResults(r, r);
    const metric = "rpc.activation.latencyMs.p99";
    const fieldsWith = (delta: number): string[] => {
      // Means over replications differ by fractions of a µs.
      const rows = comparison.rows.map((row) => (row.metric === metric ? { ...row, delta, deltaPct: (100 * delta) / (row.baseline ?? 1) } : row));
      return lineOf(renderComparison({ ...comparison, rows }, { baseline: "a", candidate: "b" }), `${metric} (ms)`)
        .split(/\s{2,}/)
        .slice(3, 5);
    };
    expect(fieldsWith(-0.0002)).toEqual(["0.000", "0.0%"]);
    expect(fieldsWith(0.0002)).toEqual(["0.000", "0.0%"]);
    expect(fieldsWith(-0.002)[0]).toBe("-0.002");
  });

  it("PASS when nothing regressed", () => {
    const r = resultWith();
    expect(renderComparison(compareResults(r, r), { baseline: "a", candidate: "b" })).toMatch(/PASS {2}no metric regressed past its limit \(\d+ compared\)$/);
  });

  it("verdict words", () => {
    const base = { metric: "m", unit: "ms" as const, better: "lower" as const, baseline: 1, candidate: 1, limitPct: 10 };
    expect(verdictWord({ ...base, delta: 0, deltaPct: 0, worse: false, regressed: false })).toBe("same");
    expect(verdictWord({ ...base, delta: -1, deltaPct: -50, worse: false, regressed: false })).toBe("better");
    expect(verdictWord({ ...base, delta: 0.01, deltaPct: 1, worse: true, regressed: false })).toBe("worse");
    expect(verdictWord({ ...base, delta: 1, deltaPct: 100, worse: true, regressed: true })).toBe("REGRESSED");
    expect(verdictWord({ ...base, delta: null, deltaPct: null, worse: false, regressed: false })).toBe("n/a");
    const neither = { ...base, better: "neither" as const };
    expect(verdictWord({ ...neither, delta: 0.1, deltaPct: 10, worse: false, regressed: false })).toBe("changed");
    expect(verdictWord({ ...neither, delta: 0, deltaPct: 0, worse: false, regressed: false })).toBe("same");
  });
});
