// DNS over TCP stays up under slow clients: a message must arrive whole within a deadline,
// one source address holds at most 64 connections, and a full table makes room for a new
// client by closing the slowest connection instead of refusing the newcomer.
import net from "node:net";
import dnsPacket from "dns-packet";
import { afterEach, describe, expect, it } from "vitest";
import { EmbeddedDnsServer, type DnsServerOptions } from "../../src/dns/dns-server.js";
import { tcpExchange } from "../../src/dns/tcp-exchange.js";
import { Rcode, readHeader } from "../../src/dns/wire.js";
import { DnsZone } from "../../src/dns/zone.js";

const ZONE = "corp.example";
const servers: EmbeddedDnsServer[] = [];
const sockets: net.Socket[] = [];
const timers: NodeJS.Timeout[] = [];
afterEach(async () => {
  for (const t of timers.splice(0)) clearInterval(t);
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function serve(options: Partial<DnsServerOptions> = {}): Promise<EmbeddedDnsServer> {
  const zone = new DnsZone([ZONE]);
  zone.addSrv(ZONE, { target: "kms1.corp.example", port: 1688, priority: 0, weight: 100, ttlSeconds: 600 });
  const server = new EmbeddedDnsServer({ zone, ...options });
  servers.push(server);
  await server.start();
  return server;
}

/** Polls every 20 ms, at most `tries` times. */
async function until(check: () => boolean, tries = 150): Promise<boolean> {
  for (let i = 0; i < tries && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  return check();
}

/** A client that sends half a length prefix (of a 64-byte message) at once, then a byte every `everyMs`. */
function dripper(port: number, localAddress: string, everyMs: number): { socket: net.Socket; closed: () => boolean } {
  let closed = false;
  const socket = net.connect({ host: "127.0.0.1", port, localAddress });
  sockets.push(socket);
  socket.on("error", () => undefined);
  socket.on("close", () => (closed = true));
  socket.on("connect", () => socket.write(Buffer.from([0x00])));
  let drips = 0;
  // At most 100 drips; afterEach clears it sooner.
  const timer = setInterval(() => {
    if (++drips > 100) clearInterval(timer);
    else if (socket.writable) socket.write(Buffer.from([0x40]));
  }, everyMs);
  timers.push(timer);
  return { socket, closed: () => closed };
}

const query = dnsPacket.encode({ type: "query", id: 3, questions: [{ type: "SRV", name: `_vlmcs._tcp.${ZONE}` }] });
const goodQuery = (port: number): Promise<Buffer> => tcpExchange("127.0.0.1", port, query, 2000, new AbortController().signal);

describe("DNS over TCP under slow clients", () => {
  it("a client dripping bytes (each within the idle timeout) is closed at the message deadline", async () => {
    const server = await serve({ tcpIdleTimeoutMs: 10_000, tcpMessageDeadlineMs: 300 });
    const slow = dripper(server.port, "127.0.0.1", 100);
    expect(await until(slow.closed)).toBe(true);
    expect(server.counters.tcpTooSlow).toBe(1);
    expect(server.openTcpConnections).toBe(0);
  });

  it("empty frames (two zero bytes) do not keep a connection open past the idle timeout", async () => {
    const server = await serve({ tcpIdleTimeoutMs: 300, tcpMessageDeadlineMs: 10_000 });
    const client = net.connect({ host: "127.0.0.1", port: server.port });
    sockets.push(client);
    client.on("error", () => undefined);
    let closed = false;
    client.on("close", () => (closed = true));
    let frames = 0;
    // At most 100 empty frames; each would reset an idle timer that counts bytes.
    const timer = setInterval(() => (++frames > 100 ? clearInterval(timer) : client.writable && client.write(Buffer.from([0x00, 0x00]))), 50);
    timers.push(timer);
    expect(await until(() => closed)).toBe(true);
    expect(server.counters.dropped).toBeGreaterThan(1);
  });

  it("a client that connects and sends its query at once is not hurried", async () => {
    const server = await serve({ tcpMessageDeadlineMs: 300 });
    for (let k = 0; k < 3; k++) expect(readHeader(await goodQuery(server.port))!.rcode).toBe(Rcode.NOERROR);
    expect(server.counters.tcpTooSlow).toBe(0);
  });

  it("connections from one address past 64 are refused; a good client elsewhere is answered meanwhile", async () => {
    const server = await serve();
    const drippers = Array.from({ length: 70 }, () => dripper(server.port, "127.0.0.2", 1000));
    expect(await until(() => server.counters.tcpRefusedPerAddress === 6 && server.openTcpConnections === 64)).toBe(true);
    expect(drippers.filter((d) => d.closed())).toHaveLength(6);
    expect(readHeader(await goodQuery(server.port))!.rcode).toBe(Rcode.NOERROR);
  });

  it("with every connection slot held by drippers, a good client still gets its answer", async () => {
    const server = await serve({ maxTcpConnections: 8 });
    const drippers = Array.from({ length: 8 }, (_, k) => dripper(server.port, `127.0.0.${k + 10}`, 1000));
    expect(await until(() => server.openTcpConnections === 8)).toBe(true);
    expect(readHeader(await goodQuery(server.port))!.rcode).toBe(Rcode.NOERROR);
    expect(server.counters.tcpEvicted).toBe(1);
    expect(await until(() => drippers.filter((d) => d.closed()).length === 1)).toBe(true);
  });
});
