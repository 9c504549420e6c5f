import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { selectWin7 } from "../../src/core/selection/win7.js";
import type { SrvCandidate } from "../../src/core/selection/srv-candidate.js";
import { CountingRng, FixedRng, candidatesArb, frequencies, isSet, maskArb } from "./selection-helpers.js";

const c = (host: number, priority: number, weight: number): SrvCandidate => ({ host, priority, weight });

describe("selectWin7 (RFC 2782)", () => {
  it("returns -1 without drawing for an empty list or when every endpoint is removed", () => {
    const rng = new CountingRng(1);
    expect(selectWin7([], 0, rng)).toBe(-1);
    expect(selectWin7([c(0, 0, 1), c(3, 0, 1)], 0b1001, rng)).toBe(-1);
    expect(rng.draws).toBe(0);
  });

  it("returns the only live endpoint without drawing", () => {
    const rng = new CountingRng(1);
    expect(selectWin7([c(2, 0, 5)], 0, rng)).toBe(2);
    expect(selectWin7([c(0, 0, 1), c(1, 0, 1)], 0b01, rng)).toBe(1);
    // Two records of one endpoint are no choice either.
    expect(selectWin7([c(4, 0, 1), c(4, 0, 9)], 0, rng)).toBe(4);
    expect(rng.draws).toBe(0);
  });

  it("draws exactly once when the lowest live priority names two or more endpoints", () => {
    const rng = new CountingRng(7);
    selectWin7([c(0, 0, 1), c(1, 0, 1), c(2, 5, 1)], 0, rng);
    expect(rng.draws).toBe(1);
    // One endpoint at the best priority: no draw, even though lower priorities have several.
    selectWin7([c(0, 0, 1), c(1, 5, 1), c(2, 5, 1)], 0, rng);
    expect(rng.draws).toBe(1);
  });

  it("prefers the lowest priority and falls back only when it is removed", () => {
    const list = [c(0, 10, 100), c(1, 0, 1), c(2, 0, 1), c(3, 5, 1)];
    const rng = new CountingRng(3);
    for (let i = 0; i < 2000; i++) expect([1, 2]).toContain(selectWin7(list, 0, rng));
    expect(selectWin7(list, 0b0110, rng)).toBe(3);
    expect(selectWin7(list, 0b1110, rng)).toBe(0);
  });

  it("maps r to the first record whose running weight sum is >= r", () => {
    const list = [c(0, 0, 1), c(1, 0, 3)]; // sum 4
    expect(selectWin7(list, 0, new FixedRng([0.2]))).toBe(0); // r = 0.8 <= 1
    expect(selectWin7(list, 0, new FixedRng([0.25]))).toBe(0); // r = 1 <= 1
    expect(selectWin7(list, 0, new FixedRng([0.26]))).toBe(1); // r = 1.04 > 1
    expect(selectWin7(list, 0, new FixedRng([0.999999]))).toBe(1);
  });

  it("puts weight-0 records first: taken only when r is exactly 0", () => {
    const list = [c(1, 0, 10), c(0, 0, 0)];
    expect(selectWin7(list, 0, new FixedRng([0]))).toBe(0);
    expect(selectWin7(list, 0, new FixedRng([1e-9]))).toBe(1);
    // In practice a weight-0 record next to positive weights is never chosen.
    const freq = frequencies((rng) => selectWin7(list, 0, rng), 11, 50_000, 2);
    expect(freq[0]).toBe(0);
  });

  it("a zero draw takes a live weight-0 record of the best priority, else the first positive weight", () => {
    const list = [c(0, 0, 4), c(2, 0, 0), c(3, 5, 0), c(1, 0, 4)];
    expect(selectWin7(list, 0, new FixedRng([0]))).toBe(2);
    // Endpoint 2 removed: the weight-0 record of priority 5 is no candidate, the first positive weight is.
    expect(selectWin7(list, 0b100, new FixedRng([0]))).toBe(0);
    // No weight-0 record at all: the first positive weight (and the search stays inside the list).
    expect(selectWin7([c(1, 0, 4), c(0, 0, 4)], 0, new FixedRng([0]))).toBe(1);
    expect(selectWin7([c(3, 1, 0), c(1, 0, 4), c(0, 0, 4)], 0, new FixedRng([0]))).toBe(1);
  });

  it("chooses uniformly per record when every weight in the priority is 0", () => {
    const list = [c(0, 0, 0), c(1, 0, 0), c(2, 0, 0), c(3, 1, 50)];
    expect(selectWin7(list, 0, new FixedRng([0]))).toBe(0);
    expect(selectWin7(list, 0, new FixedRng([0.34]))).toBe(1);
    expect(selectWin7(list, 0, new FixedRng([0.99]))).toBe(2);
    const freq = frequencies((rng) => selectWin7(list, 0, rng), 5, 60_000, 4);
    for (let h = 0; h < 3; h++) expect(freq[h]).toBeCloseTo(1 / 3, 1);
    expect(freq[3]).toBe(0);
  });

  it("sums the chances of an endpoint named by several records", () => {
    const list = [c(0, 0, 10), c(1, 0, 20), c(0, 0, 10)];
    const freq = frequencies((rng) => selectWin7(list, 0, rng), 99, 100_000, 2);
    expect(freq[0]).toBeCloseTo(0.5, 1);
    expect(Math.abs(freq[0] - 0.5)).toBeLessThan(0.01);
  });

  it("handles endpoint 31 (the sign bit of the mask)", () => {
    const list = [c(31, 0, 1), c(30, 0, 1)];
    expect(selectWin7(list, (1 << 30) >>> 0, new CountingRng(1))).toBe(31);
    expect(selectWin7(list, (1 << 31) >>> 0, new CountingRng(1))).toBe(30);
    expect(selectWin7(list, 0xc000_0000, new CountingRng(1))).toBe(-1);
    expect(selectWin7(list, -0x4000_0000, new CountingRng(1))).toBe(-1); // same bits, signed
  });

  it("converges to weight / sum within the lowest priority (Mulberry32, 60k draws)", () => {
    const list = [c(0, 0, 60), c(1, 0, 30), c(2, 0, 10), c(3, 1, 1000)];
    const freq = frequencies((rng) => selectWin7(list, 0, rng), 2024, 60_000, 4);
    expect(Math.abs(freq[0] - 0.6)).toBeLessThan(0.01);
    expect(Math.abs(freq[1] - 0.3)).toBeLessThan(0.01);
    expect(Math.abs(freq[2] - 0.1)).toBeLessThan(0.01);
    expect(freq[3]).toBe(0);
  });

  describe("properties", () => {
    it("never returns a removed endpoint; -1 iff every candidate is removed; one draw iff a real choice", () => {
      fc.assert(
        fc.property(candidatesArb(), maskArb, fc.integer(), (list, mask, seed) => {
          const rng = new CountingRng(seed);
          const host = selectWin7(list, mask, rng);
          const live = list.filter((x) => !isSet(mask, x.host));
          if (live.length === 0) {
            expect(host).toBe(-1);
            expect(rng.draws).toBe(0);
            return;
          }
          expect(host).not.toBe(-1);
          expect(isSet(mask, host)).toBe(false);
          const best = Math.min(...live.map((x) => x.priority));
          const bestHosts = new Set(live.filter((x) => x.priority === best).map((x) => x.host));
          // Never an endpoint that only has records at worse priorities.
          expect(bestHosts.has(host)).toBe(true);
          expect(rng.draws).toBe(bestHosts.size >= 2 ? 1 : 0);
        }),
        { numRuns: 2000 },
      );
    });

    it("is a function of the draw: same seed, same choice", () => {
      fc.assert(
        fc.property(candidatesArb(), maskArb, fc.integer(), (list, mask, seed) => {
          expect(selectWin7(list, mask, new CountingRng(seed))).toBe(selectWin7(list, mask, new CountingRng(seed)));
        }),
      );
    });
  });
});
