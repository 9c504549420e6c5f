import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ABSOLUTE_FLOOR, judge } from "../../src/compare/verdict.js";

describe("judge: direction, relative limit and absolute floor", () => {
  it("lower is better: a rise past the limit regresses, within it is only worse, a drop is better", () => {
    expect(judge(10, 12, "lower", "ms", 0.1)).toEqual({ delta: 2, deltaPct: 20, worse: true, regressed: true });
    expect(judge(10, 10.5, "lower", "ms", 0.1)).toEqual({ delta: 0.5, deltaPct: 5, worse: true, regressed: false });
    expect(judge(10, 8, "lower", "ms", 0.1)).toEqual({ delta: -2, deltaPct: -20, worse: false, regressed: false });
  });

  it("higher is better: a drop past the limit regresses, a rise never does", () => {
    expect(judge(0.99, 0.8, "higher", "ratio", 0.1)).toMatchObject({ worse: true, regressed: true });
    expect(judge(0.99, 0.95, "higher", "ratio", 0.1)).toMatchObject({ worse: true, regressed: false });
    expect(judge(0.5, 1, "higher", "ratio", 0.1)).toMatchObject({ worse: false, regressed: false, deltaPct: 100 });
  });

  it("exactly at the limit is not past it", () => {
    expect(judge(10, 11, "lower", "ms", 0.1).regressed).toBe(false);
    expect(judge(10, 11.001, "lower", "ms", 0.1).regressed).toBe(true);
  });

  it("a zero baseline: tiny latencies stay under the floor, one whole count does not", () => {
    expect(judge(0, 0.001, "lower", "ms", 0.1)).toEqual({ delta: 0.001, deltaPct: null, worse: true, regressed: false });
    expect(judge(0, ABSOLUTE_FLOOR.ms * 2, "lower", "ms", 0.1).regressed).toBe(true);
    expect(judge(0, 1, "lower", "count", 0.1)).toEqual({ delta: 1, deltaPct: null, worse: true, regressed: true });
    expect(judge(0, 0, "lower", "count", 0.1)).toEqual({ delta: 0, deltaPct: 0, worse: false, regressed: false });
    expect(judge(0, 0.0005, "lower", "ratio", 0)).toMatchObject({ worse: true, regressed: false });
  });

  it("a 0% limit still ignores changes under the floor", () => {
    expect(judge(5, 5.005, "lower", "ms", 0).regressed).toBe(false);
    expect(judge(5, 5.02, "lower", "ms", 0).regressed).toBe(true);
  });

  it("float noise does not make equal-looking values differ", () => {
    expect(judge(0.1 + 0.2, 0.3, "lower", "ratio", 0)).toEqual({ delta: 0, deltaPct: 0, worse: false, regressed: false });
  });

  it("a side not measured gives no delta and no verdict", () => {
    expect(judge(null, 1, "higher", "ratio", 0.1)).toEqual({ delta: null, deltaPct: null, worse: false, regressed: false });
    expect(judge(1, null, "higher", "ratio", 0.1)).toEqual({ delta: null, deltaPct: null, worse: false, regressed: false });
  });
});

describe("judge: properties", () => {
  const value = fc.double({ min: 0, max: 1e6, noNaN: true });
  const better = fc.constantFrom("lower" as const, "higher" as const);
  const unit = fc.constantFrom("ms" as const, "count" as const, "ratio" as const);
  const limit = fc.double({ min: 0, max: 5, noNaN: true });

  it("a value compared with itself is never worse", () => {
    fc.assert(
      fc.property(value, better, unit, limit, (v, b, u, l) => {
        expect(judge(v, v, b, u, l)).toEqual({ delta: 0, deltaPct: 0, worse: false, regressed: false });
      }),
    );
  });

  it("swapping baseline and candidate turns a worse row into a better one", () => {
    fc.assert(
      fc.property(value, value, better, unit, limit, (a, b, dir, u, l) => {
        const forward = judge(a, b, dir, u, l);
        const back = judge(b, a, dir, u, l);
        if (forward.worse) expect(back.worse).toBe(false);
        if (forward.regressed) expect(back.regressed).toBe(false);
        expect(back.delta).toBeCloseTo(-(forward.delta ?? 0), 6);
      }),
    );
  });

  it("a larger limit never turns a pass into a regression", () => {
    fc.assert(
      fc.property(value, value, better, unit, limit, limit, (a, b, dir, u, l1, l2) => {
        const [small, large] = l1 <= l2 ? [l1, l2] : [l2, l1];
        if (judge(a, b, dir, u, large).regressed) expect(judge(a, b, dir, u, small).regressed).toBe(true);
      }),
    );
  });
});
