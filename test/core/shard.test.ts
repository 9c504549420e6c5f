import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatShard, ownsClient, parseShard, shardClientAt, shardSize, ShardSpecError } from "../../src/core/shard/shard.js";

describe("parseShard", () => {
  it("reads i/N", () => {
    expect(parseShard("2/4")).toEqual({ index: 2, count: 4 });
    expect(parseShard(" 1 / 1 ")).toEqual({ index: 1, count: 1 });
  });

  it.each([
    ["0/4", /from 1 to 4/],
    ["5/4", /from 1 to 4/],
    ["1/0", /from 1 to/],
    ["2", /expected i\/N/],
    ["a/b", /expected i\/N/],
    ["-1/3", /expected i\/N/],
    ["1/20000", /from 1 to 10000/],
  ])("rejects %s", (text, message) => {
    expect(() => parseShard(text)).toThrow(ShardSpecError);
    expect(() => parseShard(text)).toThrow(message);
  });

  it("round-trips through formatShard", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }).chain((n) => fc.tuple(fc.integer({ min: 1, max: n }), fc.constant(n))),
        ([i, n]) => {
          expect(parseShard(formatShard({ index: i, count: n }))).toEqual({ index: i, count: n });
        },
      ),
    );
  });
});

describe("shards partition the fleet", () => {
  const fleetAndShards = fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 1, max: 64 }));

  it("every client belongs to exactly one shard", () => {
    fc.assert(
      fc.property(fleetAndShards, ([fleet, n]) => {
        for (let g = 0; g < fleet; g++) {
          let owners = 0;
          for (let i = 1; i <= n; i++) if (ownsClient({ index: i, count: n }, g)) owners++;
          expect(owners).toBe(1);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("shardClientAt lists exactly the clients a shard owns, in order, and shardSize counts them", () => {
    fc.assert(
      fc.property(fleetAndShards, fc.nat(), ([fleet, n], pick) => {
        const shard = { index: 1 + (pick % n), count: n };
        const listed: number[] = [];
        for (let k = 0; k < shardSize(shard, fleet); k++) listed.push(shardClientAt(shard, k));
        const owned: number[] = [];
        for (let g = 0; g < fleet; g++) if (ownsClient(shard, g)) owned.push(g);
        expect(listed).toEqual(owned);
      }),
      { numRuns: 200 },
    );
  });

  it("shard sizes add up to the fleet and differ by at most one", () => {
    fc.assert(
      fc.property(fleetAndShards, ([fleet, n]) => {
        const sizes = Array.from({ length: n }, (_, k) => shardSize({ index: k + 1, count: n }, fleet));
        expect(sizes.reduce((a, b) => a + b, 0)).toBe(fleet);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });
});
