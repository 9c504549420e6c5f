import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { closest, didYouMean, editDistance } from "../../src/core/did-you-mean.js";

describe("did you mean", () => {
  it("counts substitutions, insertions, deletions and adjacent swaps as one edit each", () => {
    expect(editDistance("weight", "wieght")).toBe(1);
    expect(editDistance("share", "sahre")).toBe(1);
    expect(editDistance("kms1", "kms")).toBe(1);
    expect(editDistance("abc", "abc")).toBe(0);
    expect(editDistance("", "abc")).toBe(3);
  });

  it("suggests close names and stays quiet for far ones", () => {
    expect(closest("wieght", ["weight", "priority"])).toBe("weight");
    expect(closest("serviceTme", ["serviceTime", "concurrency"])).toBe("serviceTime");
    expect(closest("banana", ["weight", "priority"])).toBeUndefined();
    expect(didYouMean("windows-clinet", ["windows-client", "office-2010"])).toBe(" (did you mean 'windows-client'?)");
  });

  it("property: a metric on strings (symmetric, zero only for equal, bounded by the longer length)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const d = editDistance(a, b);
        expect(d).toBe(editDistance(b, a));
        expect(d === 0).toBe(a === b);
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
  });
});
