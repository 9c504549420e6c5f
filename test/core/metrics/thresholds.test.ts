import { describe, expect, it } from "vitest";
import { evaluateThresholds, latencyPercentileOf, resolveMetric } from "../../../src/core/metrics/thresholds.js";
import { knownMetricPaths, validateMetricPath } from "../../../src/results/result-metrics.js";
import type { ThresholdSpec } from "../../../src/scenario/model.js";
import { sampleResult } from "../../results/sample-result.js";

const HOSTS = ["kms1", "kms2.branch"];

describe("resolveMetric", () => {
  const result = sampleResult();

  it("follows dotted paths to numbers", () => {
    expect(resolveMetric(result, "rpc.activation.latencyMs.p99")).toBe(3.1);
    expect(resolveMetric(result, "clients.notActivated")).toBe(0);
    expect(resolveMetric(result, "spread.maxShareDeviation")).toBe(0.01);
    expect(resolveMetric(result, "simulatedSeconds")).toBe(17_280_000);
    expect(resolveMetric(result, "failovers")).toBe(3);
  });

  it("finds hosts by name, dotted names included", () => {
    expect(resolveMetric(result, "hosts.kms1.share")).toBe(0.51);
    expect(resolveMetric(result, "hosts.kms2.branch.refused")).toBe(12);
    expect(resolveMetric(result, "hosts.kms1.dlv.total")).toBe(2550);
    expect(resolveMetric(result, "hosts.kms2.branch.count.windows-server")).toBe(3);
    expect(resolveMetric(result, "hosts.kms3.share")).toBeNull();
    expect(resolveMetric(result, "hosts.0.share")).toBeNull();
  });

  it("reads error codes in any case, a code nobody got as 0", () => {
    expect(resolveMetric(result, "rpc.activation.errors.0xC004F038")).toBe(100);
    expect(resolveMetric(result, "rpc.activation.errors.0xc004f038")).toBe(100);
    expect(resolveMetric(result, "rpc.activation.errors.0xC004F074")).toBe(0);
    expect(resolveMetric(result, "rpc.renewal.errors.0xC004F038")).toBe(0);
    expect(resolveMetric(result, "clients.errors.0xC004F074")).toBe(7);
    expect(resolveMetric(result, "rpc.activation.errors.C004F038")).toBeNull();
    expect(resolveMetric(result, "rpc.activation.errors.0xC004F038.x")).toBeNull();
  });

  it("reads a known product missing from a host's count as 0, an unknown one as null", () => {
    expect(resolveMetric(result, "hosts.kms1.count.office-2010")).toBe(0);
    expect(resolveMetric(result, "hosts.kms1.count.windows-phone")).toBeNull();
  });

  it("returns null for groups, non-numbers and paths that lead nowhere", () => {
    for (const metric of ["rpc.activation", "pass", "scenario", "hosts", "nope", "clients.total.x", "__proto__", "constructor", ""]) {
      expect(resolveMetric(result, metric), metric).toBeNull();
    }
    expect(resolveMetric(null, "clients.total")).toBeNull();
    expect(resolveMetric({ a: Number.NaN }, "a")).toBeNull();
  });
});

describe("evaluateThresholds", () => {
  const result = sampleResult(); // p99 3.1, notActivated 0, share of kms1 0.51

  it("applies each operator, strictly for lt/gt", () => {
    const specs: ThresholdSpec[] = [
      { metric: "rpc.activation.latencyMs.p99", op: "lt", value: 3.1 },
      { metric: "rpc.activation.latencyMs.p99", op: "lte", value: 3.1 },
      { metric: "rpc.activation.latencyMs.p99", op: "gt", value: 3.1 },
      { metric: "rpc.activation.latencyMs.p99", op: "gte", value: 3.1 },
      { metric: "rpc.activation.latencyMs.p99", op: "lt", value: 50 },
      { metric: "clients.notActivated", op: "eq", value: 0 },
      { metric: "hosts.kms1.share", op: "gt", value: 0.5 },
    ];
    expect(evaluateThresholds(specs, result).map((t) => t.pass)).toEqual([false, true, false, true, true, true, true]);
    const other: ThresholdSpec[] = [
      { metric: "rpc.activation.latencyMs.p99", op: "lte", value: 3 },
      { metric: "rpc.activation.latencyMs.p99", op: "gte", value: 3.2 },
      { metric: "rpc.activation.latencyMs.p99", op: "eq", value: 3 },
      { metric: "rpc.activation.latencyMs.p99", op: "nope" as ThresholdSpec["op"], value: 3.1 },
    ];
    expect(evaluateThresholds(other, result).map((t) => t.pass)).toEqual([false, false, false, false]);
  });

  it("compares eq with a 1e-9 tolerance", () => {
    const withSum = { x: 0.1 + 0.2 };
    expect(evaluateThresholds([{ metric: "x", op: "eq", value: 0.3 }], withSum)[0].pass).toBe(true);
    expect(evaluateThresholds([{ metric: "x", op: "eq", value: 0.3 + 1e-8 }], withSum)[0].pass).toBe(false);
    // Exactly the tolerance apart still passes.
    expect(evaluateThresholds([{ metric: "x", op: "eq", value: 1e-9 }], { x: 0 })[0].pass).toBe(true);
  });

  it("reports the actual value, and fails a metric the result lacks", () => {
    expect(evaluateThresholds([{ metric: "hosts.kms1.requests", op: "lt", value: 3000 }], result)).toEqual([
      { metric: "hosts.kms1.requests", op: "lt", value: 3000, actual: 2550, pass: true },
    ]);
    expect(evaluateThresholds([{ metric: "hosts.gone.requests", op: "lt", value: 3000 }], result)).toEqual([
      { metric: "hosts.gone.requests", op: "lt", value: 3000, actual: null, pass: false },
    ]);
  });
});

describe("knownMetricPaths", () => {
  const paths = knownMetricPaths(HOSTS);

  it("lists the documented metrics for each host", () => {
    for (const path of [
      "clients.total",
      "clients.notActivated",
      "clients.outOfToleranceGrace",
      "rpc.activation.sent",
      "rpc.renewal.failed",
      "rpc.renewal.latencyMs.p999",
      "rpc.activation.errors.0xC004F038",
      "dns.queries",
      "dns.latencyMs.max",
      "spread.jain",
      "spread.maxShareDeviation",
      "failovers",
      "rediscoveries",
      "simulatedSeconds",
      "hosts.kms1.requests",
      "hosts.kms2.branch.unanswered",
      "hosts.kms1.count.office-2010",
      "hosts.kms1.dlv.notification",
      "hosts.kms1.lost",
      "hosts.kms2.branch.late",
      "wallSeconds",
      "generator.sendLagMs.p99",
    ]) {
      expect(paths, path).toContain(path);
    }
    expect(paths).not.toContain("hosts.kms3.requests");
    expect(new Set(paths).size).toBe(paths.length);
  });

  it("names only paths that resolve to a number in a full result", () => {
    const result = sampleResult();
    for (const path of paths) expect(resolveMetric(result, path), path).not.toBeNull();
  });
});

describe("validateMetricPath", () => {
  it("accepts every known path and any well-formed error code", () => {
    for (const path of knownMetricPaths(HOSTS)) expect(validateMetricPath(path, HOSTS), path).toBeNull();
    expect(validateMetricPath("rpc.renewal.errors.0x80070005", HOSTS)).toBeNull();
    expect(validateMetricPath("rpc.activation.errors.0xc004f038", HOSTS)).toBeNull();
  });

  it("suggests the closest metric for a typo", () => {
    expect(validateMetricPath("rpc.activaton.latencyMs.p99", HOSTS)).toBe(
      "unknown metric 'rpc.activaton.latencyMs.p99' (did you mean 'rpc.activation.latencyMs.p99'?)",
    );
    expect(validateMetricPath("spread.jian", HOSTS)).toBe("unknown metric 'spread.jian' (did you mean 'spread.jain'?)");
    expect(validateMetricPath("throughput", HOSTS)).toBe("unknown metric 'throughput'");
  });

  it("names unknown hosts, host fields and products", () => {
    expect(validateMetricPath("hosts.kms3.share", HOSTS)).toBe("no host named 'kms3' (hosts: kms1, kms2.branch) (did you mean 'kms1'?)");
    expect(validateMetricPath("hosts.kms1.share", [])).toBe("no host named 'kms1' (the scenario has none)");
    expect(validateMetricPath("hosts.kms1.shares", HOSTS)).toBe("unknown host metric 'shares' (did you mean 'share'?)");
    expect(validateMetricPath("hosts.kms2.branch.dlv.totl", HOSTS)).toBe("unknown host metric 'dlv.totl' (did you mean 'dlv.total'?)");
    expect(validateMetricPath("hosts.kms1.count.windows-clinet", HOSTS)).toMatch(/^unknown product 'windows-clinet'.*\(did you mean 'windows-client'\?\)$/);
  });

  it("explains a malformed error code", () => {
    expect(validateMetricPath("rpc.activation.errors.0xC004F38", HOSTS)).toMatch(
      /^'0xC004F38' in 'rpc\.activation\.errors\.0xC004F38' is not an error code .*\(did you mean '0xC004F038'\?\)$/,
    );
  });

  it("says a group is not a number and lists what it holds", () => {
    expect(validateMetricPath("rpc.activation.latencyMs", HOSTS)).toBe(
      "'rpc.activation.latencyMs' is a group, not a number: add one of mean, p50, p90, p99, p999, max",
    );
    expect(validateMetricPath("hosts", HOSTS)).toBe("'hosts' is a group, not a number: add one of kms1, kms2.branch");
  });
});

describe("latencyPercentileOf", () => {
  it("reads any percentile 0 < p <= 100 of a latency histogram, with the path of the object holding it", () => {
    expect(latencyPercentileOf("rpc.activation.latencyMs.p95")).toEqual({ prefix: "rpc.activation", percentile: 95 });
    expect(latencyPercentileOf("dns.latencyMs.p99.9")).toEqual({ prefix: "dns", percentile: 99.9 });
    expect(latencyPercentileOf("groups.desk.tops.rpc.renewal.latencyMs.p100")).toEqual({ prefix: "groups.desk.tops.rpc.renewal", percentile: 100 });
    expect(latencyPercentileOf("dns.latencyMs.p0.5")).toEqual({ prefix: "dns", percentile: 0.5 });
    for (const none of ["dns.latencyMs.p0", "dns.latencyMs.p100.1", "dns.latencyMs.p101", "dns.latencyMs.max", "hosts.a.latencyMs.p50", "xdns.latencyMs.p50"]) {
      expect(latencyPercentileOf(none), none).toBeNull();
    }
  });
});
