// Expected shares worked out by hand from RFC 2782: a client uses the lowest priority it can
// reach, and inside it picks a record with probability weight / (sum of the weights there).
// Windows 7 follows that; Vista ignores priority and weight and picks an up record uniformly.
import { describe, expect, it } from "vitest";
import { expectedShares } from "../../src/core/selection/expected-share.js";
import type { SrvCandidate } from "../../src/core/selection/srv-candidate.js";

const c = (host: number, priority: number, weight: number): SrvCandidate => ({ host, priority, weight });
const ALL_UP = 0xffff_ffff;
const shares = (...args: Parameters<typeof expectedShares>): number[] => Array.from(expectedShares(...args));

function expectShares(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((share, i) => expect(share, `endpoint ${i}`).toBeCloseTo(expected[i], 12));
}

describe("expectedShares, win7 (RFC 2782)", () => {
  it("splits the lowest priority 60/30/10 and leaves the backup priority idle", () => {
    const list = [c(0, 10, 60), c(1, 10, 30), c(2, 10, 10), c(3, 20, 100)];
    expectShares(shares("win7", list, ALL_UP, 4), [0.6, 0.3, 0.1, 0]);
  });

  it("goes by the priority number, not by the order of the records", () => {
    expectShares(shares("win7", [c(0, 5, 1), c(1, 2, 1), c(2, 9, 1)], ALL_UP, 3), [0, 1, 0]);
  });

  it("leaves a removed host's weight out of the sum: the others split its share by their weights", () => {
    const list = [c(0, 0, 2), c(1, 0, 1), c(2, 0, 3)];
    // Endpoint 2 down: 2 : 1 of what is left.
    expectShares(shares("win7", list, 0b011, 3), [2 / 3, 1 / 3, 0]);
    // Endpoint 0 down: 1 : 3.
    expectShares(shares("win7", list, 0b110, 3), [0, 0.25, 0.75]);
  });

  it("falls back to the next priority with its own weights when the best one is all removed", () => {
    const list = [c(0, 0, 5), c(1, 1, 1), c(2, 1, 3), c(3, 2, 7)];
    expectShares(shares("win7", list, 0b1110, 4), [0, 0.25, 0.75, 0]);
    expectShares(shares("win7", list, 0b1000, 4), [0, 0, 0, 1]);
  });

  it("an endpoint in two priorities is counted only with the records of the best up priority", () => {
    const list = [c(0, 0, 1), c(1, 0, 1), c(0, 1, 9), c(2, 1, 1)];
    expectShares(shares("win7", list, ALL_UP, 3), [0.5, 0.5, 0]);
    // Endpoint 1 down: endpoint 0 is still up at priority 0 and takes all; its priority-1 record plays no part.
    expectShares(shares("win7", list, 0b101, 3), [1, 0, 0]);
  });

  it("splits equally when the best priority's weights are all 0, whatever weights lower priorities carry", () => {
    expectShares(shares("win7", [c(0, 0, 0), c(1, 0, 0), c(2, 0, 0), c(3, 1, 100)], ALL_UP, 4), [1 / 3, 1 / 3, 1 / 3, 0]);
    // A removed weight-0 record does not count as one of the equal parts.
    expectShares(shares("win7", [c(0, 0, 0), c(1, 0, 0), c(2, 0, 0)], 0b011, 3), [0.5, 0.5, 0]);
  });

  it("gives a weight-0 record nothing while a positive weight is up beside it, and all once that one is removed", () => {
    const list = [c(0, 0, 0), c(1, 0, 4), c(2, 0, 1)];
    expectShares(shares("win7", list, ALL_UP, 3), [0, 0.8, 0.2]);
    expectShares(shares("win7", list, 0b001, 3), [1, 0, 0]);
  });

  it("reads bit 31 of the up mask (the 32nd endpoint)", () => {
    const list = [c(0, 1, 1), c(31, 0, 1)];
    const up = (2 ** 31 + 1) >>> 0;
    const out = shares("win7", list, up, 32);
    expect(out[31]).toBe(1);
    expect(out[0]).toBe(0);
    expect(shares("win7", list, 1, 32)[0]).toBe(1);
  });
});

describe("expectedShares, vista", () => {
  it("ignores priority and weight: one equal part per up record", () => {
    expectShares(shares("vista", [c(0, 0, 100), c(1, 9, 0), c(2, 3, 1)], ALL_UP, 3), [1 / 3, 1 / 3, 1 / 3]);
  });

  it("drops removed records from the count, duplicates of an endpoint add up", () => {
    const list = [c(0, 0, 1), c(0, 1, 1), c(1, 0, 1), c(2, 0, 1)];
    expectShares(shares("vista", list, ALL_UP, 3), [0.5, 0.25, 0.25]);
    expectShares(shares("vista", list, 0b011, 3), [2 / 3, 1 / 3, 0]);
  });
});
