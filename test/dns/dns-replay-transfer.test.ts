// The embedded server refuses a replayed signed update (BIND accepts one) and zone
// transfers (AXFR, IXFR), over UDP and TCP alike.
import dgram from "node:dgram";
import dnsPacket from "dns-packet";
import { afterEach, describe, expect, it } from "vitest";
import { EmbeddedDnsServer } from "../../src/dns/dns-server.js";
import { ReplayGuard } from "../../src/dns/replay-guard.js";
import { tcpExchange } from "../../src/dns/tcp-exchange.js";
import { signMessage, TsigErrorCode, verifyMessage, type TsigKey } from "../../src/dns/tsig.js";
import { publishChanges } from "../../src/dns/update-client.js";
import { encodeUpdate } from "../../src/dns/update-message.js";
import { Rcode, readHeader } from "../../src/dns/wire.js";
import { DnsZone } from "../../src/dns/zone.js";

const ZONE = "corp.example";
const KEY: TsigKey = { name: "kmssim-key.", algorithm: "hmac-sha256", secret: Buffer.from("P2mCAY1P//Ngo+6yY1Jks7E2xMh3ilZFV6ifK3w5qTc=", "base64") };
const TIMEOUT_MS = 2000;
const kms = (n: number) => ({ target: `kms${n}.corp.example`, address: `127.0.0.${n + 1}`, port: 1688, priority: 0, weight: 100, ttlSeconds: 600 });

const servers: EmbeddedDnsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function serve(): Promise<{ server: EmbeddedDnsServer; zone: DnsZone }> {
  const zone = new DnsZone([ZONE]);
  const server = new EmbeddedDnsServer({ zone, keys: [KEY] });
  servers.push(server);
  await server.start();
  return { server, zone };
}

const exchange = (server: EmbeddedDnsServer, message: Buffer): Promise<Buffer> =>
  tcpExchange("127.0.0.1", server.port, message, TIMEOUT_MS, new AbortController().signal);

function signedUpdate(id: number, n: number): { message: Buffer; mac: Buffer } {
  return signMessage(encodeUpdate(id, ZONE, publishChanges(ZONE, kms(n))), KEY, { timeSignedSec: Math.floor(Date.now() / 1000) });
}

function udpExchange(port: number, message: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket("udp4");
    const timer = setTimeout(() => (socket.close(), reject(new Error("no UDP answer"))), TIMEOUT_MS);
    socket.once("message", (reply) => {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    });
    socket.send(message, port, "127.0.0.1");
  });
}

describe("replayed signed updates", () => {
  it("the same signed update sent again is refused NOTAUTH/BADTIME; a fresh one is still applied", async () => {
    const { server, zone } = await serve();
    const first = signedUpdate(0x1234, 1);
    expect(readHeader(await exchange(server, first.message))!.rcode).toBe(Rcode.NOERROR);
    expect(zone.listSrv()).toHaveLength(1);
    zone.removeSrv(`_vlmcs._tcp.${ZONE}`, "kms1.corp.example", 1688);

    const replay = await exchange(server, first.message);
    expect(readHeader(replay)!.rcode).toBe(Rcode.NOTAUTH);
    const verdict = verifyMessage(replay, [KEY], { nowSec: Math.floor(Date.now() / 1000), requestMac: first.mac });
    expect(verdict.error).toBe(TsigErrorCode.NOERROR); // our reply is signed
    expect(verdict.recordError).toBe(TsigErrorCode.BADTIME);
    expect(zone.listSrv()).toEqual([]);

    const fresh = signedUpdate(0x1235, 2);
    expect(readHeader(await exchange(server, fresh.message))!.rcode).toBe(Rcode.NOERROR);
    expect(zone.listSrv().map((r) => r.target)).toEqual(["kms2.corp.example"]);
    expect(server.counters).toMatchObject({ updatesAccepted: 2, updatesRefused: 1 });
  });

  it("a replay over UDP of an update first sent over TCP is refused too", async () => {
    const { server } = await serve();
    const update = signedUpdate(7, 1);
    expect(readHeader(await exchange(server, update.message))!.rcode).toBe(Rcode.NOERROR);
    expect(readHeader(await udpExchange(server.port, update.message))!.rcode).toBe(Rcode.NOTAUTH);
  });
});

describe("ReplayGuard", () => {
  const mac = (n: number): Buffer => Buffer.from([n >> 8, n & 0xff]);

  it("forgets an entry once its fudge window is over (the time check refuses it from then on)", () => {
    const guard = new ReplayGuard();
    expect(guard.admit("k.", mac(1), 1000, 300, 1000)).toBe(true);
    expect(guard.admit("K.", mac(1), 1000, 300, 1200)).toBe(false);
    expect(guard.admit("k.", mac(2), 1000, 300, 1301)).toBe(true);
    expect(guard.size).toBe(1);
  });

  it("keeps at most maxEntries, forgetting the oldest", () => {
    const guard = new ReplayGuard({ maxEntries: 100 });
    for (let n = 0; n < 1000; n++) expect(guard.admit("k.", mac(n), 1000, 300, 1000)).toBe(true);
    expect(guard.size).toBe(100);
    expect(guard.admit("k.", mac(999), 1000, 300, 1000)).toBe(false);
  });
});

describe("zone transfers", () => {
  const transfer = (type: "AXFR" | "IXFR"): Buffer =>
    dnsPacket.encode({
      type: "query",
      id: 99,
      questions: [{ type, name: ZONE }],
      ...(type === "IXFR" ? { authorities: [{ type: "SOA", name: ZONE, data: { mname: "ns.corp.example", rname: "h.corp.example", serial: 1 } }] } : {}),
    });

  for (const type of ["AXFR", "IXFR"] as const) {
    it(`${type} is REFUSED over TCP and UDP`, async () => {
      const { server } = await serve();
      expect(readHeader(await exchange(server, transfer(type)))!.rcode).toBe(Rcode.REFUSED);
      expect(readHeader(await udpExchange(server.port, transfer(type)))!.rcode).toBe(Rcode.REFUSED);
    });
  }
});
