import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FrameDecoder, frameMessage } from "../../src/dns/tcp-framing.js";
import { DEFAULT_TTL_SECONDS, DnsZone } from "../../src/dns/zone.js";
import { TtlCache } from "../../src/dns/ttl-cache.js";

const kms = (target: string, weight = 100) => ({ target, port: 1688, priority: 0, weight, ttlSeconds: 60 });

describe("DnsZone", () => {
  it("adds SRV records by bare domain or full owner name, case-insensitive and trailing-dot tolerant", () => {
    const zone = new DnsZone();
    zone.addSrv("Corp.Example.", kms("KMS1.corp.example."));
    zone.addSrv("_vlmcs._tcp.corp.example", kms("kms2.corp.example"));
    expect(zone.listSrv("corp.example").map((r) => r.target)).toEqual(["kms1.corp.example", "kms2.corp.example"]);
    expect(zone.srvAt("_VLMCS._tcp.CORP.example.")).toHaveLength(2);
    expect(zone.origins()).toEqual(["corp.example"]);
  });

  it("replaces a record with the same target and port, keeps one per port", () => {
    const zone = new DnsZone();
    zone.addSrv("corp.example", kms("kms1", 10));
    zone.addSrv("corp.example", kms("KMS1", 20));
    zone.addSrv("corp.example", { ...kms("kms1"), port: 1689 });
    expect(zone.listSrv().map((r) => [r.port, r.weight])).toEqual([
      [1688, 20],
      [1689, 100],
    ]);
  });

  it("removes by target (and port), and lists every domain", () => {
    const zone = new DnsZone();
    zone.addSrv("a.example", kms("kms1"));
    zone.addSrv("a.example", { ...kms("kms1"), port: 1689 });
    zone.addSrv("b.example", kms("kms1"));
    expect(zone.removeSrv("a.example", "KMS1.", 1689)).toBe(1);
    expect(zone.listSrv()).toHaveLength(2);
    expect(zone.removeSrv("a.example", "kms1")).toBe(1);
    expect(zone.removeSrv("a.example", "kms1")).toBe(0);
    expect(zone.listSrv().map((r) => r.domain)).toEqual(["b.example"]);
    // The domain stays served after its last record goes: NXDOMAIN, not REFUSED.
    expect(zone.originOf("_vlmcs._tcp.a.example")).toBe("a.example");
  });

  it("keeps one A record per name, defaults the TTL, and removes it", () => {
    const zone = new DnsZone(["corp.example"]);
    zone.addA("KMS1.corp.example.", "127.0.0.2");
    zone.addA("kms1.corp.example", "127.0.0.3", 30);
    expect(zone.listA()).toEqual([{ name: "kms1.corp.example", address: "127.0.0.3", ttlSeconds: 30 }]);
    expect(zone.addA("kms2.corp.example", "127.0.0.4").ttlSeconds).toBe(DEFAULT_TTL_SECONDS);
    expect(zone.removeA("KMS1.Corp.Example")).toBe(true);
    expect(zone.aAt("kms1.corp.example")).toBeUndefined();
  });

  it("rejects values that could not go on the wire, naming them", () => {
    const zone = new DnsZone();
    expect(() => zone.addA("kms1", "127.0.0.256")).toThrow(/not an IPv4 address/);
    expect(() => zone.addA("kms1", "::1")).toThrow(/not an IPv4 address/);
    expect(() => zone.addSrv("corp.example", { ...kms("kms1"), port: 70_000 })).toThrow(/SRV port/);
    expect(() => zone.addSrv("corp.example", { ...kms("kms1"), weight: -1 })).toThrow(/SRV weight/);
    expect(() => zone.addSrv("corp.example", { ...kms("kms1"), ttlSeconds: 1.5 })).toThrow(/ttlSeconds/);
    expect(() => zone.addSrv("corp..example", kms("kms1"))).toThrow(/empty label/);
    expect(() => zone.addA(`${"x".repeat(64)}.example`, "127.0.0.1")).toThrow(/label longer than 63/);
    expect(zone.listSrv()).toEqual([]);
  });

  it("knows which names exist: owners, origins and empty non-terminals", () => {
    const zone = new DnsZone(["corp.example"]);
    zone.addSrv("corp.example", kms("kms1.corp.example"));
    zone.addA("kms1.corp.example", "127.0.0.2");
    expect(zone.nameExists("corp.example")).toBe(true);
    expect(zone.nameExists("_tcp.corp.example")).toBe(true);
    expect(zone.nameExists("KMS1.corp.example.")).toBe(true);
    expect(zone.nameExists("kms2.corp.example")).toBe(false);
    expect(zone.originOf("x.y.corp.example")).toBe("corp.example");
    expect(zone.originOf("corp.example.org")).toBeNull();
    expect(zone.originOf("example")).toBeNull();
  });

  it("serves the longest matching origin", () => {
    const zone = new DnsZone(["example", "branch.corp.example"]);
    expect(zone.originOf("kms.branch.corp.example")).toBe("branch.corp.example");
    expect(zone.originOf("kms.corp.example")).toBe("example");
  });
});

describe("TCP framing", () => {
  it("frames with a 2-byte big-endian length", () => {
    expect([...frameMessage(Buffer.from([7, 8, 9]))]).toEqual([0, 3, 7, 8, 9]);
    expect(() => frameMessage(Buffer.alloc(70_000))).toThrow(RangeError);
  });

  it("property: any split of a byte stream of frames gives back the same messages", () => {
    const message = fc.uint8Array({ minLength: 0, maxLength: 300 }).map((a) => Buffer.from(a));
    fc.assert(
      fc.property(fc.array(message, { maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 40 }), (messages, cuts) => {
        const stream = Buffer.concat(messages.map(frameMessage));
        const decoder = new FrameDecoder();
        const out: Buffer[] = [];
        let offset = 0;
        for (const cut of cuts) {
          if (offset >= stream.length) break;
          out.push(...decoder.push(stream.subarray(offset, offset + cut)));
          offset += cut;
        }
        out.push(...decoder.push(stream.subarray(offset)));
        expect(out.map((b) => b.toString("hex"))).toEqual(messages.map((b) => b.toString("hex")));
        expect(decoder.bufferedBytes).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it("holds a partial length prefix until the second byte arrives", () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(Buffer.from([0]))).toEqual([]);
    expect(decoder.push(Buffer.from([2, 0xaa]))).toEqual([]);
    expect(decoder.bufferedBytes).toBe(3);
    expect(decoder.push(Buffer.from([0xbb, 0, 0]))).toEqual([Buffer.from([0xaa, 0xbb]), Buffer.alloc(0)]);
  });
});

describe("TtlCache", () => {
  it("expires entries on the injected clock and evicts the oldest past its size", () => {
    let now = 1000;
    const cache = new TtlCache<string>(() => now, 2);
    cache.set("a", "A", 100);
    expect(cache.get("a")).toEqual({ value: "A", remainingMs: 100 });
    now = 1099;
    expect(cache.get("a")?.remainingMs).toBe(1);
    now = 1100;
    expect(cache.get("a")).toBeUndefined();
    cache.set("zero", "Z", 0);
    expect(cache.size).toBe(0);
    cache.set("b", "B", 10);
    cache.set("c", "C", 10);
    cache.set("d", "D", 10);
    expect([cache.get("b"), cache.get("c")?.value, cache.get("d")?.value]).toEqual([undefined, "C", "D"]);
  });
});
