// The adaptive clock's rule: never above the requested rate nor below its floor; slows
// when a request's lag, in simulated time, is over budget; speeds back up when well within.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_PACE, lagBudgetSimMs, nextScale, type PaceSettings } from "../../../src/core/pacing/pace-controller.js";

const settings = (requestedScale: number, budgetSimMs = 30 * 60_000): PaceSettings => ({ ...DEFAULT_PACE, requestedScale, lagBudgetSimMs: budgetSimMs });

describe("nextScale", () => {
  it("stays within [requested × minScaleFraction, requested] for any rate and lag", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1e5, noNaN: true }),
        (requested, at, lagMs) => {
          const s = settings(requested);
          const floor = requested * s.minScaleFraction;
          const current = floor + at * (requested - floor);
          const next = nextScale(current, lagMs, s);
          expect(next).toBeLessThanOrEqual(requested);
          expect(next).toBeGreaterThanOrEqual(floor * (1 - 1e-12));
        },
      ),
    );
  });

  it("slows whenever lag × scale is over the budget (unless at the floor), by at most half a step", () => {
    fc.assert(
      fc.property(fc.double({ min: 100, max: 1e6, noNaN: true }), fc.double({ min: 1.01, max: 1000, noNaN: true }), (scale, over) => {
        const s = settings(scale);
        const lagMs = (s.lagBudgetSimMs * over) / scale;
        const next = nextScale(scale, lagMs, s);
        expect(next).toBeLessThan(scale);
        expect(next).toBeGreaterThanOrEqual(Math.max(scale * s.maxSlowFactor, scale * s.minScaleFraction) * (1 - 1e-12));
        // Brought to the budget in one step when the overshoot is small enough.
        if (over <= 1 / s.maxSlowFactor) expect(lagMs * next).toBeCloseTo(s.lagBudgetSimMs, 3);
      }),
    );
  });

  it("speeds up toward the requested rate while the lag is within a quarter of the budget, and holds between half and the whole", () => {
    const s = settings(86_400);
    expect(nextScale(10_000, 0, s)).toBeCloseTo(15_000);
    expect(nextScale(80_000, 0, s)).toBe(86_400);
    const lagAtThreeQuartersMs = (0.75 * s.lagBudgetSimMs) / 10_000;
    expect(nextScale(10_000, lagAtThreeQuartersMs, s)).toBe(10_000);
    const lagAtOneThirdMs = s.lagBudgetSimMs / 3 / 10_000;
    expect(nextScale(10_000, lagAtOneThirdMs, s)).toBeCloseTo(11_000);
  });

  it("at the boundaries: a quarter of the budget speeds up only slowly, half of it holds (both are below, not within)", () => {
    const s = settings(86_400); // a 30-minute budget: at 10,000× a lag of 45 ms is exactly a quarter of it, 90 ms half
    expect(nextScale(10_000, 45, s)).toBeCloseTo(11_000);
    expect(nextScale(10_000, 90, s)).toBe(10_000);
    expect(nextScale(10_000, 180, s)).toBe(10_000); // exactly the budget: not over it
  });

  it("a 20 ms lag at 86,400× is 29 simulated minutes: within the default 30-minute budget, no slow-down", () => {
    const s = settings(86_400, lagBudgetSimMs(2 * 3600_000));
    expect(s.lagBudgetSimMs).toBe(30 * 60_000);
    expect(nextScale(86_400, 20, s)).toBe(86_400);
    expect(nextScale(86_400, 40, s)).toBeLessThan(86_400);
  });

  it("the budget is a quarter of the shortest interval, at least a simulated minute", () => {
    expect(lagBudgetSimMs(4 * 3600_000)).toBe(3600_000);
    expect(lagBudgetSimMs(1000)).toBe(60_000);
  });
});
