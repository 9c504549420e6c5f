import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CmidCounter } from "../../src/core/host/cmid-counter.js";
import {
  CMID_BYTES,
  CMID_PREFIX_BYTES,
  cmidFromIndex,
  cmidIndex,
  cmidKey,
  cmidPrefix,
  cmidToHex,
  formatCmid,
  parseCmid,
} from "../../src/core/protocol/index.js";

const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const cmidArb = fc.uint8Array({ minLength: CMID_BYTES, maxLength: CMID_BYTES });
const seedArb = fc.oneof(fc.nat(), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));

describe("CMIDs", () => {
  it("the prefix depends on the seed alone and is a version-8 UUID prefix", () => {
    fc.assert(
      fc.property(seedArb, (seed) => {
        const prefix = cmidPrefix(seed);
        expect(prefix.length).toBe(CMID_PREFIX_BYTES);
        expect(cmidPrefix(seed)).toEqual(prefix);
        expect(prefix[6] >> 4).toBe(8);
        expect(prefix[8] >> 6).toBe(0b10);
      }),
    );
    expect(formatCmid(cmidFromIndex(cmidPrefix(42), 7))).toBe("eebd1db4-eb83-862f-a493-f88f00000007"); // docs/protocol.md
  });

  it("different seeds give different prefixes (first 10,000 seeds)", () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 10_000; seed++) seen.add(cmidToHex(cmidFromIndex(cmidPrefix(seed), 0)));
    expect(seen.size).toBe(10_000);
  });

  it("index → CMID → index for every u32, and the index sits big-endian in the last 4 bytes", () => {
    fc.assert(
      fc.property(seedArb, u32, (seed, index) => {
        const prefix = cmidPrefix(seed);
        const cmid = cmidFromIndex(prefix, index);
        expect(cmid.subarray(0, CMID_PREFIX_BYTES)).toEqual(prefix);
        expect(new DataView(cmid.buffer).getUint32(12)).toBe(index);
        expect(cmidIndex(prefix, cmid)).toBe(index);
        expect(cmidKey(cmid, prefix)).toBe(index);
      }),
    );
  });

  it("writes into a caller's 16 bytes, and rejects bad arguments", () => {
    const out = new Uint8Array(CMID_BYTES);
    expect(cmidFromIndex(cmidPrefix(1), 3, out)).toBe(out);
    expect(() => cmidFromIndex(cmidPrefix(1), -1)).toThrow(RangeError);
    expect(() => cmidFromIndex(cmidPrefix(1), 2 ** 32)).toThrow(RangeError);
    expect(() => cmidFromIndex(cmidPrefix(1), 0.5)).toThrow(RangeError);
    expect(() => cmidFromIndex(new Uint8Array(11), 0)).toThrow(RangeError);
    expect(() => cmidFromIndex(cmidPrefix(1), 0, new Uint8Array(17))).toThrow(RangeError);
    expect(() => cmidFromIndex(cmidPrefix(1), -1)).toThrow("cmidFromIndex: index must be a u32, got -1");
    expect(() => cmidFromIndex(new Uint8Array(11), 0)).toThrow("cmidFromIndex: prefix must be 12 bytes");
    expect(() => cmidFromIndex(cmidPrefix(1), 0, new Uint8Array(17))).toThrow("cmidFromIndex: out must be 16 bytes");
    expect(cmidFromIndex(cmidPrefix(1), 2 ** 32 - 1).length).toBe(CMID_BYTES);
  });

  it("an id from another run (or not from kmssim) has no index and is keyed by its hex digits", () => {
    const ours = cmidPrefix(1);
    const theirs = cmidFromIndex(cmidPrefix(2), 5);
    expect(cmidIndex(ours, theirs)).toBe(-1);
    expect(cmidKey(theirs, ours)).toBe(cmidToHex(theirs));
    expect(cmidKey(theirs)).toBe(cmidToHex(theirs));
    expect(cmidIndex(ours, new Uint8Array(15))).toBe(-1);
  });

  it("keys are injective: distinct CMIDs never share a key (so a host never merges two machines)", () => {
    const prefix = cmidPrefix(7);
    const near = fc.tuple(u32, fc.boolean(), fc.nat({ max: 11 })).map(([i, mutate, at]) => {
      const cmid = cmidFromIndex(prefix, i);
      if (mutate) cmid[at] ^= 1;
      return cmid;
    });
    const any = fc.oneof(cmidArb, near);
    fc.assert(
      fc.property(any, any, (a, b) => {
        const same = cmidToHex(a) === cmidToHex(b);
        expect(Object.is(cmidKey(a, prefix), cmidKey(b, prefix))).toBe(same);
      }),
      { numRuns: 500 },
    );
  });

  it("a host counts wire CMIDs of a run on CmidCounter's numeric path", () => {
    const prefix = cmidPrefix(3);
    const counter = new CmidCounter(25);
    for (let i = 0; i < 30; i++) counter.observe(cmidKey(cmidFromIndex(prefix, i % 10), prefix), i);
    expect(counter.count(30)).toBe(10);
    expect(counter.has(4, 30)).toBe(true);
  });

  it("hex and UUID text round-trip; malformed text is null", () => {
    fc.assert(
      fc.property(cmidArb, (cmid) => {
        const hex = cmidToHex(cmid);
        expect(hex).toMatch(/^[0-9a-f]{32}$/);
        expect(parseCmid(hex)).toEqual(cmid);
        expect(parseCmid(formatCmid(cmid))).toEqual(cmid);
        expect(parseCmid(formatCmid(cmid).toUpperCase())).toEqual(cmid);
      }),
    );
    for (const bad of ["", "0123", "g".repeat(32), "0".repeat(33), "00000000-0000000000000000-00000000", "00000000-0000-0000-0000-00000000000"]) {
      expect(parseCmid(bad), bad).toBeNull();
    }
    expect(() => cmidToHex(new Uint8Array(4))).toThrow("cmidToHex: a CMID is 16 bytes, got 4");
  });
});
