import { describe, expect, it } from "vitest";
import type { Scenario } from "../../src/scenario/model.js";
import { designExample, loadOk, minimal, yaml } from "./helpers.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** design.md's numbers: thresholds 25, 5, 5; CMIDs kept 30 days, at most 2 × threshold; valid 180 days; graces 30 days. */
const licence = { cmidMemoryMs: 30 * DAY, validityMs: 180 * DAY, initialGraceMs: 30 * DAY, outOfToleranceGraceMs: 30 * DAY };
const DEFAULT_PRODUCTS = [
  { name: "windows-client", activationId: null, threshold: 25, cmidCacheSize: 50, ...licence },
  { name: "windows-server", activationId: null, threshold: 5, cmidCacheSize: 10, ...licence },
  { name: "office-2010", activationId: "bfe7a195-4f8f-4f0b-a622-cf13c7d16864", threshold: 5, cmidCacheSize: 10, ...licence },
];

describe("the design.md example", () => {
  it("loads and normalises to milliseconds and defaults", () => {
    const expected: Scenario = {
      name: "multi-host",
      seed: 42,
      mode: "virtual",
      durationMs: 200 * DAY,
      timeScale: 86_400,
      sampleIntervalMs: 2 * DAY, // 200d / 100, already a whole number of minutes
      products: DEFAULT_PRODUCTS,
      dns: {
        server: "embedded",
        domain: "corp.example",
        publish: "auto",
        ttlMs: HOUR,
        records: [],
        publishIntervalMs: 24 * HOUR,
        publishRetryMs: 15 * 60_000,
        scavengeAfterMs: 0,
        tsig: null,
      },
      hosts: [
        {
          name: "kms1",
          port: 1688,
          priority: 0,
          weight: 100,
          products: ["windows-client", "windows-server", "office-2010"],
          serviceTimeMs: 2,
          concurrency: 64,
          publishDomains: ["corp.example"],
          publish: true,
          activationIntervalMs: null,
          renewalIntervalMs: null,
          activated: true,
          kmsEnabled: true,
          maxClockSkewMs: 4 * 3_600_000,
        },
      ],
      clients: [
        {
          name: "desktops",
          count: 5000,
          os: "win7",
          product: "windows-client",
          domain: "corp.example",
          bootSpreadMs: HOUR,
          startAtMs: 0,
          clockSkewMs: 0,
          kmsHost: null,
          hostCaching: true,
          activationIntervalMs: 120 * 60_000,
          renewalIntervalMs: 10_080 * 60_000,
          trace: null,
          startLicensed: 0,
        },
      ],
      network: { latencyMs: 0.5, jitterMs: 0.1, rpcTimeoutMs: 5000, dnsTimeoutMs: 2000 },
      realtime: { clock: "adaptive" },
      events: [
        { atMs: 2 * HOUR, kind: "host", host: "kms1", action: "crash", serviceTimeMs: null },
        { atMs: 3 * HOUR, kind: "dns", action: "down" },
      ],
      thresholds: [
        { metric: "rpc.activation.latencyMs.p99", op: "lt", value: 50 },
        { metric: "spread.maxShareDeviation", op: "lt", value: 0.05 },
        { metric: "clients.notActivated", op: "eq", value: 0 },
      ],
    };
    expect(loadOk(designExample(), "scenarios/multi-host.yaml")).toEqual(expected);
  });
});

describe("a minimal scenario", () => {
  it("gets every default", () => {
    const expected: Scenario = {
      name: "tiny",
      seed: 1,
      mode: "virtual",
      durationMs: 30 * DAY,
      timeScale: 86_400,
      sampleIntervalMs: 432 * 60_000, // 30d / 100 = 7h12m
      products: DEFAULT_PRODUCTS,
      dns: {
        server: "embedded",
        domain: "corp.example",
        publish: "auto",
        ttlMs: HOUR,
        records: [],
        publishIntervalMs: 24 * HOUR,
        publishRetryMs: 15 * 60_000,
        scavengeAfterMs: 0,
        tsig: null,
      },
      hosts: [
        {
          name: "a",
          port: 1688,
          priority: 0,
          weight: 100,
          products: ["windows-client", "windows-server", "office-2010"],
          serviceTimeMs: 2,
          concurrency: 64,
          publishDomains: ["corp.example"],
          publish: true,
          activationIntervalMs: null,
          renewalIntervalMs: null,
          activated: true,
          kmsEnabled: true,
          maxClockSkewMs: 4 * 3_600_000,
        },
      ],
      clients: [
        {
          name: "c",
          count: 10,
          os: "win7",
          product: "windows-client",
          domain: "corp.example",
          bootSpreadMs: HOUR,
          startAtMs: 0,
          clockSkewMs: 0,
          kmsHost: null,
          hostCaching: true,
          activationIntervalMs: 7_200_000,
          renewalIntervalMs: 604_800_000,
          trace: null,
          startLicensed: 0,
        },
      ],
      network: { latencyMs: 0.5, jitterMs: 0.1, rpcTimeoutMs: 5000, dnsTimeoutMs: 2000 },
      realtime: { clock: "adaptive" },
      events: [],
      thresholds: [],
    };
    expect(loadOk(minimal(), "/some/where/tiny.yaml")).toEqual(expected);
  });

  it("takes its name from the file name without folders and extension", () => {
    expect(loadOk(minimal(), "scenarios/nightly.run.yml").name).toBe("nightly.run");
    expect(loadOk(minimal(), "C:\\fleet\\branch.yaml").name).toBe("branch");
    expect(loadOk(minimal(), "plain").name).toBe("plain");
    expect(loadOk(minimal("name: explicit"), "x.yaml").name).toBe("explicit");
  });
});

describe("defaults that follow other keys", () => {
  it("uses dns.domain for publishDomains and client domains, in canonical form", () => {
    const s = loadOk(
      yaml(
        "dns: {domain: Branch.Example.}",
        "hosts: [{name: a}, {name: b, publishDomains: [corp.example, Corp.Example, other.example]}]",
        "clients: [{name: c, count: 1}, {name: d, count: 1, domain: other.example}]",
      ),
    );
    expect(s.dns.domain).toBe("branch.example");
    expect(s.hosts[0].publishDomains).toEqual(["branch.example"]);
    expect(s.hosts[1].publishDomains).toEqual(["corp.example", "other.example"]);
    expect(s.clients.map((c) => c.domain)).toEqual(["branch.example", "other.example"]);
  });

  it("derives sampleInterval from duration: /100, whole minutes, at least 1s", () => {
    expect(loadOk(minimal("duration: 1h")).sampleIntervalMs).toBe(60_000);
    expect(loadOk(minimal("duration: 10s")).sampleIntervalMs).toBe(1_000);
    expect(loadOk(minimal("duration: 7d")).sampleIntervalMs).toBe(101 * 60_000); // 100.8 min
    expect(loadOk(minimal("duration: 7d", "sampleInterval: 5m")).sampleIntervalMs).toBe(300_000);
  });

  it("fills manual SRV records: owner name from dns.domain, port from the target host", () => {
    const s = loadOk(
      yaml(
        "dns:",
        "  publish: manual",
        "  records:",
        "    - {target: a}",
        "    - {name: _vlmcs._tcp.other.example, target: gone.corp.example., port: 1700, priority: 5, weight: 0}",
        "hosts: [{name: a, port: 1690}]",
        "clients: [{name: c, count: 1}]",
      ),
    );
    expect(s.dns.publish).toBe("manual");
    expect(s.dns.records).toEqual([
      { name: "_vlmcs._tcp.corp.example", target: "a", port: 1690, priority: 0, weight: 100 },
      { name: "_vlmcs._tcp.other.example", target: "gone.corp.example", port: 1700, priority: 5, weight: 0 },
    ]);
  });
});

describe("hosts, clients and events", () => {
  it("converts every duration key and keeps explicit values", () => {
    const s = loadOk(
      yaml(
        "seed: 0",
        "mode: realtime",
        "duration: 2d",
        "timeScale: 0.5",
        "dns: {server: '127.0.0.1:5353', ttl: 0}",
        "hosts:",
        "  - name: kms1",
        "    port: 1700",
        "    priority: 1",
        "    weight: 0",
        "    products: [office-2010, office-2010]",
        "    serviceTime: 0.25ms",
        "    concurrency: 1",
        "    activationInterval: 1h",
        "    renewalInterval: 1d",
        "    activated: false",
        "    kmsEnabled: false",
        "clients:",
        "  - name: laptops",
        "    count: 3",
        "    os: vista",
        "    product: office-2010",
        "    bootSpread: 0",
        "    startAt: 1h30m",
        "    clockSkew: -5h",
        "    kmsHost: kms1:1700",
        "    hostCaching: false",
        "    activationInterval: 30m",
        "    renewalInterval: 2d",
        "network: {latency: 2ms, jitter: 0s, rpcTimeout: 1.5s, dnsTimeout: 250ms}",
      ),
    );
    expect(s).toMatchObject({ seed: 0, mode: "realtime", durationMs: 2 * DAY, timeScale: 0.5 });
    expect(s.dns).toMatchObject({ server: "127.0.0.1:5353", ttlMs: 0 });
    expect(s.hosts[0]).toEqual({
      name: "kms1",
      port: 1700,
      priority: 1,
      weight: 0,
      products: ["office-2010"],
      serviceTimeMs: 0.25,
      concurrency: 1,
      publishDomains: ["corp.example"],
      publish: true,
      activationIntervalMs: HOUR,
      renewalIntervalMs: DAY,
      activated: false,
      kmsEnabled: false,
      maxClockSkewMs: 4 * HOUR,
    });
    expect(s.clients[0]).toEqual({
      name: "laptops",
      count: 3,
      os: "vista",
      product: "office-2010",
      domain: "corp.example",
      bootSpreadMs: 0,
      startAtMs: 1.5 * HOUR,
      clockSkewMs: -5 * HOUR,
      kmsHost: "kms1:1700",
      hostCaching: false,
      activationIntervalMs: 30 * 60_000,
      renewalIntervalMs: 2 * DAY,
      trace: null,
      startLicensed: 0,
    });
    expect(s.network).toEqual({ latencyMs: 2, jitterMs: 0, rpcTimeoutMs: 1500, dnsTimeoutMs: 250 });
  });

  it("sorts events by time, keeping file order for equal times", () => {
    const s = loadOk(
      yaml(
        "hosts: [{name: a}, {name: b}]",
        "clients: [{name: c, count: 1}]",
        "events:",
        "  - {at: 3h, host: a, action: recover}",
        "  - {at: 1h, host: a, action: slow, serviceTime: 20ms}",
        "  - {at: 1h, dns: down}",
        "  - {at: 1h, host: b, action: slow}",
        "  - {at: 0, host: b, action: hang}",
        "  - {at: 2h, dns: up}",
      ),
    );
    expect(s.events).toEqual([
      { atMs: 0, kind: "host", host: "b", action: "hang", serviceTimeMs: null },
      { atMs: HOUR, kind: "host", host: "a", action: "slow", serviceTimeMs: 20 },
      { atMs: HOUR, kind: "dns", action: "down" },
      { atMs: HOUR, kind: "host", host: "b", action: "slow", serviceTimeMs: null },
      { atMs: 2 * HOUR, kind: "dns", action: "up" },
      { atMs: 3 * HOUR, kind: "host", host: "a", action: "recover", serviceTimeMs: null },
    ]);
  });

  it("accepts an event exactly at the end of the run", () => {
    expect(loadOk(minimal("duration: 1d", "events: [{at: 1d, dns: down}]")).events).toHaveLength(1);
  });

  it("reads every threshold operator", () => {
    const s = loadOk(
      minimal(
        "thresholds:",
        "  - {metric: a, lt: 1}",
        "  - {metric: b, lte: 2}",
        "  - {metric: c, gt: -3}",
        "  - {metric: d, gte: 0.5}",
        "  - {metric: e, eq: 0}",
      ),
    );
    expect(s.thresholds.map((t) => [t.metric, t.op, t.value])).toEqual([
      ["a", "lt", 1],
      ["b", "lte", 2],
      ["c", "gt", -3],
      ["d", "gte", 0.5],
      ["e", "eq", 0],
    ]);
  });

  it("passes metric names and host names to the validateMetric hook", () => {
    const calls: [string, string[]][] = [];
    loadOk(minimal("thresholds: [{metric: hosts.a.share, lt: 1}]"), "x.yaml", {
      validateMetric: (metric, hostNames) => {
        calls.push([metric, hostNames]);
        return null;
      },
    });
    expect(calls).toEqual([["hosts.a.share", ["a"]]]);
  });

  it("supports YAML anchors and merge keys for repeated host settings", () => {
    const s = loadOk(yaml("hosts:", "  - &base {name: a, weight: 50, serviceTime: 3ms}", "  - {<<: *base, name: b}", "clients: [{name: c, count: 1}]"));
    expect(s.hosts.map((h) => [h.name, h.weight, h.serviceTimeMs])).toEqual([
      ["a", 50, 3],
      ["b", 50, 3],
    ]);
  });

  it("accepts 32 hosts, the engine's limit", () => {
    const hosts = Array.from({ length: 32 }, (_, i) => `{name: kms${i}}`).join(", ");
    expect(loadOk(yaml(`hosts: [${hosts}]`, "clients: [{name: c, count: 1}]")).hosts).toHaveLength(32);
  });
});
