import dgram from "node:dgram";
import net from "node:net";
import dnsPacket from "dns-packet";
import type { DecodedPacket, Packet, RecordType } from "dns-packet";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { answerQuery } from "../../src/dns/answer.js";
import { EmbeddedDnsServer } from "../../src/dns/dns-server.js";
import { FrameDecoder, frameMessage } from "../../src/dns/tcp-framing.js";
import { FLAG_TC, Rcode, readHeader } from "../../src/dns/wire.js";
import { DnsZone } from "../../src/dns/zone.js";

const LOOPBACK = "127.0.0.1";
const OWNER = "_vlmcs._tcp.corp.example";

/** corp.example with `count` hosts kms01.. on 127.0.0.(i+1), weights 10, 20, … */
function zoneWith(count: number): DnsZone {
  const zone = new DnsZone();
  for (let i = 1; i <= count; i++) {
    const target = `kms${String(i).padStart(2, "0")}.corp.example`;
    zone.addSrv("corp.example", { target, port: 1688, priority: i % 2, weight: 10 * i, ttlSeconds: 300 });
    zone.addA(target, `127.0.0.${i + 1}`, 600);
  }
  return zone;
}

function query(name: string, type: RecordType, id = 4242, extra: Partial<Packet> = {}): Buffer {
  return dnsPacket.encode({ type: "query", id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type, class: "IN" }], ...extra });
}

const rcodeOf = (reply: DecodedPacket): number => (reply.flags ?? 0) & 0xf;

/** One datagram to the server; the first reply, or null after waitMs. Always closes its socket. */
async function udpAsk(port: number, message: Buffer, waitMs = 1000): Promise<Buffer | null> {
  const socket = dgram.createSocket("udp4");
  try {
    await new Promise<void>((resolve) => socket.bind({ address: LOOPBACK, port: 0 }, resolve));
    return await new Promise<Buffer | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), waitMs);
      socket.once("message", (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      socket.send(message, port, LOOPBACK);
    });
  } finally {
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}

/** Writes each chunk (pausing between them so they arrive apart) and collects `replies` frames, or what came within waitMs. */
async function tcpAsk(port: number, chunks: Buffer[], replies: number, waitMs = 1000): Promise<Buffer[]> {
  const socket = net.connect({ host: LOOPBACK, port, noDelay: true });
  const frames = new FrameDecoder();
  const got: Buffer[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    const done = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, waitMs);
      socket.on("data", (chunk: Buffer) => {
        got.push(...frames.push(chunk));
        if (got.length >= replies) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    for (const [i, chunk] of chunks.entries()) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 20));
      socket.write(chunk);
    }
    await done;
    return got;
  } finally {
    socket.destroy();
  }
}

/** Polls a condition every 10 ms, at most 100 times. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

const servers: EmbeddedDnsServer[] = [];
async function serve(zone: DnsZone): Promise<EmbeddedDnsServer> {
  const server = new EmbeddedDnsServer({ zone });
  servers.push(server);
  await server.start();
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

describe("EmbeddedDnsServer over UDP", () => {
  it("listens on UDP and TCP of one ephemeral loopback port", async () => {
    const server = await serve(zoneWith(1));
    expect(server.port).toBeGreaterThan(0);
    expect(server.address).toEqual({ host: LOOPBACK, port: server.port });
    const udp = await udpAsk(server.port, query(OWNER, "SRV"));
    const [tcp] = await tcpAsk(server.port, [frameMessage(query(OWNER, "SRV"))], 1);
    expect(udp).not.toBeNull();
    expect(tcp.equals(udp!)).toBe(true);
  });

  it("answers SRV with the targets' A records as additional data, authoritatively", async () => {
    const server = await serve(zoneWith(3));
    const reply = dnsPacket.decode((await udpAsk(server.port, query(OWNER, "SRV", 7)))!);
    expect(reply.id).toBe(7);
    expect(reply.type).toBe("response");
    expect(reply.flag_aa).toBe(true);
    expect(reply.flag_tc).toBe(false);
    expect(reply.flag_rd).toBe(true);
    expect(rcodeOf(reply)).toBe(Rcode.NOERROR);
    expect(reply.questions).toEqual([{ name: OWNER, type: "SRV", class: "IN" }]);
    expect(reply.answers!.map((a) => (a.type === "SRV" ? [a.name, a.ttl, a.data] : null))).toEqual([
      [OWNER, 300, { target: "kms01.corp.example", port: 1688, priority: 1, weight: 10 }],
      [OWNER, 300, { target: "kms02.corp.example", port: 1688, priority: 0, weight: 20 }],
      [OWNER, 300, { target: "kms03.corp.example", port: 1688, priority: 1, weight: 30 }],
    ]);
    expect(reply.additionals!.map((a) => (a.type === "A" ? [a.name, a.ttl, a.data] : null))).toEqual([
      ["kms01.corp.example", 600, "127.0.0.2"],
      ["kms02.corp.example", 600, "127.0.0.3"],
      ["kms03.corp.example", 600, "127.0.0.4"],
    ]);
    expect(server.counters).toMatchObject({ udpQueries: 1, answered: 1, truncated: 0, dropped: 0, formErrors: 0 });
  });

  it("matches names case-insensitively with or without the trailing dot, echoing the asker's spelling", async () => {
    const server = await serve(zoneWith(2));
    const reply = dnsPacket.decode((await udpAsk(server.port, query("_VLMCS._tcp.Corp.Example.", "SRV")))!);
    expect(reply.answers).toHaveLength(2);
    expect(reply.answers![0].name).toBe("_VLMCS._tcp.Corp.Example");
  });

  it("answers A questions", async () => {
    const server = await serve(zoneWith(2));
    const reply = dnsPacket.decode((await udpAsk(server.port, query("KMS02.corp.example", "A")))!);
    expect(rcodeOf(reply)).toBe(Rcode.NOERROR);
    expect(reply.answers).toEqual([expect.objectContaining({ type: "A", name: "KMS02.corp.example", ttl: 600, data: "127.0.0.3" })]);
  });

  it("NXDOMAIN for an unknown name in a served zone; NODATA for a name that exists without that type", async () => {
    const server = await serve(zoneWith(1));
    const missing = dnsPacket.decode((await udpAsk(server.port, query("_vlmcs._tcp.nowhere.corp.example", "SRV")))!);
    expect(rcodeOf(missing)).toBe(Rcode.NXDOMAIN);
    expect(missing.flag_aa).toBe(true);
    expect(missing.answers).toEqual([]);
    for (const [name, type] of [
      ["kms01.corp.example", "AAAA"],
      ["_tcp.corp.example", "SRV"],
      ["corp.example", "A"],
    ] as const) {
      const nodata = dnsPacket.decode((await udpAsk(server.port, query(name, type)))!);
      expect([name, rcodeOf(nodata), nodata.answers]).toEqual([name, Rcode.NOERROR, []]);
    }
  });

  it("REFUSED for names outside every served zone (no recursion), as BIND answers", async () => {
    const server = await serve(zoneWith(1));
    const reply = dnsPacket.decode((await udpAsk(server.port, query("_vlmcs._tcp.other.example", "SRV")))!);
    expect(rcodeOf(reply)).toBe(Rcode.REFUSED);
    expect(reply.flag_aa).toBe(false);
  });

  it("answers what the zone holds now: records added after start are served", async () => {
    const server = await serve(zoneWith(1));
    server.zone.addSrv("branch.example", { target: "kms9.branch.example", port: 1688, priority: 0, weight: 1 });
    const reply = dnsPacket.decode((await udpAsk(server.port, query("_vlmcs._tcp.branch.example", "SRV")))!);
    expect(reply.answers).toHaveLength(1);
    expect(reply.additionals).toEqual([]); // no A record for that target
  });

  it("an answer too large for 512 bytes goes out with TC and only the question; TCP carries it whole", async () => {
    const server = await serve(zoneWith(40));
    const udp = dnsPacket.decode((await udpAsk(server.port, query(OWNER, "SRV")))!);
    expect(udp.flag_tc).toBe(true);
    expect(udp.questions).toHaveLength(1);
    expect(udp.answers).toEqual([]);
    expect(dnsPacket.encode(udp).length).toBeLessThanOrEqual(512);
    const [framed] = await tcpAsk(server.port, [frameMessage(query(OWNER, "SRV"))], 1);
    const tcp = dnsPacket.decode(framed);
    expect(tcp.flag_tc).toBe(false);
    expect(tcp.answers).toHaveLength(40);
    expect(tcp.additionals).toHaveLength(40);
    expect(framed.length).toBeGreaterThan(2000);
    expect(server.counters).toMatchObject({ udpQueries: 1, tcpQueries: 1, answered: 2, truncated: 1 });
  });

  it("additional records that do not fit are left out without TC (RFC 2181 §9)", async () => {
    const server = await serve(zoneWith(7)); // 7 SRV answers fit in 512 bytes, one A record after them
    const raw = (await udpAsk(server.port, query(OWNER, "SRV")))!;
    const reply = dnsPacket.decode(raw);
    expect(raw.length).toBeLessThanOrEqual(512);
    expect(reply.flag_tc).toBe(false);
    expect(reply.answers).toHaveLength(7);
    expect(reply.additionals).toHaveLength(1);
  });

  it("EDNS: a client offering 1232 bytes gets a larger UDP answer, and an OPT record back", async () => {
    const server = await serve(zoneWith(10));
    const opt = { type: "OPT" as const, name: ".", udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] };
    const plain = dnsPacket.decode((await udpAsk(server.port, query(OWNER, "SRV")))!);
    const edns = dnsPacket.decode((await udpAsk(server.port, query(OWNER, "SRV", 1, { additionals: [opt] })))!);
    expect(plain.flag_tc).toBe(true);
    expect(edns.flag_tc).toBe(false);
    expect(edns.answers).toHaveLength(10);
    expect(edns.additionals!.map((a) => a.type)).toEqual(["OPT", ...Array<string>(10).fill("A")]);
    const badVersion = dnsPacket.decode((await udpAsk(server.port, query(OWNER, "SRV", 2, { additionals: [{ ...opt, ednsVersion: 1 }] })))!);
    expect(badVersion.answers).toEqual([]);
    expect(badVersion.additionals).toEqual([expect.objectContaining({ type: "OPT", extendedRcode: 1 })]); // BADVERS
  });

  it("NOTIMP for opcodes other than QUERY (UPDATE comes with TSIG later)", async () => {
    const server = await serve(zoneWith(1));
    const update = query("corp.example", "SOA", 99, { flags: 5 << 11 });
    const reply = (await udpAsk(server.port, update))!;
    expect(readHeader(reply)).toMatchObject({ id: 99, qr: true, opcode: 5, rcode: Rcode.NOTIMP });
    expect(server.zone.listSrv()).toHaveLength(1);
  });
});

describe("EmbeddedDnsServer under a burst", () => {
  // A realtime run's workers all ask this one server; Linux's default receive buffer holds about
  // 256 such questions, so a busy hosts thread would lose the rest and the clients time out.
  it("reads all of 400 questions that arrive before it gets to read any", async () => {
    const BURST = 400;
    const server = await serve(zoneWith(1));
    const socket = dgram.createSocket("udp4");
    try {
      await new Promise<void>((resolve) => socket.bind({ address: LOOPBACK, port: 0 }, resolve));
      socket.connect(server.port, LOOPBACK);
      await new Promise((resolve) => socket.once("connect", resolve));
      for (let id = 0; id < BURST; id++) socket.send(query(OWNER, "SRV", id));
      await until(() => server.counters.udpQueries === BURST);
      expect(server.counters.udpQueries).toBe(BURST);
    } finally {
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    }
  });
});

describe("EmbeddedDnsServer and bad input", () => {
  it("FORMERR for a readable header with an unreadable body; drops what is shorter than a header or is itself a reply", async () => {
    const server = await serve(zoneWith(1));
    const garbageBody = Buffer.concat([Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]), Buffer.from([0xff, 0xff])]);
    const formerr = readHeader((await udpAsk(server.port, garbageBody))!);
    expect(formerr).toMatchObject({ id: 0x1234, qr: true, rcode: Rcode.FORMERR, qdcount: 0 });
    expect(await udpAsk(server.port, Buffer.from([1, 2, 3]), 150)).toBeNull();
    expect(await udpAsk(server.port, Buffer.alloc(0), 150)).toBeNull();
    const aReply = dnsPacket.encode({ type: "response", id: 5, questions: [{ name: OWNER, type: "SRV" }] });
    expect(await udpAsk(server.port, aReply, 150)).toBeNull();
    expect(server.counters).toMatchObject({ udpQueries: 4, formErrors: 1, dropped: 3, answered: 0 });
  });

  it("FORMERR for two questions, or a question name written with a compression pointer", async () => {
    const server = await serve(zoneWith(1));
    const two = dnsPacket.encode({
      type: "query",
      id: 3,
      questions: [
        { name: OWNER, type: "SRV" },
        { name: OWNER, type: "A" },
      ],
    });
    expect(readHeader((await udpAsk(server.port, two))!)?.rcode).toBe(Rcode.FORMERR);
    // Name = pointer to offset 0 (inside the header): dns-packet decodes it, we refuse to echo it.
    const pointer = Buffer.concat([Buffer.from([0, 4, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), Buffer.from([0xc0, 0x00, 0, 33, 0, 1])]);
    expect(readHeader((await udpAsk(server.port, pointer))!)?.rcode).toBe(Rcode.FORMERR);
    expect(server.counters.formErrors).toBe(2);
  });

  it("keeps answering valid questions after random bytes, and every message is accounted for", async () => {
    const server = await serve(zoneWith(3));
    const random = fc.sample(fc.uint8Array({ minLength: 0, maxLength: 700 }), { numRuns: 40, seed: 7 });
    const sender = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => sender.bind({ address: LOOPBACK, port: 0 }, resolve));
    for (const bytes of random) {
      await new Promise<void>((resolve) => sender.send(Buffer.from(bytes), server.port, LOOPBACK, () => resolve()));
    }
    await new Promise<void>((resolve) => sender.close(() => resolve()));
    const reply = dnsPacket.decode((await udpAsk(server.port, query(OWNER, "SRV")))!);
    expect(reply.answers).toHaveLength(3);
    const c = server.counters;
    expect(c.udpQueries).toBe(41);
    expect(c.answered + c.formErrors + c.dropped).toBe(c.udpQueries);
    expect(c.formErrors + c.dropped).toBeGreaterThan(0);
    expect(c.internalErrors).toBe(0);
  });

  it("property: any bytes sent over UDP never stop the server from answering (50 runs)", async () => {
    const server = await serve(zoneWith(2));
    const headerLike = fc
      .tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0x7fff }), fc.uint8Array({ minLength: 8, maxLength: 200 }))
      .map(([id, bits, rest]) => {
        const head = Buffer.alloc(4);
        head.writeUInt16BE(id, 0);
        head.writeUInt16BE(bits, 2); // QR clear: the server must deal with it
        return Buffer.concat([head, rest]);
      });
    const mutated = fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => {
      const bytes = Buffer.from(query(OWNER, "SRV", 1));
      bytes[at % bytes.length] = byte;
      return bytes;
    });
    const anyBytes = fc.oneof(
      fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a)),
      headerLike,
      mutated,
    );
    let id = 0;
    await fc.assert(
      fc.asyncProperty(anyBytes, async (bytes) => {
        await udpAsk(server.port, bytes, 50);
        const reply = await udpAsk(server.port, query(OWNER, "SRV", ++id));
        expect(reply).not.toBeNull();
        expect(dnsPacket.decode(reply!).answers).toHaveLength(2);
      }),
      { numRuns: 50, seed: 4711 },
    );
    const c = server.counters;
    expect(c.internalErrors).toBe(0);
    expect(c.answered + c.formErrors + c.dropped).toBe(c.udpQueries);
  });

  it("property (no sockets): every reply to any message with a header decodes and carries its id", () => {
    const zone = zoneWith(12);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 400 }), fc.constantFrom("udp" as const, "tcp" as const), (bytes, transport) => {
        const raw = Buffer.from(bytes);
        raw[2] &= 0x87; // QR clear, opcode QUERY: the path that parses
        const header = readHeader(raw)!;
        const reply = answerQuery(raw, header, zone, { transport, maxUdpPayloadBytes: 1232 });
        const decoded = dnsPacket.decode(reply.message);
        expect(decoded.id).toBe(header.id);
        expect(decoded.type).toBe("response");
        if (transport === "udp") expect(reply.message.length).toBeLessThanOrEqual(1232);
        expect(reply.truncated).toBe((reply.message.readUInt16BE(2) & FLAG_TC) !== 0);
      }),
      { numRuns: 1000, seed: 99 },
    );
  });
});

describe("EmbeddedDnsServer over TCP", () => {
  it("two questions in one write get two answers, in order", async () => {
    const server = await serve(zoneWith(2));
    const both = Buffer.concat([frameMessage(query(OWNER, "SRV", 1)), frameMessage(query("kms02.corp.example", "A", 2))]);
    const replies = (await tcpAsk(server.port, [both], 2)).map((r) => dnsPacket.decode(r));
    expect(replies.map((r) => [r.id, r.answers!.length])).toEqual([
      [1, 2],
      [2, 1],
    ]);
    expect(server.counters.tcpQueries).toBe(2);
  });

  it("a question split over writes (inside the length prefix, then mid-message) is answered once complete", async () => {
    const server = await serve(zoneWith(2));
    const framed = frameMessage(query(OWNER, "SRV", 3));
    const replies = await tcpAsk(server.port, [framed.subarray(0, 1), framed.subarray(1, 9), framed.subarray(9)], 1);
    expect(replies.map((r) => dnsPacket.decode(r).id)).toEqual([3]);
  });

  it("several questions on one connection over time, with garbage frames between them", async () => {
    const server = await serve(zoneWith(1));
    const chunks = [frameMessage(query(OWNER, "SRV", 10)), frameMessage(Buffer.from([1, 2, 3])), frameMessage(query(OWNER, "SRV", 11))];
    const replies = await tcpAsk(server.port, chunks, 2);
    expect(replies.map((r) => dnsPacket.decode(r).id)).toEqual([10, 11]);
    expect(server.counters).toMatchObject({ tcpQueries: 3, answered: 2, dropped: 1 });
  });
});

describe("EmbeddedDnsServer up and down", () => {
  it("setUp(false) drops queries on both transports and keeps the sockets; setUp(true) answers again", async () => {
    const server = await serve(zoneWith(1));
    server.setUp(false);
    expect(server.isUp).toBe(false);
    expect(await udpAsk(server.port, query(OWNER, "SRV"), 150)).toBeNull();
    expect(await tcpAsk(server.port, [frameMessage(query(OWNER, "SRV"))], 1, 150)).toEqual([]);
    expect(server.counters).toMatchObject({ udpQueries: 1, tcpQueries: 1, dropped: 2, answered: 0 });
    server.setUp(true);
    expect(await udpAsk(server.port, query(OWNER, "SRV"))).not.toBeNull();
    expect(server.counters.answered).toBe(1);
  });

  it("stop() closes open TCP connections and frees the port; start() twice is an error", async () => {
    const server = await serve(zoneWith(1));
    await expect(server.start()).rejects.toThrow(/already started/);
    const port = server.port;
    const client = net.connect({ host: LOOPBACK, port });
    await new Promise((resolve) => client.once("connect", resolve));
    const closed = new Promise((resolve) => client.once("close", resolve));
    client.on("error", () => undefined);
    await until(() => server.openTcpConnections === 1);
    expect(server.openTcpConnections).toBe(1);
    await server.stop();
    await closed;
    expect(server.openTcpConnections).toBe(0);
    expect(() => server.port).toThrow(/not started/);
    await server.stop(); // twice is fine
    // The same port can be taken again, for both transports.
    const again = new EmbeddedDnsServer({ zone: zoneWith(1), port });
    servers.push(again);
    expect(await again.start()).toEqual({ port });
  });

  it("closes a TCP connection idle for longer than tcpIdleTimeoutMs", async () => {
    const server = new EmbeddedDnsServer({ zone: zoneWith(1), tcpIdleTimeoutMs: 100 });
    servers.push(server);
    const { port } = await server.start();
    const client = net.connect({ host: LOOPBACK, port });
    client.on("error", () => undefined);
    const started = Date.now();
    await new Promise((resolve) => client.once("close", resolve));
    expect(Date.now() - started).toBeLessThan(2000);
    await until(() => server.openTcpConnections === 0);
    expect(server.openTcpConnections).toBe(0);
  });
});
