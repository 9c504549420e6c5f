import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectedShares } from "../../src/core/selection/expected-share.js";
import { selectHost } from "../../src/core/selection/select-host.js";
import { candidateProblems, type SrvCandidate } from "../../src/core/selection/srv-candidate.js";
import { selectVista } from "../../src/core/selection/vista.js";
import { selectWin7 } from "../../src/core/selection/win7.js";
import { CountingRng, candidatesArb, frequencies, isSet } from "./selection-helpers.js";

const c = (host: number, priority: number, weight: number): SrvCandidate => ({ host, priority, weight });
const ALL_UP = 0xffff_ffff;

describe("selectHost", () => {
  it("dispatches to the profile's selector with the same draws", () => {
    const list = [c(0, 0, 1), c(1, 0, 3), c(2, 1, 5)];
    for (let seed = 0; seed < 50; seed++) {
      expect(selectHost("win7", list, 0, new CountingRng(seed))).toBe(selectWin7(list, 0, new CountingRng(seed)));
      expect(selectHost("vista", list, 0, new CountingRng(seed))).toBe(selectVista(list, 0, new CountingRng(seed)));
    }
  });
});

describe("candidateProblems", () => {
  it("accepts a good list and names every problem of a bad one", () => {
    expect(candidateProblems([c(0, 0, 0), c(31, 65535, 65535)])).toEqual([]);
    const problems = candidateProblems([c(32, 0, 1), c(-1, 0, 1), c(1.5, 0, 1), c(0, -1, 1), c(0, 0, NaN)]);
    expect(problems).toHaveLength(5);
    expect(problems[0]).toMatch(/candidate 0: host index 32/);
  });
});

describe("expectedShares", () => {
  it("win7: weight / sum in the lowest priority among up endpoints", () => {
    const list = [c(0, 0, 300), c(1, 0, 100), c(2, 1, 100)];
    expect(Array.from(expectedShares("win7", list, ALL_UP, 3))).toEqual([0.75, 0.25, 0]);
    // Endpoint 0 down: endpoint 1 alone at priority 0.
    expect(Array.from(expectedShares("win7", list, 0b110, 3))).toEqual([0, 1, 0]);
    // Priority 0 all down: priority 1 takes everything.
    expect(Array.from(expectedShares("win7", list, 0b100, 3))).toEqual([0, 0, 1]);
  });

  it("win7: weight 0 gets nothing next to positive weights, equal shares when all are 0", () => {
    expect(Array.from(expectedShares("win7", [c(0, 0, 0), c(1, 0, 5)], ALL_UP, 2))).toEqual([0, 1]);
    expect(Array.from(expectedShares("win7", [c(0, 0, 0), c(1, 0, 0)], ALL_UP, 2))).toEqual([0.5, 0.5]);
  });

  it("vista: equal per up record", () => {
    const list = [c(0, 0, 300), c(1, 0, 100), c(2, 1, 100), c(3, 0, 0)];
    expect(Array.from(expectedShares("vista", list, ALL_UP, 4))).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(Array.from(expectedShares("vista", list, 0b0011, 4))).toEqual([0.5, 0.5, 0, 0]);
  });

  it("sums duplicate records of one endpoint", () => {
    const list = [c(0, 0, 10), c(0, 0, 10), c(1, 0, 20)];
    expect(Array.from(expectedShares("win7", list, ALL_UP, 2))).toEqual([0.5, 0.5]);
    const vista = expectedShares("vista", list, ALL_UP, 2);
    expect(vista[0]).toBeCloseTo(2 / 3, 12);
    expect(vista[1]).toBeCloseTo(1 / 3, 12);
  });

  it("is all zero when nothing is up, and endpoints without records get 0", () => {
    const list = [c(0, 0, 1), c(2, 0, 1)];
    expect(Array.from(expectedShares("win7", list, 0b010, 4))).toEqual([0, 0, 0, 0]);
    expect(Array.from(expectedShares("vista", [], ALL_UP, 2))).toEqual([0, 0]);
    expect(expectedShares("win7", list, ALL_UP, 4)[1]).toBe(0);
  });

  it("reuses `out`, clearing what was there", () => {
    const out = new Float64Array(5).fill(9);
    const result = expectedShares("win7", [c(1, 0, 1)], ALL_UP, 3, out);
    expect(result).toBe(out);
    expect(Array.from(out)).toEqual([0, 1, 0, 0, 0]);
  });

  it("rejects a too small `out`, saying by how much; one of exactly the size is fine", () => {
    expect(() => expectedShares("win7", [c(0, 0, 1)], ALL_UP, 3, new Float64Array(2))).toThrow(RangeError);
    expect(() => expectedShares("win7", [c(0, 0, 1)], ALL_UP, 3, new Float64Array(2))).toThrow("expectedShares: out has 2 slots, need 3");
    expect(Array.from(expectedShares("win7", [c(0, 0, 1)], ALL_UP, 3, new Float64Array(3)))).toEqual([1, 0, 0]);
  });

  it("a record naming a negative endpoint is never up, even at the best priority", () => {
    // Bit -1 of the mask would read bit 31: the range check keeps it out.
    expect(Array.from(expectedShares("win7", [c(-1, 0, 1), c(0, 5, 1), c(1, 5, 1)], ALL_UP, 2))).toEqual([0.5, 0.5]);
    expect(Array.from(expectedShares("vista", [c(-1, 0, 1), c(1, 0, 1)], ALL_UP, 2))).toEqual([0, 1]);
  });

  it("a record naming an endpoint past the table (a target that appeared mid-run) is never up", () => {
    expect(Array.from(expectedShares("vista", [c(0, 0, 1), c(3, 0, 1)], ALL_UP, 3))).toEqual([1, 0, 0]);
    // Even at a better priority and with its mask bit set, it takes nothing.
    expect(Array.from(expectedShares("win7", [c(1, 5, 1), c(3, 0, 900)], ALL_UP, 2))).toEqual([0, 1]);
    expect(Array.from(expectedShares("win7", [c(3, 0, 900)], ALL_UP, 2))).toEqual([0, 0]);
  });

  it("gives the shares bit for bit as results were computed (normalise's last-bit rounding included)", () => {
    // Results, and the hosts clients start licensed at, are computed from these floats: a
    // change in the last bits is a change in results, so it should be a deliberate one.
    const sixtyThirtyTen = expectedShares("win7", [c(0, 0, 60), c(1, 0, 30), c(2, 0, 10)], ALL_UP, 3);
    expect(Array.from(sixtyThirtyTen)).toEqual([0.6000000000000001, 0.30000000000000004, 0.10000000000000002]);
    expect(sixtyThirtyTen.reduce((a, b) => a + b, 0)).toBe(1 + 2 ** -52);
    const seven = [0, 1, 2, 3, 4, 5, 6];
    const sevenths = Array<number>(7).fill(0.14285714285714288);
    expect(
      Array.from(
        expectedShares(
          "vista",
          seven.map((h) => c(h, 0, 1)),
          ALL_UP,
          7,
        ),
      ),
    ).toEqual(sevenths);
    expect(
      Array.from(
        expectedShares(
          "win7",
          seven.map((h) => c(h, 0, 0)),
          ALL_UP,
          7,
        ),
      ),
    ).toEqual(sevenths);
  });

  describe("properties", () => {
    const profileArb = fc.constantFrom("win7" as const, "vista" as const);

    it("sums to 1 when any candidate is up, 0 otherwise; down endpoints get 0", () => {
      fc.assert(
        fc.property(profileArb, candidatesArb(7), fc.integer({ min: 0, max: 255 }), (profile, list, upMask) => {
          const shares = expectedShares(profile, list, upMask, 8);
          const sum = shares.reduce((a, b) => a + b, 0);
          const anyUp = list.some((x) => isSet(upMask, x.host));
          expect(Math.abs(sum - (anyUp ? 1 : 0))).toBeLessThan(1e-12);
          for (let h = 0; h < 8; h++) {
            expect(shares[h]).toBeGreaterThanOrEqual(0);
            if (!isSet(upMask, h)) expect(shares[h]).toBe(0);
          }
        }),
        { numRuns: 1000 },
      );
    });

    it("records naming endpoints past the table change nothing, whatever the mask", () => {
      fc.assert(
        fc.property(profileArb, candidatesArb(5), candidatesArb(31), fc.integer({ min: 0, max: 0xffff_ffff }), (profile, list, extra, upMask) => {
          const unknown = extra.map((x) => ({ ...x, host: 6 + (x.host % 26) }));
          const alone = Array.from(expectedShares(profile, list, upMask, 6));
          expect(Array.from(expectedShares(profile, [...unknown, ...list], upMask, 6))).toEqual(alone);
          expect(Array.from(expectedShares(profile, [...list, ...unknown], upMask, 6))).toEqual(alone);
        }),
        { numRuns: 1000 },
      );
    });

    it("matches the empirical frequencies of selectHost with removedMask = ~upMask", () => {
      fc.assert(
        fc.property(profileArb, candidatesArb(5), fc.integer({ min: 0, max: 63 }), fc.integer(), (profile, list, upMask, seed) => {
          const removed = ~upMask >>> 0;
          const expected = expectedShares(profile, list, upMask, 6);
          if (!list.some((x) => isSet(upMask, x.host))) {
            expect(selectHost(profile, list, removed, new CountingRng(seed))).toBe(-1);
            return;
          }
          const draws = 20_000;
          const freq = frequencies((rng) => selectHost(profile, list, removed, rng), seed, draws, 6);
          for (let h = 0; h < 6; h++) {
            // 4.5 binomial standard deviations, at least 0.5 %: loose enough to never flake.
            const sd = Math.sqrt((expected[h] * (1 - expected[h])) / draws);
            expect(Math.abs(freq[h] - expected[h])).toBeLessThanOrEqual(Math.max(0.005, 4.5 * sd));
            if (expected[h] === 0) expect(freq[h]).toBe(0);
          }
        }),
        { numRuns: 60 },
      );
    });
  });
});
