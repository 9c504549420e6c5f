// The embedded DNS server of realtime mode: answers from a DnsZone over UDP and TCP on one
// port of a loopback address. `setUp(false)` models a DNS outage: queries are read and
// dropped without a word (clients see timeouts), the sockets stay open.
//
// Message handling is a switch on the opcode: QUERY is answered from the zone (answer.ts),
// UPDATE (RFC 2136, signed with TSIG) by update-handler.ts when the server has `keys`
// (without them, NOTIMP), every other opcode gets NOTIMP.

import dgram from "node:dgram";
import net, { isIPv4 } from "node:net";
import { answerQuery, type QueryReply } from "./answer.js";
import { FrameDecoder, frameMessage } from "./tcp-framing.js";
import type { TsigKey } from "./tsig.js";
import { ReplayGuard } from "./replay-guard.js";
import { handleUpdate, type UpdateLogEntry } from "./update-handler.js";
import { Opcode, Rcode, headerOnlyReply, readHeader } from "./wire.js";
import { BURST_RECEIVE_BUFFER_BYTES, enlargeReceiveBuffer } from "./udp-receive-buffer.js";
import type { DnsZone } from "./zone.js";

export interface DnsServerOptions {
  zone: DnsZone;
  /** IPv4 address to listen on. Default 127.0.0.1. */
  host?: string;
  /** UDP and TCP port; 0 (default) picks a free ephemeral port that is free for both. */
  port?: number;
  /** Largest UDP reply to a client offering EDNS; 1232 (default) avoids IP fragmentation. */
  maxUdpPayloadBytes?: number;
  /**
   * A TCP connection is closed after this long without a message answered (RFC 7766 §6.2.3);
   * bytes alone (garbage or empty frames) do not keep it open. Default 10 s.
   */
  tcpIdleTimeoutMs?: number;
  /**
   * A TCP message must arrive whole within this long of its first byte (the first one: of the
   * connection's start), else the connection is closed. The idle timer alone restarts on every
   * byte, so a client dripping a byte every few seconds could hold a connection for ever. Default 5 s.
   */
  tcpMessageDeadlineMs?: number;
  /**
   * At most this many TCP connections at once. A new one past it closes the connection whose
   * unfinished message is oldest (or, with none unfinished, the one idle longest), so slow
   * clients cannot lock good ones out. Default 1024.
   */
  maxTcpConnections?: number;
  /**
   * At most this many TCP connections from one source address; more are closed at once, so one
   * address cannot take the whole table. Default 64: `kmssim host` publishes every host and
   * domain at once from one address, and such a burst must not be refused.
   */
  maxTcpConnectionsPerAddress?: number;
  /**
   * TSIG keys allowed to update every served zone. Given (even empty), UPDATE is handled:
   * unsigned updates are REFUSED. Not given: UPDATE gets NOTIMP.
   */
  keys?: readonly TsigKey[];
  /** Wall-clock seconds for TSIG time checks (not the zone's simulated clock). Default Date.now() / 1000. */
  wallNowSec?: () => number;
  /** Called once for every UPDATE answered, accepted or refused. */
  onUpdate?: (entry: UpdateLogEntry) => void;
}

/**
 * Every message counts once in udpQueries or tcpQueries, and then once in answered, formErrors
 * or dropped. UPDATE messages that are answered also count once in `updates`, and then once in
 * updatesAccepted or updatesRefused.
 */
export interface DnsServerCounters {
  udpQueries: number;
  tcpQueries: number;
  /** Replies other than FORMERR (NOERROR, NXDOMAIN, REFUSED, NOTIMP, SERVFAIL, …). */
  answered: number;
  /** UDP replies sent with TC because the answer did not fit (part of answered). */
  truncated: number;
  /** Messages left without a reply: server down, shorter than a header, or a response (QR set). */
  dropped: number;
  /** FORMERR replies: a header we can read, a body we cannot. */
  formErrors: number;
  /** SERVFAIL replies caused by an exception while answering (part of answered); a bug when not 0. */
  internalErrors: number;
  /** UPDATE messages answered (a subset of answered + formErrors). */
  updates: number;
  /** Updates answered NOERROR (applied). */
  updatesAccepted: number;
  /** Updates answered with any other rcode (FORMERR, REFUSED, NOTAUTH, prerequisite failures, …). */
  updatesRefused: number;
  /** TCP connections closed at once: their source address already had maxTcpConnectionsPerAddress. */
  tcpRefusedPerAddress: number;
  /** TCP connections closed to make room for a new one (maxTcpConnections reached). */
  tcpEvicted: number;
  /** TCP connections closed because a message did not arrive whole within tcpMessageDeadlineMs. */
  tcpTooSlow: number;
}

/** What the server tracks per TCP connection; ticks order events without a clock. */
interface TcpConnection {
  address: string;
  /** Tick at which the unfinished message (or the connection) started; null between messages. */
  pendingSince: number | null;
  lastActive: number;
  deadline: NodeJS.Timeout | null;
  idle: NodeJS.Timeout | null;
}

const PORT_ATTEMPTS = 16;
const DEFAULTS = {
  host: "127.0.0.1",
  maxUdpPayloadBytes: 1232,
  tcpIdleTimeoutMs: 10_000,
  tcpMessageDeadlineMs: 5_000,
  maxTcpConnections: 1024,
  maxTcpConnectionsPerAddress: 64,
};

export class EmbeddedDnsServer {
  readonly zone: DnsZone;
  private readonly host: string;
  private readonly requestedPort: number;
  private readonly maxUdpPayloadBytes: number;
  private readonly tcpIdleTimeoutMs: number;
  private readonly tcpMessageDeadlineMs: number;
  private readonly maxTcpConnections: number;
  private readonly maxTcpConnectionsPerAddress: number;
  private readonly keys: readonly TsigKey[] | null;
  private readonly wallNowSec: () => number;
  private readonly onUpdate: ((entry: UpdateLogEntry) => void) | null;
  private readonly replays = new ReplayGuard();
  private udp: dgram.Socket | null = null;
  private tcp: net.Server | null = null;
  private readonly connections = new Map<net.Socket, TcpConnection>();
  private readonly perAddress = new Map<string, number>();
  private tick = 0;
  private boundPort: number | null = null;
  private up = true;
  private readonly count: DnsServerCounters = {
    udpQueries: 0,
    tcpQueries: 0,
    answered: 0,
    truncated: 0,
    dropped: 0,
    formErrors: 0,
    internalErrors: 0,
    updates: 0,
    updatesAccepted: 0,
    updatesRefused: 0,
    tcpRefusedPerAddress: 0,
    tcpEvicted: 0,
    tcpTooSlow: 0,
  };

  constructor(options: DnsServerOptions) {
    this.zone = options.zone;
    this.host = options.host ?? DEFAULTS.host;
    // A name would be looked up through the OS resolver; the server listens on an address.
    if (!isIPv4(this.host)) throw new RangeError(`DNS server host must be an IPv4 address, got "${this.host}"`);
    this.requestedPort = options.port ?? 0;
    this.maxUdpPayloadBytes = options.maxUdpPayloadBytes ?? DEFAULTS.maxUdpPayloadBytes;
    this.tcpIdleTimeoutMs = options.tcpIdleTimeoutMs ?? DEFAULTS.tcpIdleTimeoutMs;
    this.tcpMessageDeadlineMs = options.tcpMessageDeadlineMs ?? DEFAULTS.tcpMessageDeadlineMs;
    this.maxTcpConnections = options.maxTcpConnections ?? DEFAULTS.maxTcpConnections;
    this.maxTcpConnectionsPerAddress = options.maxTcpConnectionsPerAddress ?? DEFAULTS.maxTcpConnectionsPerAddress;
    this.keys = options.keys ?? null;
    this.wallNowSec = options.wallNowSec ?? (() => Date.now() / 1000);
    this.onUpdate = options.onUpdate ?? null;
  }

  /** Binds UDP and listens on TCP, both on the same port; resolves with that port. */
  async start(): Promise<{ port: number }> {
    if (this.udp !== null) throw new Error("the DNS server is already started");
    const attempts = this.requestedPort === 0 ? PORT_ATTEMPTS : 1;
    let lastError: unknown = null;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const udp = await bindUdp(this.host, this.requestedPort);
      const port = udp.address().port;
      // No tcp.maxConnections: it would drop the newcomer; onConnection evicts a slow one instead.
      const tcp = net.createServer((socket) => this.onConnection(socket));
      try {
        await listenTcp(tcp, this.host, port);
      } catch (error) {
        // The UDP port's TCP twin is taken by someone else: try another ephemeral port.
        await closeUdp(udp);
        lastError = error;
        if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") continue;
        throw error;
      }
      udp.on("message", (message, peer) => this.onDatagram(udp, message, peer));
      udp.on("error", () => undefined); // a failed send must not take the server down
      this.udp = udp;
      this.tcp = tcp;
      this.boundPort = port;
      return { port };
    }
    throw lastError instanceof Error ? lastError : new Error("no port free for both UDP and TCP");
  }

  /** Closes both sockets and every open TCP connection. Safe to call twice or before start. */
  async stop(): Promise<void> {
    const { udp, tcp } = this;
    this.udp = null;
    this.tcp = null;
    this.boundPort = null;
    for (const socket of [...this.connections.keys()]) {
      this.forget(socket);
      socket.destroy();
    }
    this.perAddress.clear();
    await Promise.all([udp === null ? undefined : closeUdp(udp), tcp === null ? undefined : closeTcp(tcp)]);
  }

  /** false: drop every query silently (DNS down); true: answer again. */
  setUp(up: boolean): void {
    this.up = up;
  }

  get isUp(): boolean {
    return this.up;
  }

  /** The bound port; throws before start(). */
  get port(): number {
    if (this.boundPort === null) throw new Error("the DNS server is not started");
    return this.boundPort;
  }

  get address(): { host: string; port: number } {
    return { host: this.host, port: this.port };
  }

  get counters(): Readonly<DnsServerCounters> {
    return { ...this.count };
  }

  get openTcpConnections(): number {
    return this.connections.size;
  }

  private onDatagram(udp: dgram.Socket, message: Buffer, peer: dgram.RemoteInfo): void {
    this.count.udpQueries++;
    const reply = this.handle(message, "udp", `${peer.address}:${peer.port}`);
    if (reply === null || this.udp !== udp) return;
    udp.send(reply, peer.port, peer.address, () => undefined);
  }

  private onConnection(socket: net.Socket): void {
    socket.on("error", () => undefined); // resets by the peer are normal; 'close' follows
    const address = socket.remoteAddress ?? "?";
    const fromAddress = this.perAddress.get(address) ?? 0;
    if (fromAddress >= this.maxTcpConnectionsPerAddress) {
      this.count.tcpRefusedPerAddress++;
      socket.destroy();
      return;
    }
    if (this.connections.size >= this.maxTcpConnections) this.evictOne();
    // The first message must arrive whole within the deadline of the connection's start.
    const connection: TcpConnection = { address, pendingSince: this.tick++, lastActive: this.tick++, deadline: null, idle: null };
    connection.deadline = this.messageDeadline(socket);
    const restartIdle = (): void => {
      if (connection.idle !== null) clearTimeout(connection.idle);
      connection.idle = setTimeout(() => socket.destroy(), this.tcpIdleTimeoutMs);
    };
    restartIdle();
    this.connections.set(socket, connection);
    this.perAddress.set(address, fromAddress + 1);
    const peer = `${address}:${socket.remotePort ?? "?"}`;
    socket.setNoDelay(true);
    socket.on("close", () => this.forget(socket));
    const frames = new FrameDecoder();
    socket.on("data", (chunk: Buffer) => {
      connection.lastActive = this.tick++;
      for (const message of frames.push(chunk)) {
        this.count.tcpQueries++;
        const reply = this.handle(message, "tcp", peer);
        if (reply !== null && socket.writable) {
          socket.write(frameMessage(reply));
          restartIdle();
        }
      }
      if (frames.bufferedBytes === 0) {
        if (connection.deadline !== null) clearTimeout(connection.deadline);
        connection.deadline = null;
        connection.pendingSince = null;
      } else if (connection.deadline === null) {
        connection.pendingSince = this.tick++;
        connection.deadline = this.messageDeadline(socket);
      }
    });
  }

  private messageDeadline(socket: net.Socket): NodeJS.Timeout {
    return setTimeout(() => {
      this.count.tcpTooSlow++;
      socket.destroy();
    }, this.tcpMessageDeadlineMs);
  }

  /** Closes the connection whose unfinished message is oldest, else the one idle longest. */
  private evictOne(): void {
    let victim: net.Socket | null = null;
    let victimRank = Infinity;
    // Bounded by maxTcpConnections; pending connections rank before idle ones.
    for (const [socket, c] of this.connections) {
      const rank = c.pendingSince !== null ? c.pendingSince - Number.MAX_SAFE_INTEGER : c.lastActive;
      if (rank < victimRank) {
        victim = socket;
        victimRank = rank;
      }
    }
    if (victim === null) return;
    this.count.tcpEvicted++;
    this.forget(victim);
    victim.destroy();
  }

  private forget(socket: net.Socket): void {
    const connection = this.connections.get(socket);
    if (connection === undefined) return;
    if (connection.deadline !== null) clearTimeout(connection.deadline);
    if (connection.idle !== null) clearTimeout(connection.idle);
    this.connections.delete(socket);
    const left = (this.perAddress.get(connection.address) ?? 1) - 1;
    if (left > 0) this.perAddress.set(connection.address, left);
    else this.perAddress.delete(connection.address);
  }

  /** The reply to one message, or null to drop it. Never throws. */
  private handle(message: Buffer, transport: "udp" | "tcp", peer: string): Buffer | null {
    const header = readHeader(message);
    // Never answer an answer: two servers would bounce replies at each other.
    if (!this.up || header === null || header.qr) {
      this.count.dropped++;
      return null;
    }
    let reply: QueryReply;
    let isUpdate = false;
    try {
      switch (header.opcode) {
        case Opcode.QUERY:
          reply = answerQuery(message, header, this.zone, { transport, maxUdpPayloadBytes: this.maxUdpPayloadBytes });
          break;
        case Opcode.UPDATE:
          if (this.keys !== null) {
            isUpdate = true;
            reply = this.update(message, header, peer);
            break;
          }
          reply = { message: headerOnlyReply(header, Rcode.NOTIMP), rcode: Rcode.NOTIMP, truncated: false };
          break;
        default:
          reply = { message: headerOnlyReply(header, Rcode.NOTIMP), rcode: Rcode.NOTIMP, truncated: false };
      }
    } catch {
      this.count.internalErrors++;
      reply = { message: headerOnlyReply(header, Rcode.SERVFAIL), rcode: Rcode.SERVFAIL, truncated: false };
    }
    if (isUpdate) {
      this.count.updates++;
      if (reply.rcode === Rcode.NOERROR) this.count.updatesAccepted++;
      else this.count.updatesRefused++;
    }
    if (reply.rcode === Rcode.FORMERR) this.count.formErrors++;
    else this.count.answered++;
    if (reply.truncated) this.count.truncated++;
    return reply.message;
  }

  private update(message: Buffer, header: NonNullable<ReturnType<typeof readHeader>>, peer: string): QueryReply {
    const result = handleUpdate(message, header, { zone: this.zone, keys: this.keys ?? [], wallNowSec: this.wallNowSec(), peer, replays: this.replays });
    try {
      this.onUpdate?.(result.log);
    } catch {
      // A failing logger must not turn an applied update into SERVFAIL.
    }
    return { message: result.message, rcode: result.rcode, truncated: false };
  }
}

function bindUdp(host: string, port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket({ type: "udp4" });
    socket.once("error", (error) => {
      closeUdp(socket).finally(() => reject(error));
    });
    socket.bind({ address: host, port, exclusive: true }, () => {
      socket.removeAllListeners("error");
      // Every worker of a realtime run asks this one server for each of its clients.
      enlargeReceiveBuffer(socket, BURST_RECEIVE_BUFFER_BYTES);
      resolve(socket);
    });
  });
}

function listenTcp(server: net.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

function closeUdp(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
}

function closeTcp(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
