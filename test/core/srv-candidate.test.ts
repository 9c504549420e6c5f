import { describe, expect, it } from "vitest";
import { MAX_ENDPOINTS, candidateProblems, hasHost, hostBit, type SrvCandidate } from "../../src/core/selection/srv-candidate.js";

const c = (host: number, priority: number, weight: number): SrvCandidate => ({ host, priority, weight });

describe("hostBit and hasHost", () => {
  it("set and read one bit per endpoint, bit 31 as an unsigned mask", () => {
    expect(hostBit(0)).toBe(1);
    expect(hostBit(5)).toBe(32);
    // 1 << 31 is negative in JS: the mask must stay unsigned so masks compare and print alike.
    expect(hostBit(31)).toBe(2 ** 31);
    expect(hasHost(0b101, 0)).toBe(true);
    expect(hasHost(0b101, 1)).toBe(false);
    expect(hasHost(0b101, 2)).toBe(true);
    expect(hasHost(hostBit(31), 31)).toBe(true);
    expect(hasHost(hostBit(31), 30)).toBe(false);
    expect(hasHost(0, 0)).toBe(false);
  });
});

describe("candidateProblems", () => {
  it("accepts the edges of every range: hosts 0 and 31, priority and weight 0 and 65535", () => {
    expect(MAX_ENDPOINTS).toBe(32);
    expect(candidateProblems([c(0, 0, 0), c(MAX_ENDPOINTS - 1, 65535, 65535), c(7, 0.5, 2.5)])).toEqual([]);
    expect(candidateProblems([])).toEqual([]);
  });

  it("names the candidate, the value and the allowed range of a bad host", () => {
    expect(candidateProblems([c(0, 0, 1), c(32, 0, 1)])).toEqual(["candidate 1: host index 32 is not an integer 0..31"]);
    expect(candidateProblems([c(-1, 0, 1)])).toEqual(["candidate 0: host index -1 is not an integer 0..31"]);
    expect(candidateProblems([c(1.5, 0, 1)])).toEqual(["candidate 0: host index 1.5 is not an integer 0..31"]);
    expect(candidateProblems([c(NaN, 0, 1)])).toEqual(["candidate 0: host index NaN is not an integer 0..31"]);
  });

  it("rejects negative and non-finite priorities and weights, each in its own words", () => {
    expect(candidateProblems([c(0, -1, 1)])).toEqual(["candidate 0: priority -1 must be a finite number >= 0"]);
    expect(candidateProblems([c(0, Infinity, 1)])).toEqual(["candidate 0: priority Infinity must be a finite number >= 0"]);
    expect(candidateProblems([c(0, NaN, 1)])).toEqual(["candidate 0: priority NaN must be a finite number >= 0"]);
    expect(candidateProblems([c(0, 0, -0.5)])).toEqual(["candidate 0: weight -0.5 must be a finite number >= 0"]);
    expect(candidateProblems([c(0, 0, Infinity)])).toEqual(["candidate 0: weight Infinity must be a finite number >= 0"]);
    expect(candidateProblems([c(0, 0, NaN)])).toEqual(["candidate 0: weight NaN must be a finite number >= 0"]);
  });

  it("lists every problem of one candidate, in the order host, priority, weight", () => {
    expect(candidateProblems([c(0, 0, 1), c(40, -2, -3)])).toEqual([
      "candidate 1: host index 40 is not an integer 0..31",
      "candidate 1: priority -2 must be a finite number >= 0",
      "candidate 1: weight -3 must be a finite number >= 0",
    ]);
  });
});
