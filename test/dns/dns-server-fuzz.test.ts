// Fuzzing EmbeddedDnsServer over real sockets on 127.0.0.1 (issue 7), per message and on
// both transports: random packets, valid SRV queries and signed updates with bytes
// flipped or cut, random TCP framing. Each message is either dropped (no reply, counted
// in `dropped`) or answered with its own id (FORMERR counted in `formErrors`, anything
// else in `answered`); the server never hits an internal error, a damaged update never
// changes the zone, and a valid SRV query right after is answered in full.
// dns-server.test.ts already sends random UDP bytes and checks the totals; this file
// checks every single reply, adds TCP and updates, and fuzzes the TCP framing.

import dgram from "node:dgram";
import net from "node:net";
import dnsPacket from "dns-packet";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmbeddedDnsServer, type DnsServerCounters } from "../../src/dns/dns-server.js";
import { FrameDecoder, frameMessage } from "../../src/dns/tcp-framing.js";
import { signMessage, type TsigKey } from "../../src/dns/tsig.js";
import { publishChanges } from "../../src/dns/update-client.js";
import { encodeUpdate } from "../../src/dns/update-message.js";
import { Rcode, readHeader } from "../../src/dns/wire.js";
import { DnsZone } from "../../src/dns/zone.js";

const LOOPBACK = "127.0.0.1";
const ZONE = "corp.example";
const OWNER = `_vlmcs._tcp.${ZONE}`;
const KEY: TsigKey = { name: "fuzz-key.", algorithm: "hmac-sha256", secret: Buffer.from("c2VjcmV0IGtleSBmb3IgZnV6emluZyB0aGUgc2VydmVy", "base64") };

let server: EmbeddedDnsServer;
let zone: DnsZone;
let udp: dgram.Socket;
let tcp: TcpPeer;
const udpReplies: Buffer[] = [];

beforeAll(async () => {
  zone = new DnsZone([ZONE]);
  zone.addSrv(ZONE, { target: `kms1.${ZONE}`, port: 1688, priority: 0, weight: 100, ttlSeconds: 300 }, { static: true });
  zone.addSrv(ZONE, { target: `kms2.${ZONE}`, port: 1688, priority: 0, weight: 50, ttlSeconds: 300 }, { static: true });
  zone.addA(`kms1.${ZONE}`, "127.0.0.2", 300, { static: true });
  zone.addA(`kms2.${ZONE}`, "127.0.0.3", 300, { static: true });
  server = new EmbeddedDnsServer({ zone, keys: [KEY] });
  await server.start();
  udp = dgram.createSocket("udp4");
  udp.on("message", (reply) => udpReplies.push(reply));
  await new Promise<void>((resolve) => udp.bind({ address: LOOPBACK, port: 0 }, resolve));
  tcp = await TcpPeer.connect();
});

afterAll(async () => {
  tcp.socket.destroy();
  await new Promise<void>((resolve) => udp.close(() => resolve()));
  await server.stop();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls (every 1 ms, at most `limitMs`) until `condition` holds; false if it never did. */
async function until(condition: () => boolean, limitMs = 3000): Promise<boolean> {
  for (let waited = 0; waited < limitMs; waited++) {
    if (condition()) return true;
    await sleep(1);
  }
  return condition();
}

class TcpPeer {
  readonly replies: Buffer[] = [];
  closed = false;
  private readonly frames = new FrameDecoder();

  private constructor(readonly socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => this.replies.push(...this.frames.push(chunk)));
    socket.on("error", () => undefined);
    socket.on("close", () => (this.closed = true));
  }

  static connect(): Promise<TcpPeer> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: LOOPBACK, port: server.port, noDelay: true });
      socket.once("connect", () => resolve(new TcpPeer(socket)));
      socket.once("error", reject);
    });
  }
}

const total = (c: DnsServerCounters): number => c.udpQueries + c.tcpQueries;

/** Sends one message; resolves with the reply, or null when the server counted it dropped. */
async function exchange(message: Buffer, transport: "udp" | "tcp"): Promise<Buffer | null> {
  const before = server.counters;
  const replies = transport === "udp" ? udpReplies : tcp.replies;
  const had = replies.length;
  if (transport === "udp") udp.send(message, server.port, LOOPBACK);
  else tcp.socket.write(frameMessage(message));
  expect(await until(() => total(server.counters) === total(before) + 1), "the server read the message").toBe(true);
  const after = server.counters;
  if (after.dropped === before.dropped + 1) {
    await sleep(2);
    expect(replies.length, "a dropped message gets no reply").toBe(had);
    return null;
  }
  expect(await until(() => replies.length > had), "an answered message gets its reply").toBe(true);
  expect(replies.length).toBe(had + 1);
  return replies[had];
}

const query = (id: number): Buffer =>
  dnsPacket.encode({ type: "query", id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name: OWNER, type: "SRV", class: "IN" }] });

/** The valid SRV question is answered in full: both records, both addresses. */
async function srvAnswered(transport: "udp" | "tcp", id: number): Promise<void> {
  const reply = await exchange(query(id), transport);
  expect(reply, "a valid query after the garbage is answered").not.toBeNull();
  const decoded = dnsPacket.decode(reply!);
  expect(decoded.id).toBe(id);
  expect((decoded.flags ?? 0) & 0xf).toBe(Rcode.NOERROR);
  const data = (records: readonly unknown[] | undefined): unknown[] => (records ?? []).map((r) => (r as { data: unknown }).data);
  expect(
    data(decoded.answers)
      .map((d) => (d as { target: string }).target)
      .sort(),
  ).toEqual([`kms1.${ZONE}`, `kms2.${ZONE}`]);
  expect(data(decoded.additionals?.filter((a) => a.type === "A")).sort()).toEqual(["127.0.0.2", "127.0.0.3"]);
}

/** A signed update adding kms9; valid as built. */
function signedUpdate(id: number): Buffer {
  const changes = publishChanges(ZONE, { target: `kms9.${ZONE}`, address: "127.0.0.9", port: 1688, priority: 0, weight: 1, ttlSeconds: 60 });
  return signMessage(encodeUpdate(id, ZONE, changes), KEY, { timeSignedSec: Date.now() / 1000 }).message;
}

// ---- generators ------------------------------------------------------------------------

const flip = (base: Buffer, flips: readonly [number, number][]): Buffer => {
  const copy = Buffer.from(base);
  for (const [at, mask] of flips) copy[at % copy.length] ^= mask;
  return copy;
};
const flips = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 3 });

const message = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((a) => ({ kind: "random", bytes: Buffer.from(a) })),
  // A header with QR clear and any opcode, then noise: the paths that parse.
  fc.tuple(fc.uint8Array({ minLength: 12, maxLength: 200 }), fc.integer({ min: 0, max: 15 })).map(([a, opcode]) => {
    const b = Buffer.from(a);
    b[2] = (b[2] & 0x87) | (opcode << 3);
    return { kind: "header+noise", bytes: b };
  }),
  fc.tuple(fc.integer({ min: 0, max: 0xffff }), flips).map(([id, f]) => ({ kind: "flipped query", bytes: flip(query(id), f) })),
  fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.nat()).map(([id, n]) => {
    const q = query(id);
    return { kind: "cut query", bytes: q.subarray(0, n % q.length) };
  }),
  fc.tuple(fc.integer({ min: 0, max: 0xffff }), flips).map(([id, f]) => {
    const original = signedUpdate(id);
    return { kind: "flipped update", bytes: flip(original, f), original };
  }),
  fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.nat()).map(([id, n]) => {
    const u = signedUpdate(id);
    return { kind: "cut update", bytes: u.subarray(0, 12 + (n % (u.length - 12))) };
  }),
);

function expectBooks(): void {
  const c = server.counters;
  expect(c.internalErrors, "no exception while answering").toBe(0);
  expect(c.answered + c.formErrors + c.dropped).toBe(c.udpQueries + c.tcpQueries);
  expect(c.updates).toBe(c.updatesAccepted + c.updatesRefused);
}

// ---- properties ------------------------------------------------------------------------

describe("EmbeddedDnsServer fuzzing over loopback", () => {
  it("property: every message over UDP or TCP is dropped or answered with its id; FORMERR is counted as such; damaged updates change nothing (800 runs)", async () => {
    let goodId = 0;
    await fc.assert(
      fc.asyncProperty(
        message,
        fc.constantFrom("udp" as const, "tcp" as const),
        async ({ kind, bytes, original }: { kind: string; bytes: Buffer; original?: Buffer }, transport) => {
          const before = server.counters;
          const srvBefore = zone.listSrv().length;
          const reply = await exchange(bytes, transport);
          const after = server.counters;
          const header = readHeader(bytes);
          if (reply === null) {
            // Dropped: only what has no readable header, or is itself a response.
            expect(header === null || header.qr, `${kind}: dropped a message with a readable query header`).toBe(true);
          } else {
            const r = readHeader(reply);
            expect(r, `${kind}: the reply has a header`).not.toBeNull();
            expect(r!.id).toBe(header!.id);
            expect(r!.qr).toBe(true);
            expect(r!.opcode).toBe(header!.opcode);
            expect(after.formErrors - before.formErrors).toBe(r!.rcode === Rcode.FORMERR ? 1 : 0);
            expect(after.answered - before.answered).toBe(r!.rcode === Rcode.FORMERR ? 0 : 1);
            if (r!.rcode !== Rcode.FORMERR) expect(() => dnsPacket.decode(reply)).not.toThrow();
          }
          // A damaged signed update is refused: the signature covers everything but the id.
          if (after.updatesAccepted > before.updatesAccepted) {
            expect(kind).toBe("flipped update");
            const changed = [...bytes.keys()].filter((k) => bytes[k] !== original![k]);
            expect(
              changed.every((k) => k < 2),
              `accepted an update changed at bytes ${changed.join(", ")}`,
            ).toBe(true);
            expect(zone.aAt(`kms9.${ZONE}`)?.address).toBe("127.0.0.9");
            zone.removeSrv(ZONE, `kms9.${ZONE}`);
            zone.removeA(`kms9.${ZONE}`);
          } else {
            expect(zone.listSrv().length).toBe(srvBefore);
          }
          await srvAnswered(transport, ++goodId % 0x10000);
          expectBooks();
        },
      ),
      { numRuns: 800, seed: 0xd25 },
    );
  }, 60_000);

  it("property: any TCP framing (several messages per write, writes cut anywhere, an unfinished frame at the end) gets one reply per answered message, in order (100 runs)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(message, { minLength: 1, maxLength: 6 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 5 }),
        fc.option(fc.tuple(fc.integer({ min: 1, max: 0xffff }), fc.uint8Array({ maxLength: 40 }))),
        async (messages, cuts, unfinished) => {
          const before = server.counters;
          const peer = await TcpPeer.connect();
          const framed = Buffer.concat(messages.map((m) => frameMessage(m.bytes)));
          // An unfinished frame: a length prefix promising more than what follows.
          const tail =
            unfinished === null
              ? Buffer.alloc(0)
              : Buffer.concat([
                  Buffer.from([unfinished[0] >> 8, unfinished[0] & 0xff]),
                  Buffer.from(unfinished[1]).subarray(0, Math.max(0, unfinished[0] - 1)),
                ]);
          const stream = Buffer.concat([framed, tail]);
          const at = [...new Set(cuts.map((f) => Math.floor(f * stream.length)))].filter((k) => k > 0 && k < stream.length).sort((a, b) => a - b);
          let from = 0;
          for (const k of [...at, stream.length]) {
            peer.socket.write(stream.subarray(from, k));
            from = k;
            await sleep(1);
          }
          expect(await until(() => total(server.counters) === total(before) + messages.length), "every whole frame is read").toBe(true);
          const after = server.counters;
          const answeredHere = after.answered + after.formErrors - (before.answered + before.formErrors);
          expect(await until(() => peer.replies.length === answeredHere)).toBe(true);
          const repliedIds = peer.replies.map((r) => readHeader(r)!.id);
          const expectedIds = messages
            .map((m) => readHeader(m.bytes))
            .filter((h) => h !== null && !h.qr)
            .map((h) => h!.id);
          expect(repliedIds).toEqual(expectedIds);
          peer.socket.destroy();
          await srvAnswered("tcp", 1 + (repliedIds.length % 1000));
          expectBooks();
        },
      ),
      { numRuns: 100, seed: 0xf4a },
    );
  }, 60_000);

  it("a TCP length prefix of 0 and of 65535 with nothing after it: counted dropped / left waiting, never answered, the server goes on", async () => {
    const peer = await TcpPeer.connect();
    const before = server.counters;
    peer.socket.write(Buffer.from([0, 0, 0xff, 0xff, 1, 2, 3]));
    expect(await until(() => server.counters.dropped === before.dropped + 1)).toBe(true);
    await sleep(20);
    expect(peer.replies).toEqual([]);
    expect(total(server.counters)).toBe(total(before) + 1);
    peer.socket.destroy();
    await srvAnswered("tcp", 4242);
    await srvAnswered("udp", 4243);
    expectBooks();
  });
});
