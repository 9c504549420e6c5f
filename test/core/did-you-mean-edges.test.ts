// The edges of the did-you-mean rule: which typo counts as one edit, how many edits a word of
// a given length may carry, and which of two equally close names is offered.
import { describe, expect, it } from "vitest";
import { closest, didYouMean, editDistance } from "../../src/core/did-you-mean.js";

describe("editDistance", () => {
  it("counts each kind of edit once, at the start, the middle and the end", () => {
    expect(editDistance("abc", "")).toBe(3);
    expect(editDistance("a", "b")).toBe(1);
    expect(editDistance("share", "shares")).toBe(1); // insertion at the end
    expect(editDistance("xshare", "share")).toBe(1); // deletion at the start
    expect(editDistance("share", "shore")).toBe(1); // substitution
    expect(editDistance("ab", "ba")).toBe(1); // swap at the very start
    expect(editDistance("abcd", "abdc")).toBe(1); // swap at the end
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("flaw", "lawn")).toBe(2);
  });

  it("does not treat letters two apart as a swap", () => {
    expect(editDistance("abc", "cba")).toBe(2);
    expect(editDistance("abcd", "acbd")).toBe(1);
    expect(editDistance("abcd", "cbad")).toBe(2);
  });

  it("is optimal string alignment: a swapped pair is not edited again ('ca' → 'abc' is 3, not 2)", () => {
    expect(editDistance("ca", "abc")).toBe(3);
  });

  it("is case-sensitive itself (closest folds case before calling it)", () => {
    expect(editDistance("Share", "share")).toBe(1);
  });
});

describe("closest", () => {
  it("allows one edit for short words and a third of the length for long ones", () => {
    // 2 letters: 1 edit allowed (the floor of 2/3 is 0, raised to 1).
    expect(closest("ab", ["ax"])).toBe("ax");
    expect(closest("ab", ["xy"])).toBeUndefined();
    // 6 letters: 2 edits allowed, not 3.
    expect(closest("abcdxy", ["abcdef"])).toBe("abcdef");
    expect(closest("abcxyz", ["abcdef"])).toBeUndefined();
    // 9 letters: 3 edits allowed, not 4.
    expect(closest("abcdefxyz", ["abcdefghi"])).toBe("abcdefghi");
    expect(closest("abcdewxyz", ["abcdefghi"])).toBeUndefined();
  });

  it("ignores case on both sides and returns the candidate as written", () => {
    expect(closest("WIEGHT", ["weight"])).toBe("weight");
    expect(closest("wieght", ["WEIGHT"])).toBe("WEIGHT");
    expect(closest("Priority", ["priority", "weight"])).toBe("priority");
  });

  it("prefers the nearer candidate wherever it is listed, and the first of equally near ones", () => {
    expect(closest("sahre", ["shore", "share"])).toBe("share");
    expect(closest("sahre", ["share", "shore"])).toBe("share");
    expect(closest("cat", ["bat", "hat"])).toBe("bat");
    expect(closest("cat", ["hat", "bat"])).toBe("hat");
  });

  it("offers nothing from an empty list", () => {
    expect(closest("share", [])).toBeUndefined();
    expect(didYouMean("share", [])).toBe("");
  });
});

describe("didYouMean", () => {
  it("appends a ready-to-print hint, or nothing", () => {
    expect(didYouMean("sahre", ["share"])).toBe(" (did you mean 'share'?)");
    expect(didYouMean("banana", ["share"])).toBe("");
  });
});
