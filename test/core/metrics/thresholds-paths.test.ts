// Metric paths against a small hand-made result shape: which paths exist, how a result is
// walked, and the exact words a user sees for a mistyped threshold metric.
import { describe, expect, it } from "vitest";
import { NamedList, evaluateThresholds, knownMetricPaths, resolveMetric, validateMetricPath, type MetricObject } from "../../../src/core/metrics/thresholds.js";

const SHAPE: MetricObject = {
  clients: { total: "number", errors: "codes" },
  rpc: { activation: { latencyMs: { p50: "number", p99: "number" }, errors: "codes" } },
  dns: { latencyMs: { p50: "number" } },
  hosts: new NamedList({ share: "number", count: "products", dlv: { total: "number" } }),
  groups: new NamedList({ clients: "number", rpc: { activation: { latencyMs: { p50: "number" }, errors: "codes" } } }, "groups"),
};
const PRODUCTS = ["client-a", "server-b"];
const check = (metric: string, hosts: string[] = ["k"], groups: string[] = ["g1", "g2"]): string | null =>
  validateMetricPath(SHAPE, metric, hosts, groups, PRODUCTS);

describe("knownMetricPaths", () => {
  it("lists exactly the numbers of a shape, in the shape's order", () => {
    expect(knownMetricPaths({ a: "number", b: { c: "number", d: "number" } }, [])).toEqual(["a", "b.c", "b.d"]);
  });

  it("lists one count per product and no group paths when the scenario has no groups", () => {
    const paths = knownMetricPaths(SHAPE, ["k"], undefined, PRODUCTS);
    expect(paths).toContain("hosts.k.count.client-a");
    expect(paths).toContain("hosts.k.count.server-b");
    expect(paths).toContain("hosts.k.share");
    expect(paths.filter((p) => p.startsWith("groups"))).toEqual([]);
    expect(knownMetricPaths(SHAPE, [], ["g"])).toContain("groups.g.clients");
  });
});

describe("resolveMetric", () => {
  it("does not read properties of strings or lists as metrics", () => {
    expect(resolveMetric({ name: "abc" }, "name.length")).toBeNull();
  });

  it("needs a non-empty name to pick a list item", () => {
    expect(resolveMetric({ hosts: [{ name: "", x: 5 }] }, "hosts.x")).toBeNull();
  });

  it("reads a missing error code as 0 only inside an errors map, a missing product only inside a count", () => {
    expect(resolveMetric({ a: {} }, "a.0xC004F038")).toBeNull();
    expect(resolveMetric({ errors: {} }, "errors.0xC004F038")).toBe(0);
    expect(resolveMetric({ clients: {} }, "clients.windows-client")).toBeNull();
    expect(resolveMetric({ count: { x: 1 } }, "count.windows-client.x")).toBeNull();
  });

  it("knows the products other hosts count or list, and skips malformed hosts and products", () => {
    const result = {
      hosts: [
        { name: "a", count: { "custom-x": 4 } },
        { name: "b", count: {} },
        { name: "c", count: null, products: [null, "junk", { name: 7 }, { name: "custom-y" }] },
        null,
        "junk-host",
      ],
    };
    expect(resolveMetric(result, "hosts.a.count.custom-x")).toBe(4);
    expect(resolveMetric(result, "hosts.b.count.custom-x")).toBe(0);
    expect(resolveMetric(result, "hosts.b.count.custom-y")).toBe(0);
    expect(resolveMetric(result, "hosts.b.count.windows-client")).toBe(0);
    expect(resolveMetric(result, "hosts.b.count.custom-z")).toBeNull();
    expect(resolveMetric(result, "hosts.b.count.7")).toBeNull();
  });

  it("still knows the built-in products when the result's hosts are not a list", () => {
    expect(resolveMetric({ hosts: { k: { count: {} } } }, "hosts.k.count.windows-client")).toBe(0);
    expect(resolveMetric(null, "count.windows-client")).toBeNull();
  });
});

describe("evaluateThresholds", () => {
  it("passes gte for a larger value, not only an equal one", () => {
    expect(evaluateThresholds([{ metric: "x", op: "gte", value: 3 }], { x: 3.1 })[0].pass).toBe(true);
    expect(evaluateThresholds([{ metric: "x", op: "lte", value: 3.2 }], { x: 3.1 })[0].pass).toBe(true);
  });

  it("asks `derived` only for what the result lacks", () => {
    const derived = (metric: string): number | null => (metric === "dns.latencyMs.p95" ? 7 : 1000);
    expect(evaluateThresholds([{ metric: "dns.latencyMs.p95", op: "lt", value: 8 }], { dns: {} }, derived)[0]).toMatchObject({ actual: 7, pass: true });
    expect(evaluateThresholds([{ metric: "x", op: "lt", value: 8 }], { x: 1 }, derived)[0]).toMatchObject({ actual: 1, pass: true });
  });
});

describe("validateMetricPath messages", () => {
  it("accepts any percentile of an existing histogram and explains one out of range", () => {
    expect(check("dns.latencyMs.p95")).toBeNull();
    expect(check("groups.g1.rpc.activation.latencyMs.p99.9")).toBeNull();
    expect(check("dns.latencyMs.p0")).toBe("'dns.latencyMs.p0' names no percentile: write p followed by a number above 0 and up to 100 (p95, p99.9)");
    expect(check("groups.gx.rpc.activation.latencyMs.p95")).toBe("no client group named 'gx' (groups: g1, g2) (did you mean 'g1'?)");
  });

  it("says a prefix of a metric name is unknown rather than a group", () => {
    expect(check("dns.latency")).toMatch(/^unknown metric 'dns\.latency'/);
  });

  it("treats 'groups' as an unknown metric when the scenario has no client groups", () => {
    expect(validateMetricPath(SHAPE, "groups", ["k"])).toMatch(/^unknown metric 'groups'/);
  });

  it("lists the client groups, and names an unknown one", () => {
    expect(check("groups")).toBe("'groups' is a group, not a number: add one of g1, g2");
    expect(check("groups.gx.clients")).toBe("no client group named 'gx' (groups: g1, g2) (did you mean 'g1'?)");
    expect(check("groups.g1.clientz")).toBe("unknown client group metric 'clientz' (did you mean 'clients'?)");
    expect(check("groups.g1.count.zzz")).toBe("unknown client group metric 'count.zzz'");
  });

  it("reads the longest host name that fits, and only whole names", () => {
    expect(check("hosts.a.b.sharex", ["a", "a.b"])).toBe("unknown host metric 'sharex' (did you mean 'share'?)");
    expect(check("hosts.kx.share", ["k"])).toBe("no host named 'kx' (hosts: k) (did you mean 'k'?)");
  });

  it("guesses a mistyped dotted host name from the shortest run of segments, never the whole path", () => {
    expect(check("hosts.kms2.brnch.share", ["kms2.branch"])).toBe("no host named 'kms2.brnch' (hosts: kms2.branch) (did you mean 'kms2.branch'?)");
    expect(check("hosts.a.b.d", ["a.b.c"])).toBe("no host named 'a' (hosts: a.b.c)");
  });

  it("names an unknown product with the list of products, and only in a host's count or products", () => {
    expect(check("hosts.k.count.clent-a")).toBe("unknown product 'clent-a' in 'hosts.k.count' (products: client-a, server-b) (did you mean 'client-a'?)");
    expect(check("hosts.k.dlv.count.zzz")).toBe("unknown host metric 'dlv.count.zzz'");
  });

  it("suggests only the host's own fields for a mistyped host metric", () => {
    // `clients.total` minus the length of `hosts.k.` would read "total": not a host field.
    expect(check("hosts.k.totl")).toBe("unknown host metric 'totl'");
    expect(check("hosts.k.dlv.totl")).toBe("unknown host metric 'dlv.totl' (did you mean 'dlv.total'?)");
  });

  it("explains a malformed error code of a client group", () => {
    expect(check("groups.g1.rpc.activation.errors.0xC004F038")).toBeNull();
    expect(check("groups.g1.rpc.activation.errors.C004F038")).toMatch(
      /^'C004F038' in 'groups\.g1\.rpc\.activation\.errors\.C004F038' is not an error code \(write 0x and 8 hex digits, e\.g\. 0xC004F038\)/,
    );
  });
});
