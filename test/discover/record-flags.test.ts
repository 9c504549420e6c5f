import { describe, expect, it } from "vitest";
import { isLoopbackV4 } from "../../src/core/loopback.js";
import { planProbes } from "../../src/discover/probe-policy.js";
import { parseHostPort, parseNameAddress, parseSrvFlag } from "../../src/dns/record-flags.js";

describe("command-line DNS spellings", () => {
  it("host:port with a default port; names and bad ports rejected", () => {
    expect(parseHostPort("127.0.0.1:5353", 53, 1)).toEqual({ ok: true, value: { host: "127.0.0.1", port: 5353 } });
    expect(parseHostPort("10.0.0.2", 53, 1)).toEqual({ ok: true, value: { host: "10.0.0.2", port: 53 } });
    expect(parseHostPort("127.0.0.1:0", 53, 0)).toEqual({ ok: true, value: { host: "127.0.0.1", port: 0 } });
    expect(parseHostPort("127.0.0.1:0", 53, 1).ok).toBe(false);
    expect(parseHostPort("dns.corp.example:53", 53, 1).ok).toBe(false);
    expect(parseHostPort("127.0.0.1:70000", 53, 1).ok).toBe(false);
  });

  it("name=ipv4", () => {
    expect(parseNameAddress("KMS1.corp.example.=127.0.0.1")).toEqual({ ok: true, value: { name: "kms1.corp.example", address: "127.0.0.1" } });
    expect(parseNameAddress("kms1=not-an-ip").ok).toBe(false);
    expect(parseNameAddress("kms1").ok).toBe(false);
  });

  it("target:port:priority:weight@domain", () => {
    expect(parseSrvFlag("kms1.corp.example:1688:0:100@corp.example")).toEqual({
      ok: true,
      value: { domain: "corp.example", target: "kms1.corp.example", port: 1688, priority: 0, weight: 100 },
    });
    expect(parseSrvFlag("kms1.corp.example:1688:0:100").ok).toBe(false);
    expect(parseSrvFlag("kms1:1688:0@corp.example").ok).toBe(false);
    const bad = parseSrvFlag("kms1:1688:0:65536@corp.example");
    expect(bad.ok === false && bad.message).toMatch(/weight/);
  });
});

describe("probe policy", () => {
  it("probes loopback and --address only", () => {
    expect(isLoopbackV4("127.4.5.6")).toBe(true);
    expect(isLoopbackV4("10.0.0.1")).toBe(false);
    const records = [
      { target: "a", port: 1, priority: 0, weight: 0 },
      { target: "b", port: 1, priority: 0, weight: 0 },
      { target: "c", port: 1, priority: 0, weight: 0 },
      { target: "d", port: 1, priority: 0, weight: 0 },
      { target: "a", port: 1, priority: 5, weight: 0 },
    ];
    const plans = planProbes(
      records,
      new Map([
        ["a", "127.0.0.1"],
        ["b", "10.1.1.1"],
        ["c", "10.1.1.2"],
      ]),
      new Map([["c", "10.1.1.3"]]),
    );
    expect(plans.map((p) => [p.key, p.probe, p.address, p.source])).toEqual([
      ["a:1", true, "127.0.0.1", "dns"],
      ["b:1", false, "10.1.1.1", "dns"],
      ["c:1", true, "10.1.1.3", "flag"],
      ["d:1", false, null, null],
    ]);
  });
});
