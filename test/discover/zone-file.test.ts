import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseTtl, parseZoneFile, ZoneFileError } from "../../src/dns/zone-file.js";

const zone = (...lines: string[]): string => `${lines.join("\n")}\n`;

function problemsOf(text: string, options = {}): { line: number; message: string }[] {
  try {
    parseZoneFile(text, "test.zone", options);
  } catch (error) {
    expect(error).toBeInstanceOf(ZoneFileError);
    return [...(error as ZoneFileError).problems];
  }
  return expect.fail("expected the zone file to be rejected");
}

describe("parseZoneFile", () => {
  it("reads $ORIGIN, $TTL, @, a multi-line SOA, NS, relative and absolute names, comments and inherited owners", () => {
    const content = parseZoneFile(
      zone(
        "; KMS hosts of corp.example",
        "$ORIGIN Corp.Example.",
        "$TTL 300",
        "@   IN SOA ns1 hostmaster (",
        "        2024010101 ; serial",
        "        1h 15m 7d 5m )",
        "    IN NS ns1",
        "ns1 IN A 127.0.0.1",
        "_vlmcs._tcp  SRV 0 300 1688 kms1  ; relative target",
        "             600 IN SRV 10 100 1689 kms2.corp.example.",
        "kms1 IN 600 A 127.0.0.1",
        "kms2 A 127.0.0.2",
      ),
      "corp.zone",
    );
    expect(content.origins).toEqual(["corp.example"]);
    expect(content.srv).toEqual([
      { domain: "corp.example", target: "kms1.corp.example", port: 1688, priority: 0, weight: 300, ttlSeconds: 300, line: 9 },
      { domain: "corp.example", target: "kms2.corp.example", port: 1689, priority: 10, weight: 100, ttlSeconds: 600, line: 10 },
    ]);
    expect(content.a).toEqual([
      { name: "ns1.corp.example", address: "127.0.0.1", ttlSeconds: 300, line: 8 },
      { name: "kms1.corp.example", address: "127.0.0.1", ttlSeconds: 600, line: 11 },
      { name: "kms2.corp.example", address: "127.0.0.2", ttlSeconds: 300, line: 12 },
    ]);
  });

  it("without $TTL a record takes the last TTL given, then the default", () => {
    const content = parseZoneFile(zone("kms1 A 127.0.0.1", "kms2 120 A 127.0.0.2", "kms3 A 127.0.0.3"), "z", { origin: "corp.example", defaultTtlSeconds: 42 });
    expect(content.a.map((r) => r.ttlSeconds)).toEqual([42, 120, 120]);
  });

  it("SRV records make their domain a served zone even without SOA", () => {
    const content = parseZoneFile(zone("_vlmcs._tcp.branch.example. 60 IN SRV 0 0 1688 kms9.branch.example."), "z");
    expect(content.origins).toEqual(["branch.example"]);
  });

  it("reports every problem with its line", () => {
    const problems = problemsOf(
      zone(
        "$ORIGIN corp.example.",
        "kms1 A 10.0.0.300", // 2: bad address
        "_vlmcs._tcp SRV 0 100 kms1", // 3: missing field
        "kms1 MX 10 mail", // 4: unsupported type
        "_ldap._tcp SRV 0 0 389 dc1", // 5: not a KMS owner
        "$INCLUDE other.zone", // 6
        "kms2 CH A 127.0.0.1", // 7: class
        "_vlmcs._tcp SRV 0 70000 1688 kms1", // 8: weight range
        "kms3 1x A 127.0.0.1", // 9: ttl
      ),
    );
    expect(problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(problems[0].message).toMatch(/IPv4/);
    expect(problems[1].message).toMatch(/SRV needs 4 fields/);
    expect(problems[2].message).toMatch(/record type is not served/);
    expect(problems[3].message).toMatch(/_vlmcs\._tcp/);
    expect(problems[4].message).toMatch(/\$ directive is not supported/);
    expect(problems[5].message).toMatch(/class is not served/);
    expect(problems[6].message).toMatch(/weight/);
    expect(problems[7].message).toMatch(/TTL/);
  });

  it("a relative name without an origin, an unclosed parenthesis and a record without owner are problems", () => {
    expect(problemsOf(zone("kms1 A 127.0.0.1"))[0].message).toMatch(/relative and no \$ORIGIN/);
    expect(problemsOf(zone("$ORIGIN corp.example.", "@ SOA ns1 host ( 1 2 3 4 5"))[0]).toMatchObject({
      line: 2,
      message: expect.stringMatching(/never closed/),
    });
    expect(problemsOf(zone("   A 127.0.0.1"))[0].message).toMatch(/no owner/);
  });

  it("the error message names file:line", () => {
    expect(() => parseZoneFile(zone("$ORIGIN corp.example.", "", "kms1 AAAA ::1"), "corp.zone")).toThrow(/^corp\.zone:3: the record type is not served/);
  });

  it("any A record written out is read back (round trip)", () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
    const octet = fc.integer({ min: 0, max: 255 });
    fc.assert(
      fc.property(fc.array(fc.tuple(label, fc.tuple(octet, octet, octet, octet), fc.integer({ min: 0, max: 86400 })), { maxLength: 10 }), (rows) => {
        const text = zone("$ORIGIN corp.example.", ...rows.map(([name, ip, ttl]) => `${name} ${ttl} IN A ${ip.join(".")}`));
        const content = parseZoneFile(text, "z");
        expect(content.a.map((r) => [r.name, r.address, r.ttlSeconds])).toEqual(rows.map(([name, ip, ttl]) => [`${name}.corp.example`, ip.join("."), ttl]));
      }),
    );
  });
});

describe("parseTtl", () => {
  it("reads seconds and BIND units", () => {
    expect(parseTtl("3600")).toBe(3600);
    expect(parseTtl("1h30m")).toBe(5400);
    expect(parseTtl("1W")).toBe(604_800);
    expect(parseTtl("1x")).toBeNull();
    expect(parseTtl("9999999999")).toBeNull();
  });
});
