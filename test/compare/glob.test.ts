import { describe, expect, it } from "vitest";
import { matchesGlob, matchesNameOrTail, selectMetric } from "../../src/compare/glob.js";

describe("metric globs", () => {
  it("* spans dots, ? is one character, dots are literal, case does not matter", () => {
    expect(matchesGlob("rpc.*.p99", "rpc.activation.latencyMs.p99")).toBe(true);
    expect(matchesGlob("rpc.*.p99", "rpc.activation.latencyMs.p999")).toBe(false);
    expect(matchesGlob("dns.latencyMs.p9?", "dns.latencyMs.p90")).toBe(true);
    expect(matchesGlob("rpc.activation", "rpcXactivation")).toBe(false);
    expect(matchesGlob("*.errors.0xc004f038", "rpc.activation.errors.0xC004F038")).toBe(true);
  });

  it("a tail matches only at a dot boundary", () => {
    expect(matchesNameOrTail("p99", "rpc.activation.latencyMs.p99")).toBe(true);
    expect(matchesNameOrTail("latencyMs.p99", "dns.latencyMs.p99")).toBe(true);
    expect(matchesNameOrTail("99", "dns.latencyMs.p99")).toBe(false);
  });

  it("--metric keeps what an include matches and drops what an !exclude matches", () => {
    const names = ["rpc.activation.latencyMs.p99", "rpc.activation.latencyMs.max", "dns.latencyMs.p99", "failovers"];
    expect(names.filter((n) => selectMetric([], n))).toEqual(names);
    expect(names.filter((n) => selectMetric(["*.latencyMs.*"], n))).toEqual(names.slice(0, 3));
    expect(names.filter((n) => selectMetric(["*.latencyMs.*", "!*.max"], n))).toEqual(["rpc.activation.latencyMs.p99", "dns.latencyMs.p99"]);
    expect(names.filter((n) => selectMetric(["!dns.*"], n))).toEqual(["rpc.activation.latencyMs.p99", "rpc.activation.latencyMs.max", "failovers"]);
  });
});
