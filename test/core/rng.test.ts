// The core's seeded randomness: the same seed gives the same draws, streams are
// independent of each other, and the values are the published mulberry32 ones.
import { describe, expect, it } from "vitest";
import { Mulberry32, StreamTable, deriveSeed, mulberryOutput } from "../../src/core/rng.js";

describe("Mulberry32", () => {
  it("draws the reference mulberry32 sequence for seed 0 and for a seed past 32 bits", () => {
    // Reference: the common JavaScript mulberry32 (a += 0x6D2B79F5; t = imul(a ^ a >>> 15, a | 1); …).
    const reference = (seed: number, n: number): number[] => {
      let a = seed >>> 0;
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        a = (a + 0x6d2b79f5) | 0;
        let t = Math.imul(a ^ (a >>> 15), 1 | a);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        out.push(((t ^ (t >>> 14)) >>> 0) / 4294967296);
      }
      return out;
    };
    for (const seed of [0, 1, 12345, 2 ** 32 + 7]) {
      const rng = new Mulberry32(seed);
      expect(Array.from({ length: 5 }, () => rng.next())).toEqual(reference(seed, 5));
    }
    expect(mulberryOutput(0x6d2b79f5)).toBe(reference(0, 1)[0]);
  });
});

describe("deriveSeed", () => {
  it("differs by stream and by either half of a seed wider than 32 bits", () => {
    const seeds = new Set([deriveSeed(1, 0), deriveSeed(1, 1), deriveSeed(2, 0), deriveSeed(1 + 2 ** 32, 0), deriveSeed(1 + 2 ** 33, 0)]);
    expect(seeds.size).toBe(5);
    expect(deriveSeed(7, 3)).toBe(deriveSeed(7, 3));
    expect(Number.isInteger(deriveSeed(2 ** 40, 9)) && deriveSeed(2 ** 40, 9) >= 0 && deriveSeed(2 ** 40, 9) < 2 ** 32).toBe(true);
  });
});

describe("StreamTable", () => {
  it("gives client i the Mulberry32 stream of deriveSeed(seed, i), whatever the other clients draw", () => {
    const table = new StreamTable(42, 4);
    const own = [0, 1, 2, 3].map((i) => new Mulberry32(deriveSeed(42, i)));
    for (const i of [2, 0, 2, 3, 1, 2, 0]) expect(table.use(i).next()).toBe(own[i].next());
  });

  it("keeps its states inside a caller's record array at `offset` of every `stride` words", () => {
    const records = new Uint32Array(4 * 4).fill(0xdead); // one record more than the table uses
    const table = new StreamTable(5, 3, 4, 2, records);
    expect(Array.from(records)).toEqual([
      0xdead,
      0xdead,
      deriveSeed(5, 0),
      0xdead,
      0xdead,
      0xdead,
      deriveSeed(5, 1),
      0xdead,
      0xdead,
      0xdead,
      deriveSeed(5, 2),
      0xdead,
      0xdead,
      0xdead,
      0xdead,
      0xdead,
    ]);
    const value = table.use(1).next();
    expect(value).toBe(new Mulberry32(deriveSeed(5, 1)).next());
    expect(records[6]).toBe((deriveSeed(5, 1) + 0x6d2b79f5) >>> 0);
    expect(records[2]).toBe(deriveSeed(5, 0));
  });

  it("allocates count × stride words of its own when given none", () => {
    const table = new StreamTable(5, 3, 2, 1);
    expect(table.use(2).next()).toBe(new Mulberry32(deriveSeed(5, 2)).next());
  });
});
