import { execFile } from "node:child_process";
import dgram from "node:dgram";
import net from "node:net";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { EmbeddedDnsServer } from "../../src/dns/dns-server.js";
import { SrvResolver } from "../../src/dns/resolver.js";
import { FrameDecoder, frameMessage } from "../../src/dns/tcp-framing.js";
import { signMessage, TsigErrorCode, verifyMessage, type TsigKey } from "../../src/dns/tsig.js";
import { handleUpdate, type UpdateLogEntry } from "../../src/dns/update-handler.js";
import { DnsUpdateError, publishChanges, sendDnsUpdate, unpublishChanges, type UpdateOutcome } from "../../src/dns/update-client.js";
import { encodeUpdate, type UpdateChange } from "../../src/dns/update-message.js";
import { Rcode, readHeader } from "../../src/dns/wire.js";
import { DnsZone } from "../../src/dns/zone.js";
import { bindToolPath } from "../bind/named-harness.js";
import { describeNeeding } from "../helpers/describe-needing.js";

const LOOPBACK = "127.0.0.1";
const ZONE = "corp.example";
const OWNER = "_vlmcs._tcp.corp.example";
const KEY: TsigKey = { name: "KmsSim-Key.", algorithm: "hmac-sha256", secret: Buffer.from("P2mCAY1P//Ngo+6yY1Jks7E2xMh3ilZFV6ifK3w5qTc=", "base64") };
const TIMEOUT_MS = 2000;

// BIND 9.18 replies captured on this machine (same key, zone corp.example served by named).
const BIND_BADTIME = {
  serverNowSec: 0x6b06fdf9,
  request:
    "0bad2800000100000001000104636f7270076578616d706c650000060001017804636f7270076578616d706c650000ff00ff0000000000000a6b6d7373696d2d6b65790000fa00ff00000000003d0b686d61632d7368613235360000006b06efe9012c0020c12416aaa1c692e9577a22e711c4930d1ebc789f4a54104aec6297977f3d90eb0bad00000000",
  reply:
    "0bada809000100000000000104636f7270076578616d706c6500000600010a6b6d7373696d2d6b65790000fa00ff0000000000430b686d61632d7368613235360000006b06efe9012c00202a71a4842ca73b83690af93e9e288f718fb3860c5559b8a2c7b1988b02a25e970bad0012000600006b06fdf9",
};
const BIND_BADSIG = {
  serverNowSec: 0x6b06fdf9,
  request:
    "0bad2800000100000001000104636f7270076578616d706c650000060001017804636f7270076578616d706c650000ff00ff0000000000000a6b6d7373696d2d6b65790000fa00ff00000000003d0b686d61632d7368613235360000006b06fdf9012c0020c44161e9752aae094ffcf95417c1dc7ec26bbcfb60888a3c0cd75bd043df679b0bad00000000",
  reply:
    "0bada809000100000000000104636f7270076578616d706c6500000600010a6b6d7373696d2d6b65790000fa00ff00000000001d0b686d61632d7368613235360000006b06fdf9012c00000bad00100000",
};
const BIND_NOERROR = {
  serverNowSec: 0x6b06fc3c,
  request:
    "9d502800000100000002000104636f7270076578616d706c650000060001065f766c6d6373045f74637004636f7270076578616d706c65000021000100000e100019000000640698046b6d733104636f7270076578616d706c6500c0480001000100000e1000047f0000020a6b6d7373696d2d6b65790000fa00ff00000000003d0b686d61632d7368613235360000006b06fc3c012c002068b2f92112ef258fbe297844c016c3d28b8724800548f8935f15f2c9ff9f84d19d5000000000",
  reply:
    "9d50a800000100000000000104636f7270076578616d706c6500000600010a6b6d7373696d2d6b65790000fa00ff00000000003d0b686d61632d7368613235360000006b06fc3c012c00207db46a639bb102134fb0ea20d0206f3d982afc6c182f3b3131a81df1e43e50439d5000000000",
};

const kms = (n: number, weight = 100) => ({ target: `kms${n}.corp.example`, address: `127.0.0.${n + 1}`, port: 1688, priority: 0, weight, ttlSeconds: 600 });

const servers: EmbeddedDnsServer[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function serve(options: { keys?: readonly TsigKey[]; zone?: DnsZone; wallNowSec?: () => number } = {}) {
  const logs: UpdateLogEntry[] = [];
  const clock = { ms: 0 };
  const zone = options.zone ?? new DnsZone([ZONE], { nowMs: () => clock.ms });
  const server = new EmbeddedDnsServer({ zone, keys: options.keys ?? [KEY], wallNowSec: options.wallNowSec, onUpdate: (entry) => logs.push(entry) });
  servers.push(server);
  await server.start();
  return { server, zone, logs, clock, address: server.address };
}

function resolver(port: number): SrvResolver {
  const r = new SrvResolver({ server: { port }, dnsTimeoutMs: 1000, retries: 1 });
  closers.push(() => r.close());
  return r;
}

const snapshot = (zone: DnsZone): unknown => ({ srv: zone.listSrv(), a: zone.listA() });

describe("dynamic updates through the embedded server", () => {
  it("a host publishes with sendDnsUpdate and the resolver finds it", async () => {
    const { address, logs, server } = await serve();
    const outcome = await sendDnsUpdate(address, ZONE, publishChanges(ZONE, kms(1, 30)), { key: KEY, timeoutMs: TIMEOUT_MS });
    expect(outcome).toEqual({ rcode: 0, rcodeName: "NOERROR", tsigError: 0, tsigErrorName: "NOERROR", verified: true });
    const answer = await resolver(address.port).resolveSrv(ZONE);
    expect(answer.records).toEqual([{ target: "kms1.corp.example", port: 1688, priority: 0, weight: 30 }]);
    expect(answer.addresses.get("kms1.corp.example")).toBe("127.0.0.2");
    expect(logs).toEqual([
      expect.objectContaining({ zone: ZONE, keyName: "kmssim-key.", rcode: 0, tsigError: 0, changes: 2, peer: expect.stringMatching(/^127\.0\.0\.1:\d+$/) }),
    ]);
    expect(server.counters).toMatchObject({ tcpQueries: 1, udpQueries: 1, updates: 1, updatesAccepted: 1, updatesRefused: 0 });
  });

  it("answers like BIND: unsigned REFUSED, bad secret BADSIG, unknown key BADKEY, clock off BADTIME (signed), zone not served NOTAUTH; none changes the zone", async () => {
    const { address, zone, logs, server } = await serve();
    await sendDnsUpdate(address, ZONE, publishChanges(ZONE, kms(1)), { key: KEY, timeoutMs: TIMEOUT_MS });
    const before = snapshot(zone);
    const change = publishChanges(ZONE, kms(2));
    const send = (zoneName: string, key: TsigKey | null, wallNowSec?: () => number): Promise<UpdateOutcome> =>
      sendDnsUpdate(address, zoneName, change, { key, timeoutMs: TIMEOUT_MS, wallNowSec });
    const hourAgo = (): number => Date.now() / 1000 - 3600;
    const table: [string, Promise<UpdateOutcome>, Partial<UpdateOutcome>][] = [
      ["unsigned", send(ZONE, null), { rcodeName: "REFUSED", tsigErrorName: "NOERROR", verified: false }],
      ["wrong secret", send(ZONE, { ...KEY, secret: Buffer.from("another secret") }), { rcodeName: "NOTAUTH", tsigErrorName: "BADSIG", verified: false }],
      ["unknown key", send(ZONE, { ...KEY, name: "stranger." }), { rcodeName: "NOTAUTH", tsigErrorName: "BADKEY", verified: false }],
      ["clock off by an hour", send(ZONE, KEY, hourAgo), { rcodeName: "NOTAUTH", tsigErrorName: "BADTIME", verified: true }],
      ["zone not served", send("other.example", KEY), { rcodeName: "NOTAUTH", tsigErrorName: "NOERROR", verified: true }],
    ];
    for (const [label, outcome, expected] of table) expect(await outcome, label).toMatchObject(expected);
    expect(snapshot(zone)).toEqual(before);
    expect(logs.slice(1).map((l) => [l.rcode, l.tsigError])).toEqual([
      [Rcode.REFUSED, 0],
      [Rcode.NOTAUTH, TsigErrorCode.BADSIG],
      [Rcode.NOTAUTH, TsigErrorCode.BADKEY],
      [Rcode.NOTAUTH, TsigErrorCode.BADTIME],
      [Rcode.NOTAUTH, 0],
    ]);
    expect(server.counters).toMatchObject({ updates: 6, updatesAccepted: 1, updatesRefused: 5 });
  });

  it("replies byte for byte as BIND 9.18 did to the same requests (NOERROR, BADTIME, BADSIG)", () => {
    for (const vector of [BIND_NOERROR, BIND_BADTIME, BIND_BADSIG]) {
      const request = Buffer.from(vector.request, "hex");
      const zone = new DnsZone([ZONE]);
      const reply = handleUpdate(request, readHeader(request)!, { zone, keys: [KEY], wallNowSec: vector.serverNowSec });
      expect(reply.message.toString("hex")).toBe(vector.reply);
    }
  });

  it("unpublish deletes the SRV RR and the A RRset; deleteName and deleteRRset work over the wire", async () => {
    const { address, zone } = await serve();
    for (const n of [1, 2, 3]) await sendDnsUpdate(address, ZONE, publishChanges(ZONE, kms(n, 10 * n)), { key: KEY, timeoutMs: TIMEOUT_MS });
    const ok = async (changes: UpdateChange[]): Promise<void> => {
      expect((await sendDnsUpdate(address, ZONE, changes, { key: KEY, timeoutMs: TIMEOUT_MS })).rcodeName).toBe("NOERROR");
    };
    await ok(unpublishChanges(ZONE, "kms2.corp.example", 1688, { priority: 0, weight: 20 }));
    expect(zone.listSrv().map((r) => r.target)).toEqual(["kms1.corp.example", "kms3.corp.example"]);
    expect(zone.aAt("kms2.corp.example")).toBeUndefined();
    await ok([{ op: "deleteName", name: "kms3.corp.example" }]);
    expect(zone.listA().map((a) => a.name)).toEqual(["kms1.corp.example"]);
    await ok([{ op: "deleteRRset", name: OWNER, type: "SRV" }]);
    expect(zone.listSrv()).toEqual([]);
    // No record left at the owner name and nothing below it: NXDOMAIN, as BIND answers.
    await expect(resolver(address.port).resolveSrv(ZONE)).rejects.toMatchObject({ code: "NXDOMAIN" });
  });

  it("prerequisites over the wire: add only when the name is not in use", async () => {
    const { address, zone } = await serve();
    const claim = (address_: string) =>
      sendDnsUpdate(address, ZONE, [{ op: "add", rr: { type: "A", name: "lock.corp.example", address: address_ }, ttlSeconds: 60 }], {
        key: KEY,
        timeoutMs: TIMEOUT_MS,
        prerequisites: [{ kind: "nameNotInUse", name: "lock.corp.example" }],
      });
    expect((await claim("127.0.0.10")).rcodeName).toBe("NOERROR");
    expect(await claim("127.0.0.11")).toMatchObject({ rcodeName: "YXDOMAIN", verified: true });
    expect(zone.aAt("lock.corp.example")?.address).toBe("127.0.0.10");
  });

  it("scavenging removes published records nobody refreshed, keeps refreshed and static ones", async () => {
    const { address, zone, clock } = await serve();
    zone.addSrv(ZONE, { target: "manual.corp.example", port: 1688, priority: 0, weight: 1 }, { static: true });
    for (const n of [1, 2]) await sendDnsUpdate(address, ZONE, publishChanges(ZONE, kms(n)), { key: KEY, timeoutMs: TIMEOUT_MS });
    clock.ms = 7 * 86_400_000;
    await sendDnsUpdate(address, ZONE, publishChanges(ZONE, kms(2)), { key: KEY, timeoutMs: TIMEOUT_MS }); // kms2 refreshes
    clock.ms = 14 * 86_400_000 + 1;
    const removed = zone.scavenge(14 * 86_400_000);
    expect(removed.srv.map((r) => r.target)).toEqual(["kms1.corp.example"]);
    expect(removed.a.map((r) => r.name)).toEqual(["kms1.corp.example"]);
    const answer = await resolver(address.port).resolveSrv(ZONE);
    expect(answer.records.map((r) => r.target).sort()).toEqual(["kms2.corp.example", "manual.corp.example"]);
  });

  it("accepts updates over UDP too", async () => {
    const { address, zone } = await serve();
    const request = signMessage(encodeUpdate(77, ZONE, publishChanges(ZONE, kms(4))), KEY, { timeSignedSec: Date.now() / 1000 });
    const reply = await udpAsk(address.port, request.message);
    expect(readHeader(reply!)).toMatchObject({ id: 77, qr: true, opcode: 5, rcode: Rcode.NOERROR });
    expect(verifyMessage(reply!, [KEY], { nowSec: Date.now() / 1000, requestMac: request.mac }).error).toBe(TsigErrorCode.NOERROR);
    expect(zone.aAt("kms4.corp.example")?.address).toBe("127.0.0.5");
  });

  it("garbage updates over UDP and TCP get FORMERR or nothing; queries keep being answered; every message is accounted for", async () => {
    const { address, zone, server } = await serve();
    await sendDnsUpdate(address, ZONE, publishChanges(ZONE, kms(1)), { key: KEY, timeoutMs: TIMEOUT_MS });
    const valid = signMessage(encodeUpdate(5, ZONE, publishChanges(ZONE, kms(9))), KEY, { timeSignedSec: Date.now() / 1000 }).message;
    const garbage = fc.sample(
      fc.oneof(
        fc.uint8Array({ minLength: 12, maxLength: 300 }).map((a) => {
          const b = Buffer.from(a);
          b.writeUInt16BE(0x2800, 2); // opcode UPDATE, QR clear
          return b;
        }),
        fc.tuple(fc.integer({ min: 12, max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => {
          const b = Buffer.from(valid);
          b[at] = byte === b[at] ? byte ^ 0xff : byte;
          return b;
        }),
        fc.integer({ min: 12, max: valid.length - 1 }).map((n) => Buffer.from(valid.subarray(0, n))),
      ),
      { numRuns: 60, seed: 8 },
    );
    for (const bytes of garbage.slice(0, 30)) await udpAsk(address.port, bytes, 100);
    await tcpSend(address.port, garbage.slice(30));
    expect(zone.aAt("kms9.corp.example")).toBeUndefined();
    const answer = await resolver(address.port).resolveSrv(ZONE);
    expect(answer.records.map((r) => r.target)).toEqual(["kms1.corp.example"]);
    const c = server.counters;
    expect(c.internalErrors).toBe(0);
    expect(c.answered + c.formErrors + c.dropped).toBe(c.udpQueries + c.tcpQueries);
    expect(c.updates).toBe(c.updatesAccepted + c.updatesRefused);
    expect(c.updatesAccepted).toBe(1);
    expect(c.updates).toBeGreaterThan(1);
  });

  it("while the server is down updates are dropped: the client times out and nothing changes", async () => {
    const { address, zone, server } = await serve();
    server.setUp(false);
    const error = await sendDnsUpdate(address, ZONE, publishChanges(ZONE, kms(1)), { key: KEY, timeoutMs: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DnsUpdateError);
    expect((error as DnsUpdateError).code).toBe("DNS_UPDATE_TIMEOUT");
    expect(zone.listSrv()).toEqual([]);
    expect(server.counters).toMatchObject({ dropped: 1, updates: 0 });
  });

  it("a server without keys keeps answering UPDATE with NOTIMP", async () => {
    const zone = new DnsZone([ZONE]);
    const server = new EmbeddedDnsServer({ zone });
    servers.push(server);
    await server.start();
    expect((await sendDnsUpdate(server.address, ZONE, publishChanges(ZONE, kms(1)), { key: null, timeoutMs: TIMEOUT_MS })).rcodeName).toBe("NOTIMP");
    expect(zone.listSrv()).toEqual([]);
  });

  it("with an empty key list, any signed update is BADKEY", async () => {
    const { address } = await serve({ keys: [] });
    expect(await sendDnsUpdate(address, ZONE, publishChanges(ZONE, kms(1)), { key: KEY, timeoutMs: TIMEOUT_MS })).toMatchObject({
      rcodeName: "NOTAUTH",
      tsigErrorName: "BADKEY",
    });
  });
});

describe("sendDnsUpdate failures", () => {
  it("UNREACHABLE when nothing listens", async () => {
    const port = await freePort();
    const error = await sendDnsUpdate({ host: LOOPBACK, port }, ZONE, publishChanges(ZONE, kms(1)), { key: KEY, timeoutMs: TIMEOUT_MS }).catch(
      (e: unknown) => e,
    );
    expect((error as DnsUpdateError).code).toBe("DNS_UPDATE_UNREACHABLE");
  });

  it.each([
    ["an unsigned NOERROR", (request: Buffer) => replyTo(request, Rcode.NOERROR), /is not signed/],
    [
      "a forged signature",
      (request: Buffer) =>
        signMessage(
          replyTo(request, Rcode.NOERROR),
          { ...KEY, secret: Buffer.from("forged") },
          { timeSignedSec: Date.now() / 1000, requestMac: Buffer.alloc(32) },
        ).message,
      /does not verify/,
    ],
    [
      "another id",
      (request: Buffer) => replyTo(Buffer.concat([Buffer.from([request[0] ^ 1, request[1]]), request.subarray(2)]), Rcode.NOERROR),
      /not an answer/,
    ],
    ["a few bytes", () => Buffer.from([1, 2, 3]), /shorter than a DNS header/],
  ])("BAD_REPLY for %s", async (_label, answer, message) => {
    const port = await fakeServer(answer);
    const error = await sendDnsUpdate({ host: LOOPBACK, port }, ZONE, publishChanges(ZONE, kms(1)), { key: KEY, timeoutMs: TIMEOUT_MS }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DnsUpdateError);
    expect((error as DnsUpdateError).code).toBe("DNS_UPDATE_BAD_REPLY");
    expect((error as Error).message).toMatch(message);
  });
});

// Skipped without nsupdate, except under CI (.ci/run installs BIND 9's tools).
const NSUPDATE = bindToolPath("nsupdate");
const nsupdateNeed = {
  tag: "nsupdate",
  name: "nsupdate",
  purpose: "to publish with",
  missing: NSUPDATE === null ? "nsupdate is not installed (apt-get install bind9-dnsutils)" : null,
};

describeNeeding(nsupdateNeed, "interoperability with the installed nsupdate", () => {
  it("nsupdate -y publishes into the embedded server over UDP and TCP; a wrong secret is refused", async () => {
    const { address, zone } = await serve();
    const run = (secret: string, tcp: boolean, line: string): Promise<{ code: number; output: string }> =>
      new Promise((resolve) => {
        const child = execFile(NSUPDATE!, [...(tcp ? ["-v"] : []), "-t", "3", "-y", `hmac-sha256:KmsSim-Key.:${secret}`], (error, stdout, stderr) =>
          resolve({ code: error === null ? 0 : ((error as { code?: number }).code ?? 1), output: stdout + stderr }),
        );
        child.stdin!.end(`server ${LOOPBACK} ${address.port}\nzone ${ZONE}\n${line}\nsend\n`);
      });
    const secret = KEY.secret.toString("base64");
    expect((await run(secret, false, `update add ${OWNER} 600 SRV 0 50 1688 kms5.corp.example`)).code).toBe(0);
    expect((await run(secret, true, "update add kms5.corp.example 600 A 127.0.0.6")).code).toBe(0);
    expect(zone.listSrv()).toEqual([{ domain: ZONE, target: "kms5.corp.example", port: 1688, priority: 0, weight: 50, ttlSeconds: 600 }]);
    expect(zone.aAt("kms5.corp.example")?.address).toBe("127.0.0.6");
    const refused = await run(Buffer.from("wrong").toString("base64"), true, "update delete kms5.corp.example A");
    expect(refused.code).not.toBe(0);
    expect(refused.output).toMatch(/BADSIG|NOTAUTH|tsig/i);
    expect(zone.aAt("kms5.corp.example")).toBeDefined();
  });
});

function replyTo(request: Buffer, rcode: number): Buffer {
  const reply = Buffer.alloc(12);
  request.copy(reply, 0, 0, 2);
  reply.writeUInt16BE(0x8000 | (5 << 11) | rcode, 2);
  return reply;
}

/** A TCP server that answers the first framed message with `answer(request)`; resolves with its port. */
async function fakeServer(answer: (request: Buffer) => Buffer): Promise<number> {
  const server = net.createServer((socket) => {
    const frames = new FrameDecoder();
    socket.on("error", () => undefined);
    socket.on("data", (chunk: Buffer) => {
      const [request] = frames.push(chunk);
      if (request !== undefined) socket.end(frameMessage(answer(request)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return (server.address() as net.AddressInfo).port;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

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

/** Sends every message framed on one connection and waits (bounded) until the server has answered or dropped them all. */
async function tcpSend(port: number, messages: Buffer[]): Promise<void> {
  const socket = net.connect({ host: LOOPBACK, port, noDelay: true });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    const frames = new FrameDecoder();
    let replies = 0;
    socket.on("data", (chunk: Buffer) => (replies += frames.push(chunk).length));
    socket.write(Buffer.concat(messages.map(frameMessage)));
    for (let i = 0; i < 50 && replies < messages.length; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    socket.destroy();
  }
}
