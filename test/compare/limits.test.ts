import { describe, expect, it } from "vitest";
import { CompareError } from "../../src/compare/errors.js";
import { limitFor, parseMaxRegression, unusedOverrides } from "../../src/compare/limits.js";

describe("--max-regression", () => {
  it("one percentage applies to every metric", () => {
    const limits = parseMaxRegression("10%");
    expect(limits).toEqual({ defaultFraction: 0.1, overrides: [] });
    expect(limitFor(limits, "rpc.activation.latencyMs.p99")).toBe(0.1);
    expect(parseMaxRegression("2.5 %").defaultFraction).toBeCloseTo(0.025, 12);
  });

  it("per-metric keys match a whole name or a dotted tail; default= sets the rest", () => {
    const limits = parseMaxRegression("p99=5%,default=20%,spread.jain=1%");
    expect(limitFor(limits, "rpc.activation.latencyMs.p99")).toBe(0.05);
    expect(limitFor(limits, "dns.latencyMs.p99")).toBe(0.05);
    expect(limitFor(limits, "rpc.activation.latencyMs.p999")).toBe(0.2);
    expect(limitFor(limits, "spread.jain")).toBe(0.01);
    expect(limitFor(limits, "failovers")).toBe(0.2);
  });

  it("without a default the default stays 10%", () => {
    expect(limitFor(parseMaxRegression("p99=5%"), "failovers")).toBe(0.1);
  });

  it("the longest matching key wins, whatever the order", () => {
    for (const text of ["p99=5%,rpc.activation.latencyMs.p99=50%", "rpc.activation.latencyMs.p99=50%,p99=5%"]) {
      const limits = parseMaxRegression(text);
      expect(limitFor(limits, "rpc.activation.latencyMs.p99")).toBe(0.5);
      expect(limitFor(limits, "rpc.renewal.latencyMs.p99")).toBe(0.05);
    }
  });

  it("keys are globs", () => {
    const limits = parseMaxRegression("rpc.*.latencyMs.*=30%");
    expect(limitFor(limits, "rpc.renewal.latencyMs.max")).toBe(0.3);
    expect(limitFor(limits, "dns.latencyMs.max")).toBe(0.1);
  });

  it.each(["10", "ten%", "-5%", "p99=", "=5%", "10%,20%", "10%,default=5%", "p99=5%,", ""])("'%s' is refused with a CompareError", (text) => {
    expect(() => parseMaxRegression(text)).toThrow(CompareError);
    try {
      parseMaxRegression(text);
    } catch (err) {
      expect((err as CompareError).code).toBe("KMSSIM_BAD_LIMIT");
      expect((err as Error).message).toMatch(/^--max-regression: /);
    }
  });

  it("keys that match no metric are reported", () => {
    const limits = parseMaxRegression("p98=5%,p99=5%");
    expect(unusedOverrides(limits, ["dns.latencyMs.p99", "failovers"])).toEqual(["p98"]);
  });
});
