import dgram from "node:dgram";
import dnsPacket from "dns-packet";
import { afterEach, describe, expect, it } from "vitest";
import { DnsError, isDnsError } from "../../src/dns/dns-error.js";
import { EmbeddedDnsServer } from "../../src/dns/dns-server.js";
import { SrvResolver, type SrvResolverOptions } from "../../src/dns/resolver.js";
import { BURST_RECEIVE_BUFFER_BYTES, enlargeReceiveBuffer } from "../../src/dns/udp-receive-buffer.js";
import { DnsZone } from "../../src/dns/zone.js";

const LOOPBACK = "127.0.0.1";

function zoneWith(count: number, ttlSeconds = 300, domain = "corp.example"): DnsZone {
  const zone = new DnsZone();
  for (let i = 1; i <= count; i++) {
    const target = `kms${String(i).padStart(2, "0")}.${domain}`;
    zone.addSrv(domain, { target, port: 1688 + i, priority: i % 3, weight: i, ttlSeconds });
    zone.addA(target, `127.0.0.${i + 1}`, ttlSeconds * 2);
  }
  return zone;
}

/** A seeded rng (mulberry32) so message ids are reproducible. */
function seededRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const servers: EmbeddedDnsServer[] = [];
const resolvers: SrvResolver[] = [];
const sockets: dgram.Socket[] = [];

async function serve(zone: DnsZone): Promise<EmbeddedDnsServer> {
  const server = new EmbeddedDnsServer({ zone });
  servers.push(server);
  await server.start();
  return server;
}

function resolverFor(port: number, options: Partial<SrvResolverOptions> = {}): SrvResolver {
  const resolver = new SrvResolver({ server: { host: LOOPBACK, port }, dnsTimeoutMs: 1000, rng: seededRng(1), ...options });
  resolvers.push(resolver);
  return resolver;
}

/** A hand-driven UDP "server" on loopback: `reply` decides what (if anything) goes back to each query. */
async function fakeServer(reply: (query: Buffer, send: (bytes: Buffer) => void) => void): Promise<{ port: number; seen: Buffer[] }> {
  const socket = dgram.createSocket("udp4");
  sockets.push(socket);
  const seen: Buffer[] = [];
  socket.on("message", (message, peer) => {
    seen.push(message);
    reply(message, (bytes) => socket.send(bytes, peer.port, peer.address));
  });
  await new Promise<void>((resolve) => socket.bind({ address: LOOPBACK, port: 0 }, resolve));
  return { port: socket.address().port, seen };
}

function responseTo(query: Buffer, rcode: number, id = query.readUInt16BE(0)): Buffer {
  const q = dnsPacket.decode(query);
  return dnsPacket.encode({
    type: "response",
    id,
    flags: rcode,
    questions: q.questions,
    answers:
      rcode === 0 ? [{ type: "SRV", name: q.questions![0].name, ttl: 60, data: { target: "kms1.corp.example", port: 1688, priority: 0, weight: 5 } }] : [],
    additionals: rcode === 0 ? [{ type: "A", name: "kms1.corp.example", ttl: 60, data: "127.0.0.2" }] : [],
  });
}

async function rejection(promise: Promise<unknown>): Promise<DnsError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DnsError) return error;
    throw error;
  }
  throw new Error("expected the lookup to fail");
}

afterEach(async () => {
  await Promise.all(resolvers.splice(0).map((r) => r.close()));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  await Promise.all(sockets.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

describe("SrvResolver against the embedded server", () => {
  it("resolves SRV records and the targets' addresses from one UDP answer", async () => {
    const server = await serve(zoneWith(3));
    const resolver = resolverFor(server.port);
    const answer = await resolver.resolveSrv("Corp.Example.");
    expect(answer.records).toEqual([
      { target: "kms01.corp.example", port: 1689, priority: 1, weight: 1 },
      { target: "kms02.corp.example", port: 1690, priority: 2, weight: 2 },
      { target: "kms03.corp.example", port: 1691, priority: 0, weight: 3 },
    ]);
    expect([...answer.addresses]).toEqual([
      ["kms01.corp.example", "127.0.0.2"],
      ["kms02.corp.example", "127.0.0.3"],
      ["kms03.corp.example", "127.0.0.4"],
    ]);
    expect(answer.ttlMs).toBe(300_000); // the smallest TTL: SRV 300 s, A 600 s
    expect(server.counters).toMatchObject({ udpQueries: 1, tcpQueries: 0 });
    expect(resolver.counters).toMatchObject({ udpQueries: 1, tcpQueries: 0, cacheHits: 0, timeouts: 0 });
  });

  it("accepts the full `_vlmcs._tcp.` name as well as the bare domain", async () => {
    const server = await serve(zoneWith(1));
    const resolver = resolverFor(server.port);
    expect((await resolver.resolveSrv("_vlmcs._tcp.corp.example")).records).toHaveLength(1);
  });

  it("NXDOMAIN for a domain without records, REFUSED for one the server does not serve", async () => {
    const zone = zoneWith(1);
    zone.addOrigin("empty.example");
    const server = await serve(zone);
    const resolver = resolverFor(server.port);
    const nx = await rejection(resolver.resolveSrv("empty.example"));
    expect([nx.code, nx.qname, nx.name]).toEqual(["NXDOMAIN", "_vlmcs._tcp.empty.example", "DnsError"]);
    expect(isDnsError(nx, "NXDOMAIN")).toBe(true);
    expect((await rejection(resolver.resolveSrv("elsewhere.example"))).code).toBe("REFUSED");
    // Errors are not cached: the next lookup asks again.
    await rejection(resolver.resolveSrv("empty.example"));
    expect(server.counters.udpQueries).toBe(3);
  });

  it("a name that exists without SRV records gives an empty answer that is not cached (NODATA)", async () => {
    const zone = zoneWith(1);
    zone.addA("_vlmcs._tcp.odd.example", "127.0.0.9");
    zone.addOrigin("odd.example");
    const server = await serve(zone);
    const resolver = resolverFor(server.port);
    expect(await resolver.resolveSrv("odd.example")).toEqual({ records: [], addresses: new Map(), ttlMs: 0 });
    await resolver.resolveSrv("odd.example");
    expect(server.counters.udpQueries).toBe(2);
  });

  it("40 records: the UDP answer is truncated, the resolver asks again over TCP and gets them all", async () => {
    const server = await serve(zoneWith(40));
    const resolver = resolverFor(server.port);
    const answer = await resolver.resolveSrv("corp.example");
    expect(answer.records).toHaveLength(40);
    expect(new Set(answer.records.map((r) => r.target)).size).toBe(40);
    expect(answer.addresses.size).toBe(40);
    expect(answer.addresses.get("kms40.corp.example")).toBe("127.0.0.41");
    expect(server.counters).toMatchObject({ udpQueries: 1, tcpQueries: 1, truncated: 1 });
    expect(resolver.counters).toMatchObject({ udpQueries: 1, tcpQueries: 1, truncated: 1 });
  });

  it("with EDNS (1232 bytes) the same 10-record answer fits in UDP, without EDNS it does not", async () => {
    const server = await serve(zoneWith(10));
    await resolverFor(server.port).resolveSrv("corp.example");
    expect(server.counters).toMatchObject({ truncated: 1, tcpQueries: 1 });
    const answer = await resolverFor(server.port, { ednsUdpPayloadBytes: 1232 }).resolveSrv("corp.example");
    expect(answer.records).toHaveLength(10);
    expect(answer.addresses.size).toBe(10);
    expect(server.counters).toMatchObject({ udpQueries: 2, truncated: 1, tcpQueries: 1 });
  });

  it("addresses the server left out of the additional section are asked for with A queries", async () => {
    // 7 SRV records fill 512 bytes so that one A record still fits after them (RFC 2181 §9: no TC for that).
    const zone = zoneWith(5);
    zone.addSrv("corp.example", { target: "ghost.corp.example", port: 1688, priority: 0, weight: 1, ttlSeconds: 300 });
    zone.addSrv("corp.example", { target: "far.away.example", port: 1688, priority: 0, weight: 1, ttlSeconds: 300 });
    const server = await serve(zone);
    const resolver = resolverFor(server.port);
    const answer = await resolver.resolveSrv("corp.example");
    expect(answer.records).toHaveLength(7);
    // Targets without an A record (NXDOMAIN) or outside the zones (REFUSED) are simply absent.
    expect([...answer.addresses.keys()].sort()).toEqual([1, 2, 3, 4, 5].map((i) => `kms0${i}.corp.example`));
    expect(server.counters.truncated).toBe(0);
    // One SRV question, then A questions for the 4 kms targets left out, the ghost and the far one.
    expect(server.counters.udpQueries).toBe(7);
    expect(resolver.counters.udpQueries).toBe(7);
  });

  it("concurrent lookups of one domain share a single question; different domains share the socket", async () => {
    const zone = zoneWith(2);
    for (const domain of ["a.example", "b.example", "c.example"]) {
      zone.addSrv(domain, { target: `kms.${domain}`, port: 1688, priority: 0, weight: 1 });
      zone.addA(`kms.${domain}`, "127.0.0.7");
    }
    const server = await serve(zone);
    const resolver = resolverFor(server.port);
    const same = await Promise.all([1, 2, 3, 4, 5].map(() => resolver.resolveSrv("corp.example")));
    expect(same.every((a) => a.records.length === 2)).toBe(true);
    expect(server.counters.udpQueries).toBe(1);
    const answers = await Promise.all(["a.example", "b.example", "c.example"].map((d) => resolver.resolveSrv(d)));
    expect(answers.map((a) => a.records[0].target)).toEqual(["kms.a.example", "kms.b.example", "kms.c.example"]);
    expect(server.counters.udpQueries).toBe(4);
  });
});

describe("SrvResolver timeouts and retries", () => {
  it("DNS down: TIMEOUT after the bounded retries; answers again once DNS is back up", async () => {
    const server = await serve(zoneWith(2));
    const resolver = resolverFor(server.port, { dnsTimeoutMs: 200, retries: 1 });
    server.setUp(false);
    const started = Date.now();
    const error = await rejection(resolver.resolveSrv("corp.example"));
    const elapsedMs = Date.now() - started;
    expect(error.code).toBe("TIMEOUT");
    expect(error.message).toMatch(/2 attempts of 200 ms/);
    expect(elapsedMs).toBeGreaterThanOrEqual(380);
    expect(elapsedMs).toBeLessThan(2000);
    expect(server.counters).toMatchObject({ udpQueries: 2, dropped: 2, answered: 0 });
    expect(resolver.counters.timeouts).toBe(2);
    server.setUp(true);
    expect((await resolver.resolveSrv("corp.example")).records).toHaveLength(2);
  });

  it("a lost answer is retried and the retry's answer is used", async () => {
    let count = 0;
    const fake = await fakeServer((query, send) => {
      if (++count > 1) send(responseTo(query, 0));
    });
    const resolver = resolverFor(fake.port, { dnsTimeoutMs: 100, retries: 2 });
    expect((await resolver.resolveSrv("corp.example")).records).toHaveLength(1);
    expect(fake.seen).toHaveLength(2);
    // The retry reuses the id, so a late answer to the first attempt would be accepted too.
    expect(fake.seen[0].readUInt16BE(0)).toBe(fake.seen[1].readUInt16BE(0));
  });

  it("ignores answers with the wrong id or question, and garbage, while waiting for the right one", async () => {
    const fake = await fakeServer((query, send) => {
      send(responseTo(query, 0, (query.readUInt16BE(0) + 1) & 0xffff));
      send(dnsPacket.encode({ type: "response", id: query.readUInt16BE(0), flags: 0, questions: [{ name: "_vlmcs._tcp.evil.example", type: "SRV" }] }));
      send(Buffer.concat([query.subarray(0, 2), Buffer.from([0x80, 0, 0xff, 0xff])]));
      send(responseTo(query, 0));
    });
    const resolver = resolverFor(fake.port);
    expect((await resolver.resolveSrv("corp.example")).records).toEqual([{ target: "kms1.corp.example", port: 1688, priority: 0, weight: 5 }]);
  });

  it("maps rcodes to error codes: SERVFAIL, FORMERR, and anything else as SERVFAIL", async () => {
    const rcodes = [2, 1, 4];
    let next = 0;
    const fake = await fakeServer((query, send) => send(responseTo(query, rcodes[next++])));
    const resolver = resolverFor(fake.port);
    const codes: string[] = [];
    for (const domain of ["a.example", "b.example", "c.example"]) codes.push((await rejection(resolver.resolveSrv(domain))).code);
    expect(codes).toEqual(["SERVFAIL", "FORMERR", "SERVFAIL"]);
  });

  it('drops SRV records with target "." (service decidedly not available, RFC 2782)', async () => {
    const fake = await fakeServer((query, send) => {
      const q = dnsPacket.decode(query);
      const srv = (target: string) => ({ type: "SRV" as const, name: q.questions![0].name, ttl: 60, data: { target, port: 1688, priority: 0, weight: 1 } });
      send(
        dnsPacket.encode({
          type: "response",
          id: q.id,
          flags: 0,
          questions: q.questions,
          answers: [srv("."), srv("kms1.corp.example")],
          additionals: [{ type: "A", name: "kms1.corp.example", ttl: 60, data: "127.0.0.2" }],
        }),
      );
    });
    const answer = await resolverFor(fake.port).resolveSrv("corp.example");
    expect(answer.records.map((r) => r.target)).toEqual(["kms1.corp.example"]);
  });

  it("message ids come from the injected rng; a busy id is never reused while in flight", async () => {
    const fake = await fakeServer(() => undefined); // never answers
    const resolver = resolverFor(fake.port, { rng: () => 0.5, dnsTimeoutMs: 150, retries: 0 });
    const lookups = ["a.example", "b.example"].map((d) => rejection(resolver.resolveSrv(d)));
    expect((await Promise.all(lookups)).map((e) => e.code)).toEqual(["TIMEOUT", "TIMEOUT"]);
    const ids = fake.seen.map((q) => q.readUInt16BE(0));
    expect(ids[0]).toBe(0x8000);
    expect(ids[1]).not.toBe(0x8000);
  });

  it("close() fails lookups in flight with CLOSED, and later lookups too", async () => {
    const fake = await fakeServer(() => undefined);
    const resolver = resolverFor(fake.port, { dnsTimeoutMs: 5000 });
    const pending = rejection(resolver.resolveSrv("corp.example"));
    await new Promise((resolve) => setTimeout(resolve, 30));
    await resolver.close();
    expect((await pending).code).toBe("CLOSED");
    expect((await rejection(resolver.resolveSrv("corp.example"))).code).toBe("CLOSED");
  });

  it("a bad name is a rejected lookup, not a synchronous throw", async () => {
    const resolver = resolverFor(53);
    await expect(resolver.resolveSrv("corp..example")).rejects.toThrow(RangeError);
    expect(resolver.counters.udpQueries).toBe(0);
  });

  it("refuses a server given by name (that would need the OS resolver) and impossible settings", () => {
    expect(() => new EmbeddedDnsServer({ zone: new DnsZone(), host: "localhost" })).toThrow(/IPv4 address/);
    expect(() => new SrvResolver({ server: { host: "localhost", port: 53 } })).toThrow(/IPv4 address/);
    expect(() => new SrvResolver({ server: { port: 0 } })).toThrow(/port/);
    expect(() => new SrvResolver({ server: { port: 53 }, retries: -1 })).toThrow(/retries/);
    expect(() => new SrvResolver({ server: { port: 53 }, dnsTimeoutMs: 0 })).toThrow(/dnsTimeoutMs/);
  });
});

describe("SrvResolver TTL cache", () => {
  it("answers from the cache within the TTL (no query), asks again once the injected clock passes it", async () => {
    const server = await serve(zoneWith(2, 60));
    let nowMs = 1_000_000;
    const resolver = resolverFor(server.port, { now: () => nowMs });
    expect((await resolver.resolveSrv("corp.example")).ttlMs).toBe(60_000);
    nowMs += 59_999;
    const cached = await resolver.resolveSrv("corp.example");
    expect(cached.records).toHaveLength(2);
    expect(cached.ttlMs).toBe(1);
    expect(server.counters.udpQueries).toBe(1);
    expect(resolver.counters.cacheHits).toBe(1);
    nowMs += 1;
    await resolver.resolveSrv("corp.example");
    expect(server.counters.udpQueries).toBe(2);
  });

  it("sees a changed zone only after the cached answer expires; clearCache() forgets at once", async () => {
    const server = await serve(zoneWith(1, 30));
    let nowMs = 0;
    const resolver = resolverFor(server.port, { now: () => nowMs });
    await resolver.resolveSrv("corp.example");
    server.zone.addSrv("corp.example", { target: "kms99.corp.example", port: 1688, priority: 0, weight: 1, ttlSeconds: 30 });
    expect((await resolver.resolveSrv("corp.example")).records).toHaveLength(1);
    nowMs = 30_000;
    expect((await resolver.resolveSrv("corp.example")).records).toHaveLength(2);
    server.zone.removeSrv("corp.example", "kms99.corp.example");
    resolver.clearCache();
    expect((await resolver.resolveSrv("corp.example")).records).toHaveLength(1);
  });

  it("records with TTL 0 are never cached", async () => {
    const server = await serve(zoneWith(1, 0));
    const resolver = resolverFor(server.port, { now: () => 0 });
    await resolver.resolveSrv("corp.example");
    await resolver.resolveSrv("corp.example");
    expect(server.counters.udpQueries).toBe(2);
  });
});

describe("SrvResolver with shareAnswers: false (a fleet slice: each client asks for itself)", () => {
  it("every lookup asks the server: a changed zone and an outage show at once, never a cached answer", async () => {
    const server = await serve(zoneWith(1, 3600));
    const resolver = resolverFor(server.port, { now: () => 0, shareAnswers: false, dnsTimeoutMs: 100, retries: 0 });
    expect((await resolver.resolveSrv("corp.example")).ttlMs).toBe(3_600_000);
    server.zone.addSrv("corp.example", { target: "kms99.corp.example", port: 1688, priority: 0, weight: 1, ttlSeconds: 3600 });
    server.zone.addA("kms99.corp.example", "127.0.0.99", 3600);
    expect((await resolver.resolveSrv("corp.example")).records).toHaveLength(2);
    server.setUp(false);
    expect((await rejection(resolver.resolveSrv("corp.example"))).code).toBe("TIMEOUT");
    expect(server.counters.udpQueries).toBe(3);
    expect(resolver.counters.cacheHits).toBe(0);
  });

  it("concurrent lookups of one domain each send their own question and get a full-TTL answer", async () => {
    const server = await serve(zoneWith(2, 600));
    const resolver = resolverFor(server.port, { shareAnswers: false });
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => resolver.resolveSrv("corp.example")));
    expect(answers.map((a) => [a.records.length, a.ttlMs])).toEqual(Array.from({ length: 5 }, () => [2, 600_000]));
    expect(server.counters.udpQueries).toBe(5);
  });
});

describe("SrvResolver receive buffer", () => {
  /** A server that holds `burst` questions, then answers them all in one go (a busy resolver thread meets them at once). */
  async function burstServer(burst: number): Promise<{ port: number }> {
    const socket = dgram.createSocket("udp4");
    sockets.push(socket);
    const held: { query: Buffer; port: number }[] = [];
    socket.on("message", (query, peer) => {
      held.push({ query, port: peer.port });
      if (held.length === burst) for (const q of held.splice(0)) socket.send(responseTo(q.query, 0), q.port, LOOPBACK);
    });
    await new Promise<void>((resolve) => socket.bind({ address: LOOPBACK, port: 0 }, resolve));
    enlargeReceiveBuffer(socket, BURST_RECEIVE_BUFFER_BYTES);
    return { port: socket.address().port };
  }

  // 400: more than Linux's default buffer holds (about 256 such replies), fewer than the buffer
  // asked for holds even where net.core.rmem_max keeps its default (the kernel doubles the cap).
  it("receiveBufferBytes: a burst of 400 answers read at once all arrive, none times out", async () => {
    const BURST = 400;
    const server = await burstServer(BURST);
    const resolver = resolverFor(server.port, { shareAnswers: false, retries: 0, dnsTimeoutMs: 2000, receiveBufferBytes: BURST_RECEIVE_BUFFER_BYTES });
    const outcomes = await Promise.allSettled(Array.from({ length: BURST }, () => resolver.resolveSrv("corp.example")));
    expect(outcomes.filter((o) => o.status === "rejected")).toEqual([]);
    expect(resolver.counters.timeouts).toBe(0);
  });
});
