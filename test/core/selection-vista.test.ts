import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { selectVista } from "../../src/core/selection/vista.js";
import type { SrvCandidate } from "../../src/core/selection/srv-candidate.js";
import { CountingRng, FixedRng, candidatesArb, frequencies, isSet, maskArb } from "./selection-helpers.js";

const c = (host: number, priority: number, weight: number): SrvCandidate => ({ host, priority, weight });

describe("selectVista (uniform, priority and weight ignored)", () => {
  it("returns -1 without drawing when nothing is left", () => {
    const rng = new CountingRng(1);
    expect(selectVista([], 0, rng)).toBe(-1);
    expect(selectVista([c(5, 0, 1)], 1 << 5, rng)).toBe(-1);
    expect(rng.draws).toBe(0);
  });

  it("returns a single live endpoint without drawing", () => {
    const rng = new CountingRng(1);
    expect(selectVista([c(5, 0, 1), c(6, 0, 1)], 1 << 6, rng)).toBe(5);
    expect(selectVista([c(5, 0, 1), c(5, 9, 0)], 0, rng)).toBe(5);
    expect(rng.draws).toBe(0);
  });

  it("ignores priority and weight", () => {
    const list = [c(0, 0, 65535), c(1, 100, 0)];
    expect(selectVista(list, 0, new FixedRng([0.1]))).toBe(0);
    expect(selectVista(list, 0, new FixedRng([0.6]))).toBe(1);
  });

  it("converges to equal shares (Mulberry32, 60k draws)", () => {
    const list = [c(0, 0, 90), c(1, 1, 9), c(2, 2, 1), c(3, 0, 0)];
    const freq = frequencies((rng) => selectVista(list, 0, rng), 77, 60_000, 4);
    for (const f of freq) expect(Math.abs(f - 0.25)).toBeLessThan(0.01);
    const withoutOne = frequencies((rng) => selectVista(list, 0b0100, rng), 78, 60_000, 4);
    expect(withoutOne[2]).toBe(0);
    for (const h of [0, 1, 3]) expect(Math.abs(withoutOne[h] - 1 / 3)).toBeLessThan(0.01);
  });

  it("gives an endpoint named by two records two shares", () => {
    const list = [c(0, 0, 1), c(0, 0, 1), c(1, 0, 1)];
    const freq = frequencies((rng) => selectVista(list, 0, rng), 3, 60_000, 2);
    expect(Math.abs(freq[0] - 2 / 3)).toBeLessThan(0.01);
  });

  it("property: never a removed endpoint; -1 iff all removed; one draw iff a real choice", () => {
    fc.assert(
      fc.property(candidatesArb(), maskArb, fc.integer(), (list, mask, seed) => {
        const rng = new CountingRng(seed);
        const host = selectVista(list, mask, rng);
        const liveHosts = new Set(list.filter((x) => !isSet(mask, x.host)).map((x) => x.host));
        if (liveHosts.size === 0) expect(host).toBe(-1);
        else expect(liveHosts.has(host)).toBe(true);
        expect(rng.draws).toBe(liveHosts.size >= 2 ? 1 : 0);
      }),
      { numRuns: 2000 },
    );
  });
});
