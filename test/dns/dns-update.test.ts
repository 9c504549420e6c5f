import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { signMessage, TsigErrorCode, verifyMessage, type TsigKey } from "../../src/dns/tsig.js";
import { handleUpdate, type UpdateLogEntry } from "../../src/dns/update-handler.js";
import { decodeUpdate, encodeUpdate, UpdateFormatError, type Prerequisite, type UpdateChange, type UpdateRecord } from "../../src/dns/update-message.js";
import { publishChanges, unpublishChanges } from "../../src/dns/update-client.js";
import { Rcode, readHeader } from "../../src/dns/wire.js";
import { DnsZone } from "../../src/dns/zone.js";

const label = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
const name = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join("."));
const u16 = fc.integer({ min: 0, max: 0xffff });
const address = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join("."));
const record: fc.Arbitrary<UpdateRecord> = fc.oneof(
  fc.record({ type: fc.constant("SRV" as const), name, target: name, port: u16, priority: u16, weight: u16 }),
  fc.record({ type: fc.constant("A" as const), name, address }),
);
const recordType = fc.constantFrom("SRV" as const, "A" as const);
const change: fc.Arbitrary<UpdateChange> = fc.oneof(
  fc.record({ op: fc.constant("add" as const), rr: record, ttlSeconds: fc.integer({ min: 0, max: 0x7fff_ffff }) }),
  fc.record({ op: fc.constant("delete" as const), rr: record }),
  fc.record({ op: fc.constant("deleteRRset" as const), name, type: recordType }),
  fc.record({ op: fc.constant("deleteName" as const), name }),
);
const prerequisite: fc.Arbitrary<Prerequisite> = fc.oneof(
  fc.record({ kind: fc.constant("rrsetExists" as const), name, type: recordType }),
  fc.record({ kind: fc.constant("rrsetMatches" as const), rr: record }),
  fc.record({ kind: fc.constant("rrsetAbsent" as const), name, type: recordType }),
  fc.record({ kind: fc.constant("nameInUse" as const), name }),
  fc.record({ kind: fc.constant("nameNotInUse" as const), name }),
);

/** Exactly what the real nsupdate sent (the unsigned part of the BIND vector in dns-tsig.test.ts). */
const NSUPDATE_UNSIGNED =
  "9d502800000100000002000004636f7270076578616d706c650000060001065f766c6d6373045f74637004636f7270076578616d706c65000021000100000e100019000000640698046b6d733104636f7270076578616d706c6500c0480001000100000e1000047f000002";

describe("UPDATE codec", () => {
  it("decodes what nsupdate sends, including a compressed owner name", () => {
    const decoded = decodeUpdate(Buffer.from(NSUPDATE_UNSIGNED, "hex"));
    expect(decoded).toEqual({
      id: 0x9d50,
      zone: "corp.example",
      zoneClass: 1,
      prerequisites: [],
      changes: [
        {
          op: "add",
          rr: { type: "SRV", name: "_vlmcs._tcp.corp.example", priority: 0, weight: 100, port: 1688, target: "kms1.corp.example" },
          ttlSeconds: 3600,
        },
        { op: "add", rr: { type: "A", name: "kms1.corp.example", address: "127.0.0.2" }, ttlSeconds: 3600 },
      ],
    });
  });

  it("writes the RFC 2136 forms byte for byte: class NONE and ANY, empty rdata, TTL 0", () => {
    const bytes = encodeUpdate(
      1,
      "ex",
      [
        { op: "delete", rr: { type: "A", name: "h.ex", address: "10.0.0.1" } },
        { op: "deleteRRset", name: "h.ex", type: "SRV" },
        { op: "deleteName", name: "h.ex" },
      ],
      [{ kind: "nameNotInUse", name: "n.ex" }],
    );
    const hex = (s: string): string => s.replace(/\s+/g, "");
    expect(bytes.toString("hex")).toBe(
      hex(`0001 2800 0001 0001 0003 0000
           02657800 0006 0001
           016e 02657800 00ff 00fe 00000000 0000
           0168 02657800 0001 00fe 00000000 0004 0a000001
           0168 02657800 0021 00ff 00000000 0000
           0168 02657800 00ff 00ff 00000000 0000`),
    );
  });

  it("property: encode then decode gives back every change and prerequisite", () => {
    fc.assert(
      fc.property(u16, name, fc.array(change, { maxLength: 8 }), fc.array(prerequisite, { maxLength: 5 }), (id, zone, changes, prerequisites) => {
        const decoded = decodeUpdate(encodeUpdate(id, zone, changes, prerequisites));
        expect(decoded).toEqual({ id, zone, zoneClass: 1, prerequisites, changes });
      }),
      { numRuns: 500, seed: 2136 },
    );
  });

  it("keeps records of other types as unsupported, with their rdata", () => {
    const bytes = Buffer.from(encodeUpdate(9, "corp.example", [{ op: "add", rr: { type: "A", name: "mx.corp.example", address: "1.2.3.4" }, ttlSeconds: 60 }]));
    const typeAt = bytes.length - 14; // A record: type, class, ttl, rdlength, 4 bytes rdata
    bytes.writeUInt16BE(16, typeAt); // TXT
    expect(decodeUpdate(bytes).changes).toEqual([
      { op: "unsupported", record: { name: "mx.corp.example", typeCode: 16, classCode: 1, ttlSeconds: 60, rdata: Buffer.from([1, 2, 3, 4]) } },
    ]);
  });

  it.each([
    ["two zone entries", (b: Buffer) => b.writeUInt16BE(2, 4), /exactly 1 entry/],
    ["zone type not SOA", (b: Buffer) => b.writeUInt16BE(1, 12 + 14), /type SOA/],
    ["class ANY add with a TTL", (b: Buffer) => b.writeUInt16BE(255, b.length - 12), /class ANY\) must have TTL 0/],
    ["class CH", (b: Buffer) => b.writeUInt16BE(3, b.length - 12), /class 3/],
    ["A rdata of 3 bytes", (b: Buffer) => b.writeUInt16BE(3, b.length - 6), /3 bytes of rdata, not 4/],
    ["opcode QUERY", (b: Buffer) => b.writeUInt16BE(0, 2), /not UPDATE/],
    ["trailing byte", (b: Buffer) => b, /bytes follow/],
  ])("UpdateFormatError for %s", (_label, spoil, message) => {
    const bytes = Buffer.from(
      encodeUpdate(9, "corp.example", [{ op: "add", rr: { type: "A", name: "kms.corp.example", address: "1.2.3.4" }, ttlSeconds: 60 }]),
    );
    const spoiled = _label === "trailing byte" ? Buffer.concat([bytes, Buffer.from([0])]) : bytes;
    spoil(spoiled);
    expect(() => decodeUpdate(spoiled)).toThrow(UpdateFormatError);
    expect(() => decodeUpdate(spoiled)).toThrow(message);
  });

  it("property: truncated, mutated or random bytes raise UpdateFormatError and nothing else", () => {
    const valid = encodeUpdate(
      77,
      "corp.example",
      publishChanges("corp.example", { target: "kms1.corp.example", address: "127.0.0.2", port: 1688, priority: 0, weight: 100, ttlSeconds: 600 }),
      [{ kind: "nameInUse", name: "corp.example" }],
    );
    const inputs = fc.oneof(
      fc.integer({ min: 0, max: valid.length - 1 }).map((n) => Buffer.from(valid.subarray(0, n))),
      fc.tuple(fc.integer({ min: 0, max: valid.length - 1 }), fc.nat(255)).map(([at, byte]) => {
        const b = Buffer.from(valid);
        b[at] = byte;
        return b;
      }),
      fc.uint8Array({ maxLength: 300 }).map((a) => {
        const b = Buffer.from(a);
        if (b.length >= 4) b.writeUInt16BE(0x2800, 2);
        return b;
      }),
    );
    fc.assert(
      fc.property(inputs, (bytes) => {
        try {
          decodeUpdate(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(UpdateFormatError);
        }
      }),
      { numRuns: 3000, seed: 5 },
    );
  });
});

describe("publishChanges / unpublishChanges", () => {
  it("publish adds the SRV record and the A record when the address is known", () => {
    const host = { target: "kms1.corp.example", address: "127.0.0.2", port: 1688, priority: 0, weight: 50, ttlSeconds: 600 };
    expect(publishChanges("corp.example", host)).toEqual([
      { op: "add", rr: { type: "SRV", name: "_vlmcs._tcp.corp.example", target: "kms1.corp.example", port: 1688, priority: 0, weight: 50 }, ttlSeconds: 600 },
      { op: "add", rr: { type: "A", name: "kms1.corp.example", address: "127.0.0.2" }, ttlSeconds: 600 },
    ]);
    expect(publishChanges("corp.example", { ...host, address: null })).toHaveLength(1);
    expect(unpublishChanges("corp.example", "kms1.corp.example", 1688, { priority: 0, weight: 50 })).toEqual([
      { op: "delete", rr: { type: "SRV", name: "_vlmcs._tcp.corp.example", target: "kms1.corp.example", port: 1688, priority: 0, weight: 50 } },
      { op: "deleteRRset", name: "kms1.corp.example", type: "A" },
    ]);
  });
});

// ---- The handler, without sockets ----

const KEY: TsigKey = { name: "kmssim-key.", algorithm: "hmac-sha256", secret: Buffer.from("c2VjcmV0IGZvciB0aGUgdXBkYXRlIHRlc3RzIQ==", "base64") };
const NOW_SEC = 1_750_000_000;
const ZONE = "corp.example";
const OWNER = "_vlmcs._tcp.corp.example";
const srv = (target: string, port = 1688, priority = 0, weight = 100): UpdateRecord => ({ type: "SRV", name: OWNER, target, port, priority, weight });

interface Harness {
  zone: DnsZone;
  logs: UpdateLogEntry[];
  clock: { ms: number };
  send: (
    changes: readonly UpdateChange[],
    prerequisites?: readonly Prerequisite[],
    zoneName?: string,
  ) => { rcode: number; tsigError: number; verified: boolean };
}

function harness(): Harness {
  const clock = { ms: 0 };
  const zone = new DnsZone([ZONE], { nowMs: () => clock.ms });
  const logs: UpdateLogEntry[] = [];
  const send: Harness["send"] = (changes, prerequisites = [], zoneName = ZONE) => {
    const request = signMessage(encodeUpdate(42, zoneName, changes, prerequisites), KEY, { timeSignedSec: NOW_SEC });
    const result = handleUpdate(request.message, readHeader(request.message)!, { zone, keys: [KEY], wallNowSec: NOW_SEC, peer: "test" });
    logs.push(result.log);
    const verdict = verifyMessage(result.message, [KEY], { nowSec: NOW_SEC, requestMac: request.mac });
    expect(readHeader(result.message)!.rcode).toBe(result.rcode);
    return { rcode: result.rcode, tsigError: result.tsigError, verified: verdict.signed && verdict.error === 0 };
  };
  return { zone, logs, clock, send };
}

const snapshot = (zone: DnsZone): unknown => ({ srv: zone.listSrv(), a: zone.listA(), origins: zone.origins() });

describe("handleUpdate", () => {
  it("adds SRV and A records, signs the reply, and logs the update", () => {
    const h = harness();
    const result = h.send(publishChanges(ZONE, { target: "kms1.corp.example", address: "127.0.0.2", port: 1688, priority: 1, weight: 10, ttlSeconds: 600 }));
    expect(result).toEqual({ rcode: Rcode.NOERROR, tsigError: 0, verified: true });
    expect(h.zone.listSrv(ZONE)).toEqual([{ domain: ZONE, target: "kms1.corp.example", port: 1688, priority: 1, weight: 10, ttlSeconds: 600 }]);
    expect(h.zone.aAt("kms1.corp.example")).toMatchObject({ address: "127.0.0.2", ttlSeconds: 600, static: false, updatedAtMs: 0 });
    expect(h.logs).toEqual([
      { at: 0, peer: "test", zone: ZONE, keyName: "kmssim-key.", rcode: 0, tsigError: 0, changes: 2, reason: expect.stringMatching(/applied 2/) },
    ]);
    // Dynamic additions inside a zone do not create new zones.
    expect(h.zone.origins()).toEqual([ZONE]);
  });

  it("an identical record added again only refreshes its timestamp", () => {
    const h = harness();
    h.send([{ op: "add", rr: srv("kms1.corp.example"), ttlSeconds: 600 }]);
    h.clock.ms = 5000;
    h.send([{ op: "add", rr: srv("KMS1.corp.example."), ttlSeconds: 600 }]);
    const stamped = h.zone.listSrvStamped();
    expect(stamped).toHaveLength(1);
    expect(stamped[0].updatedAtMs).toBe(5000);
  });

  it("deletes one RR only when all its data match, an RRset, or everything at a name", () => {
    const h = harness();
    h.send([
      { op: "add", rr: srv("kms1.corp.example", 1688, 0, 100), ttlSeconds: 60 },
      { op: "add", rr: srv("kms2.corp.example"), ttlSeconds: 60 },
      { op: "add", rr: srv("kms3.corp.example"), ttlSeconds: 60 },
      { op: "add", rr: { type: "A", name: "kms1.corp.example", address: "127.0.0.2" }, ttlSeconds: 60 },
      { op: "add", rr: { type: "A", name: "kms2.corp.example", address: "127.0.0.3" }, ttlSeconds: 60 },
    ]);
    expect(h.send([{ op: "delete", rr: srv("kms1.corp.example", 1688, 0, 99) }]).rcode).toBe(Rcode.NOERROR);
    expect(h.zone.listSrv()).toHaveLength(3); // weight differs: not that RR
    h.send([
      { op: "delete", rr: srv("kms1.corp.example", 1688, 0, 100) },
      { op: "delete", rr: { type: "A", name: "kms2.corp.example", address: "127.0.0.9" } },
    ]);
    expect(h.zone.listSrv().map((r) => r.target)).toEqual(["kms2.corp.example", "kms3.corp.example"]);
    expect(h.zone.aAt("kms2.corp.example")).toBeDefined();
    h.send([{ op: "deleteName", name: "kms1.corp.example" }]);
    expect(h.zone.aAt("kms1.corp.example")).toBeUndefined();
    h.send([
      { op: "deleteRRset", name: OWNER, type: "SRV" },
      { op: "deleteRRset", name: "kms2.corp.example", type: "A" },
    ]);
    expect(snapshot(h.zone)).toEqual({ srv: [], a: [], origins: [ZONE] });
  });

  it("prerequisites: each kind passes when true and fails with its rcode, leaving the zone untouched", () => {
    const h = harness();
    h.send([
      { op: "add", rr: srv("kms1.corp.example"), ttlSeconds: 60 },
      { op: "add", rr: { type: "A", name: "kms1.corp.example", address: "127.0.0.2" }, ttlSeconds: 60 },
    ]);
    const add = [{ op: "add" as const, rr: { type: "A" as const, name: "new.corp.example", address: "127.0.0.5" }, ttlSeconds: 60 }];
    const cases: [Prerequisite[], number][] = [
      [[{ kind: "rrsetExists", name: OWNER, type: "SRV" }], Rcode.NOERROR],
      [[{ kind: "rrsetExists", name: "kms9.corp.example", type: "A" }], Rcode.NXRRSET],
      [[{ kind: "rrsetAbsent", name: "kms9.corp.example", type: "A" }], Rcode.NOERROR],
      [[{ kind: "rrsetAbsent", name: "kms1.corp.example", type: "A" }], Rcode.YXRRSET],
      [[{ kind: "nameInUse", name: "kms1.corp.example" }], Rcode.NOERROR],
      [[{ kind: "nameInUse", name: ZONE }], Rcode.NOERROR], // the apex owns the SOA
      [[{ kind: "nameInUse", name: "_tcp.corp.example" }], Rcode.NXDOMAIN], // empty non-terminal
      [[{ kind: "nameNotInUse", name: "nobody.corp.example" }], Rcode.NOERROR],
      [[{ kind: "nameNotInUse", name: OWNER }], Rcode.YXDOMAIN],
      [[{ kind: "rrsetMatches", rr: srv("KMS1.corp.example") }], Rcode.NOERROR],
      [[{ kind: "rrsetMatches", rr: srv("kms1.corp.example", 1689) }], Rcode.NXRRSET],
      [
        [
          { kind: "rrsetMatches", rr: srv("kms1.corp.example") },
          { kind: "rrsetMatches", rr: srv("kms2.corp.example") },
        ],
        Rcode.NXRRSET,
      ],
      [[{ kind: "rrsetMatches", rr: { type: "A", name: "kms1.corp.example", address: "127.0.0.2" } }], Rcode.NOERROR],
      [[{ kind: "rrsetExists", name: "kms1.other.example", type: "A" }], Rcode.NOTZONE],
    ];
    for (const [prerequisites, rcode] of cases) {
      h.zone.removeA("new.corp.example");
      const before = snapshot(h.zone);
      const result = h.send(add, prerequisites);
      expect(result.rcode, JSON.stringify(prerequisites)).toBe(rcode);
      expect(result.verified).toBe(true);
      if (rcode === Rcode.NOERROR) expect(h.zone.aAt("new.corp.example")?.address).toBe("127.0.0.5");
      else expect(snapshot(h.zone)).toEqual(before);
    }
  });

  it("NOTZONE for a change outside the zone, REFUSED for other types or other SRV names: nothing applied", () => {
    const h = harness();
    const good: UpdateChange = { op: "add", rr: srv("kms1.corp.example"), ttlSeconds: 60 };
    expect(h.send([good, { op: "add", rr: { type: "A", name: "kms1.other.example", address: "127.0.0.2" }, ttlSeconds: 60 }]).rcode).toBe(Rcode.NOTZONE);
    expect(h.send([good, { op: "add", rr: { ...srv("x.corp.example"), name: "_ldap._tcp.corp.example" }, ttlSeconds: 60 }]).rcode).toBe(Rcode.REFUSED);
    const txt = Buffer.from(encodeUpdate(1, ZONE, [good, { op: "add", rr: { type: "A", name: "t.corp.example", address: "1.2.3.4" }, ttlSeconds: 60 }]));
    txt.writeUInt16BE(16, txt.length - 14);
    const signed = signMessage(txt, KEY, { timeSignedSec: NOW_SEC }).message;
    const result = handleUpdate(signed, readHeader(signed)!, { zone: h.zone, keys: [KEY], wallNowSec: NOW_SEC });
    expect(result.rcode).toBe(Rcode.REFUSED);
    expect(result.log.reason).toMatch(/type 16.*only handles SRV and A/);
    expect(snapshot(h.zone)).toEqual({ srv: [], a: [], origins: [ZONE] });
  });

  it("FORMERR, signed, for a validly signed message whose update section is malformed", () => {
    const h = harness();
    const bytes = Buffer.from(encodeUpdate(1, ZONE, [{ op: "deleteName", name: "kms1.corp.example" }]));
    bytes.writeUInt32BE(60, bytes.length - 6); // class ANY delete with a TTL
    const request = signMessage(bytes, KEY, { timeSignedSec: NOW_SEC });
    const result = handleUpdate(request.message, readHeader(request.message)!, { zone: h.zone, keys: [KEY], wallNowSec: NOW_SEC });
    expect(result.rcode).toBe(Rcode.FORMERR);
    expect(verifyMessage(result.message, [KEY], { nowSec: NOW_SEC, requestMac: request.mac }).error).toBe(TsigErrorCode.NOERROR);
  });

  it("property: any update either applies entirely or leaves the zone exactly as it was", () => {
    fc.assert(
      fc.property(fc.array(change, { maxLength: 6 }), fc.array(prerequisite, { maxLength: 2 }), (changes, prerequisites) => {
        const h = harness();
        h.send([
          { op: "add", rr: srv("kms1.corp.example"), ttlSeconds: 60 },
          { op: "add", rr: { type: "A", name: "kms1.corp.example", address: "127.0.0.2" }, ttlSeconds: 60 },
        ]);
        const inZone = (n: string): string => `${n}.corp.example`;
        const mapped = changes.map((c): UpdateChange =>
          c.op === "add" || c.op === "delete"
            ? { ...c, rr: { ...c.rr, name: c.rr.type === "SRV" ? OWNER : inZone(c.rr.name) } }
            : { ...c, name: inZone(c.name) },
        );
        const before = snapshot(h.zone);
        const { rcode } = h.send(mapped, prerequisites);
        if (rcode !== Rcode.NOERROR) expect(snapshot(h.zone)).toEqual(before);
        expect([Rcode.NOERROR, Rcode.NOTZONE, Rcode.NXDOMAIN, Rcode.YXDOMAIN, Rcode.NXRRSET, Rcode.YXRRSET, Rcode.REFUSED]).toContain(rcode);
      }),
      { numRuns: 300, seed: 31 },
    );
  });
});

describe("DnsZone record stamps and scavenging", () => {
  it("scavenges only records older than the age that are not static, on the zone's clock", () => {
    const clock = { ms: 1000 };
    const zone = new DnsZone([ZONE], { nowMs: () => clock.ms });
    zone.addSrv(ZONE, { target: "static.corp.example", port: 1688, priority: 0, weight: 1 }, { static: true });
    zone.addA("static.corp.example", "127.0.0.9", 60, { static: true });
    zone.addSrv(ZONE, { target: "old.corp.example", port: 1688, priority: 0, weight: 1 });
    zone.addA("old.corp.example", "127.0.0.2");
    clock.ms = 5000;
    zone.addSrv(ZONE, { target: "fresh.corp.example", port: 1688, priority: 0, weight: 1 });
    clock.ms = 6000;
    expect(zone.scavenge(5000)).toEqual({ srv: [], a: [] }); // exactly 5000 old: kept
    clock.ms = 6001;
    const removed = zone.scavenge(5000);
    expect(removed.srv.map((r) => [r.target, r.updatedAtMs])).toEqual([["old.corp.example", 1000]]);
    expect(removed.a.map((r) => r.name)).toEqual(["old.corp.example"]);
    expect(zone.listSrv().map((r) => r.target)).toEqual(["static.corp.example", "fresh.corp.example"]);
    clock.ms = 1e9;
    zone.addSrv(ZONE, { target: "static.corp.example", port: 1688, priority: 0, weight: 1 }); // a dynamic refresh keeps it static
    clock.ms = 2e9;
    expect(zone.scavenge(1).srv.map((r) => r.target)).toEqual(["fresh.corp.example"]);
    expect(zone.listSrvStamped().map((r) => [r.target, r.static])).toEqual([["static.corp.example", true]]);
    expect(zone.aAt("static.corp.example")).toBeDefined();
  });
});
