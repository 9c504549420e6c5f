import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { auditDiscovery, type AuditInput, type DiscoveredRecord, type DiscoverReport, type LookupOutcome, type ProbeResult } from "../../src/discover/audit.js";
import { endpointKey } from "../../src/discover/probe-policy.js";

const SERVER = "127.0.0.1:5353";

function rec(target: string, port: number, priority: number, weight: number): DiscoveredRecord {
  return { target, port, priority, weight };
}

function ok(records: DiscoveredRecord[], addresses: Record<string, string> = {}): LookupOutcome {
  return { status: "ok", records, addresses: new Map(Object.entries(addresses)) };
}

function audit(lookup: LookupOutcome, probes: Record<string, ProbeResult> = {}, userAddresses: Record<string, string> = {}): DiscoverReport {
  return auditDiscovery({
    domain: "corp.example",
    server: SERVER,
    lookup,
    userAddresses: new Map(Object.entries(userAddresses)),
    probes: new Map(Object.entries(probes)),
  });
}

const OPEN: ProbeResult = { status: "open", connectMs: 1 };
const REFUSED: ProbeResult = { status: "refused", message: "connection refused" };
const codes = (r: DiscoverReport): string[] => r.problems.map((p) => p.code);
const LOOP = { "kms1.corp.example": "127.0.0.1", "kms2.corp.example": "127.0.0.2" };

describe("auditDiscovery", () => {
  it("weights 300/100 give win7 0.75/0.25 and vista 0.5/0.5; two open hosts are no problem", () => {
    const r = audit(ok([rec("kms1.corp.example", 1688, 0, 300), rec("kms2.corp.example", 1688, 0, 100)], LOOP), {
      "kms1.corp.example:1688": OPEN,
      "kms2.corp.example:1688": OPEN,
    });
    expect(r.records.map((x) => x.share)).toEqual([
      { win7: 0.75, vista: 0.5 },
      { win7: 0.25, vista: 0.5 },
    ]);
    expect(r.records.map((x) => x.probe.status)).toEqual(["open", "open"]);
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.query).toBe("_vlmcs._tcp.corp.example");
  });

  it("a refused host is UNREACHABLE and its share moves to the reachable one", () => {
    const r = audit(ok([rec("kms1.corp.example", 1688, 0, 300), rec("kms2.corp.example", 1689, 0, 100)], LOOP), {
      "kms1.corp.example:1688": OPEN,
      "kms2.corp.example:1689": REFUSED,
    });
    expect(codes(r)).toEqual(["UNREACHABLE"]);
    expect(r.problems[0].hosts).toEqual(["kms2.corp.example:1689"]);
    expect(r.problems[0].message).toContain("win7 25.0%");
    expect(r.records.map((x) => x.shareReachable)).toEqual([
      { win7: 1, vista: 1 },
      { win7: 0, vista: 0 },
    ]);
    expect(r.ok).toBe(false);
  });

  it("NXDOMAIN and NODATA are NO_RECORDS", () => {
    const nx = audit({ status: "nxdomain" });
    expect(codes(nx)).toEqual(["NO_RECORDS"]);
    expect(nx.lookup.status).toBe("nxdomain");
    expect(nx.problems[0].message).toContain("0x8007232B");
    const nodata = audit(ok([]));
    expect(codes(nodata)).toEqual(["NO_RECORDS"]);
    expect(nodata.lookup.status).toBe("nodata");
  });

  it("a silent server is DNS_TIMEOUT, an error rcode DNS_ERROR", () => {
    expect(codes(audit({ status: "timeout", message: "no answer in 2 attempts" }))).toEqual(["DNS_TIMEOUT"]);
    const refused = audit({ status: "error", rcode: "REFUSED", message: "REFUSED: nope" });
    expect(codes(refused)).toEqual(["DNS_ERROR"]);
    expect(refused.problems[0].message).toContain("does not serve this domain");
  });

  it("all weights zero at the lowest priority is a warning; win7 then splits equally", () => {
    const r = audit(ok([rec("kms1.corp.example", 1688, 0, 0), rec("kms2.corp.example", 1688, 0, 0)], LOOP), {
      "kms1.corp.example:1688": OPEN,
      "kms2.corp.example:1688": OPEN,
    });
    expect(codes(r)).toEqual(["ALL_WEIGHTS_ZERO"]);
    expect(r.problems[0].severity).toBe("warning");
    expect(r.records.map((x) => x.share!.win7)).toEqual([0.5, 0.5]);
  });

  it("one record of weight 0 alone at its priority is not ALL_WEIGHTS_ZERO (RFC 2782 advises it)", () => {
    const r = audit(ok([rec("kms1.corp.example", 1688, 0, 0), rec("kms2.corp.example", 1688, 10, 0)], LOOP), {
      "kms1.corp.example:1688": OPEN,
      "kms2.corp.example:1688": OPEN,
    });
    expect(codes(r)).toEqual(["SINGLE_HOST"]);
    expect(r.records.map((x) => x.share!.win7)).toEqual([1, 0]);
  });

  it("a single published host is SINGLE_HOST", () => {
    const r = audit(ok([rec("kms1.corp.example", 1688, 0, 100)], LOOP), { "kms1.corp.example:1688": OPEN });
    expect(codes(r)).toEqual(["SINGLE_HOST"]);
    expect(r.problems[0].message).toContain("nowhere to fail over");
  });

  it("a primary with a backup at a higher priority carries all win7 first tries: SINGLE_HOST naming the primary", () => {
    const r = audit(ok([rec("kms2.corp.example", 1688, 10, 100), rec("kms1.corp.example", 1688, 0, 100)], LOOP), {
      "kms1.corp.example:1688": OPEN,
      "kms2.corp.example:1688": OPEN,
    });
    expect(codes(r)).toEqual(["SINGLE_HOST"]);
    expect(r.problems[0].hosts).toEqual(["kms1.corp.example:1688"]);
    expect(r.problems[0].message).toContain("only when it fails");
    expect(r.records.map((x) => x.share)).toEqual([
      { win7: 0, vista: 0.5 },
      { win7: 1, vista: 0.5 },
    ]);
  });

  it("a target without an A record is NO_ADDRESS and not probed, unless --address gives one", () => {
    const lookup = ok([rec("kms1.corp.example", 1688, 0, 100), rec("kms2.corp.example", 1688, 0, 100)], { "kms1.corp.example": "127.0.0.1" });
    const r = audit(lookup, { "kms1.corp.example:1688": OPEN });
    expect(codes(r)).toEqual(["NO_ADDRESS"]);
    expect(r.records[1].probe).toEqual({ status: "not-probed", reason: "no-address" });
    expect(r.records[1].address).toBeNull();

    const given = audit(lookup, { "kms1.corp.example:1688": OPEN, "kms2.corp.example:1688": OPEN }, { "kms2.corp.example": "127.0.0.9" });
    expect(codes(given)).toEqual(["NO_ADDRESS"]);
    expect(given.records[1]).toMatchObject({ address: "127.0.0.9", addressSource: "flag", dnsAddress: null, probe: { status: "open" } });
  });

  it("a host outside loopback is listed as not probed, with no problem", () => {
    const lookup = ok([rec("kms1.corp.example", 1688, 0, 100), rec("kms2.corp.example", 1688, 0, 100)], {
      "kms1.corp.example": "127.0.0.1",
      "kms2.corp.example": "192.0.2.7",
    });
    const r = audit(lookup, { "kms1.corp.example:1688": OPEN });
    expect(r.records[1].probe).toEqual({ status: "not-probed", reason: "not-allowed" });
    expect(r.problems).toEqual([]);
  });

  it("more records than a selection mask holds: shares null and TOO_MANY_RECORDS", () => {
    const records = Array.from({ length: 33 }, (_, i) => rec(`kms${i}.corp.example`, 1688, 0, 1));
    const r = audit(ok(records));
    expect(r.records.every((x) => x.share === null)).toBe(true);
    expect(codes(r)).toContain("TOO_MANY_RECORDS");
  });
});

// Random deployments: up to 12 records, distinct targets, random priority/weight/address/probe.
const deployment = fc
  .array(
    fc.record({
      priority: fc.integer({ min: 0, max: 3 }),
      weight: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1000 })),
      port: fc.constantFrom(1688, 1689),
      address: fc.constantFrom("127.0.0.1", "127.0.0.2", "198.51.100.4", null),
      probe: fc.constantFrom<ProbeResult>(OPEN, REFUSED, { status: "timeout", message: "t" }, { status: "error", message: "EHOSTUNREACH" }),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .map((rows) => {
    const records = rows.map((row, i) => rec(`kms${i}.corp.example`, row.port, row.priority, row.weight));
    const addresses: Record<string, string> = {};
    const probes: Record<string, ProbeResult> = {};
    rows.forEach((row, i) => {
      if (row.address !== null) addresses[records[i].target] = row.address;
      probes[endpointKey(records[i].target, row.port)] = row.probe;
    });
    return { records, addresses, probes };
  });

function inputOf(d: { records: DiscoveredRecord[]; addresses: Record<string, string>; probes: Record<string, ProbeResult> }): AuditInput {
  return {
    domain: "corp.example",
    server: SERVER,
    lookup: ok(d.records, d.addresses),
    userAddresses: new Map(),
    probes: new Map(Object.entries(d.probes)),
  };
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

describe("auditDiscovery properties", () => {
  it("each profile's shares sum to 1, and over the reachable records to 1 (or 0 when none is reachable)", () => {
    fc.assert(
      fc.property(deployment, (d) => {
        const r = auditDiscovery(inputOf(d));
        for (const profile of ["win7", "vista"] as const) {
          expect(sum(r.records.map((x) => x.share![profile]))).toBeCloseTo(1, 9);
          const reachable = r.records.filter((x) => !["refused", "timeout", "error"].includes(x.probe.status));
          const reachableSum = sum(r.records.map((x) => x.shareReachable![profile]));
          expect(reachableSum).toBeCloseTo(reachable.length > 0 ? 1 : 0, 9);
          for (const x of r.records) if (!reachable.includes(x)) expect(x.shareReachable![profile]).toBe(0);
        }
        // vista ignores priority and weight; win7 never sends first tries past the lowest priority.
        const lowest = Math.min(...d.records.map((x) => x.priority));
        for (const x of r.records) {
          expect(x.share!.vista).toBeCloseTo(1 / d.records.length, 9);
          if (x.priority > lowest) expect(x.share!.win7).toBe(0);
        }
      }),
    );
  });

  it("problems and shares do not depend on the order of the records", () => {
    fc.assert(
      fc.property(
        deployment.chain((d) =>
          fc.shuffledSubarray(d.records, { minLength: d.records.length, maxLength: d.records.length }).map((shuffled) => ({ d, shuffled })),
        ),
        ({ d, shuffled }) => {
          const a = auditDiscovery(inputOf(d));
          const b = auditDiscovery(inputOf({ ...d, records: shuffled }));
          const verdict = (r: DiscoverReport) => r.problems.map((p) => ({ code: p.code, severity: p.severity, hosts: p.hosts }));
          expect(verdict(b)).toEqual(verdict(a));
          expect(b.ok).toBe(a.ok);
          const byKey = (r: DiscoverReport) => new Map(r.records.map((x) => [endpointKey(x.target, x.port), x.share!]));
          const sharesA = byKey(a);
          for (const [key, share] of byKey(b)) {
            expect(share.win7).toBeCloseTo(sharesA.get(key)!.win7, 9);
            expect(share.vista).toBeCloseTo(sharesA.get(key)!.vista, 9);
          }
        },
      ),
    );
  });

  it("a problem is found exactly when some record is unreachable, has no address, or the layout is degenerate", () => {
    fc.assert(
      fc.property(deployment, (d) => {
        const r = auditDiscovery(inputOf(d));
        const unreachable = r.records.filter((x) => ["refused", "timeout", "error"].includes(x.probe.status));
        expect(r.problems.filter((p) => p.code === "UNREACHABLE").length).toBe(new Set(unreachable.map((x) => endpointKey(x.target, x.port))).size);
        expect(r.problems.some((p) => p.code === "NO_ADDRESS")).toBe(r.records.some((x) => x.dnsAddress === null));
        // Only loopback addresses were probed (no --address given).
        for (const x of r.records) if (x.probe.status !== "not-probed") expect(x.address).toMatch(/^127\./);
        expect(r.ok).toBe(r.problems.length === 0);
      }),
    );
  });
});
