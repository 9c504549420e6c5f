// The simulated clients' own stub resolver (never the OS resolver): asks one DNS server
// for `_vlmcs._tcp.<domain>` SRV records over UDP, retries on timeout, repeats the
// question over TCP when the answer comes back truncated, and caches answers for their
// TTL on an injected clock. One UDP socket per resolver; concurrent questions share it,
// told apart by message id (ids from the injected rng), and concurrent lookups of the same
// name share one question. With `shareAnswers: false` every lookup asks the server itself
// (no cache, no joining another lookup's question): many simulated clients behind one
// resolver, each with its own cache in the core.

import dgram from "node:dgram";
import { isIPv4 } from "node:net";
import dnsPacket from "dns-packet";
import type { DecodedPacket, OptAnswer, RecordType } from "dns-packet";
import { DnsError } from "./dns-error.js";
import { checkedName, normaliseName, srvOwnerOf } from "./names.js";
import { tcpExchange } from "./tcp-exchange.js";
import { TtlCache } from "./ttl-cache.js";
import { enlargeReceiveBuffer } from "./udp-receive-buffer.js";
import { Rcode, countsFit, readHeader } from "./wire.js";
import { MAX_TIMER_MS } from "../scenario/defaults.js";
import { setAnswerDeadline } from "../net/answer-deadline.js";

export interface SrvTarget {
  /** Lower case, no trailing dot. */
  target: string;
  port: number;
  priority: number;
  weight: number;
}

export interface SrvAnswer {
  /** In the order the server sent them; empty when the name exists without SRV records (NODATA) or only with target ".". */
  records: readonly SrvTarget[];
  /** Target → IPv4 address, from the additional section or a follow-up A query; targets without one are absent. */
  addresses: ReadonlyMap<string, string>;
  /** Time left before the answer expires: the smallest TTL of the records used; 0 for NODATA (not cached). */
  ttlMs: number;
}

export interface AddressAnswer {
  addresses: readonly string[];
  ttlMs: number;
}

export interface SrvResolverOptions {
  /** The DNS server: an IPv4 literal (default 127.0.0.1; a name would need the OS resolver) and a port. */
  server: { host?: string; port: number };
  /** Wait this long for each answer before retrying. Default 2000 (the scenario's dnsTimeout). */
  dnsTimeoutMs?: number;
  /** Further attempts after the first times out. Default 2. */
  retries?: number;
  /** Clock for the TTL cache, in ms. Default Date.now. */
  now?: () => number;
  /** Uniform in [0, 1): message ids. Default Math.random. */
  rng?: () => number;
  /** Offer EDNS with this UDP payload size; null (default) asks plain 512-byte DNS. */
  ednsUdpPayloadBytes?: number | null;
  /** Answers kept at most. Default 1024. */
  maxCacheEntries?: number;
  /**
   * Default true: answers are cached for their TTL and concurrent lookups of a name share one
   * question. False: every lookup sends its own question and waits for its own answer.
   */
  shareAnswers?: boolean;
  /** Address the UDP socket binds to. Default 127.0.0.1 for a loopback server, else 0.0.0.0. */
  localAddress?: string;
  /** Ask for this much UDP receive buffer (best effort), for bursts of answers; default: the system's. */
  receiveBufferBytes?: number;
}

export interface ResolverCounters {
  udpQueries: number;
  tcpQueries: number;
  cacheHits: number;
  /** Attempts that got no answer in time (UDP or TCP). */
  timeouts: number;
  /** UDP answers with TC set, each followed by a TCP attempt. */
  truncated: number;
}

interface Waiter {
  name: string;
  type: RecordType;
  /** Set while an attempt waits; hands it the reply (or null: give up waiting). */
  deliver: ((reply: DecodedPacket | null) => void) | null;
}

const ID_DRAWS = 32;

export class SrvResolver {
  private readonly host: string;
  private readonly port: number;
  private readonly dnsTimeoutMs: number;
  private readonly retries: number;
  private readonly rng: () => number;
  private readonly ednsUdpPayloadBytes: number | null;
  private readonly localAddress: string;
  private readonly shareAnswers: boolean;
  private readonly receiveBufferBytes: number | null;
  private readonly srvCache: TtlCache<SrvAnswer>;
  private readonly aCache: TtlCache<AddressAnswer>;
  private readonly inflight = new Map<string, Promise<SrvAnswer | AddressAnswer>>();
  private readonly waiters = new Map<number, Waiter>();
  private readonly abort = new AbortController();
  private socket: Promise<dgram.Socket> | null = null;
  private closed = false;
  private readonly count: ResolverCounters = { udpQueries: 0, tcpQueries: 0, cacheHits: 0, timeouts: 0, truncated: 0 };

  constructor(options: SrvResolverOptions) {
    this.host = options.server.host ?? "127.0.0.1";
    if (!isIPv4(this.host)) throw new RangeError(`DNS server host must be an IPv4 address, got "${this.host}"`);
    this.port = wholeNumber(options.server.port, 1, 0xffff, "DNS server port");
    this.dnsTimeoutMs = wholeNumber(options.dnsTimeoutMs ?? 2000, 1, MAX_TIMER_MS, "dnsTimeoutMs");
    this.retries = wholeNumber(options.retries ?? 2, 0, 100, "retries");
    this.rng = options.rng ?? Math.random;
    this.ednsUdpPayloadBytes = options.ednsUdpPayloadBytes == null ? null : wholeNumber(options.ednsUdpPayloadBytes, 512, 0xffff, "ednsUdpPayloadBytes");
    this.localAddress = options.localAddress ?? (this.host.startsWith("127.") ? "127.0.0.1" : "0.0.0.0");
    this.shareAnswers = options.shareAnswers ?? true;
    this.receiveBufferBytes = options.receiveBufferBytes ?? null;
    const now = options.now ?? Date.now;
    const maxEntries = options.maxCacheEntries ?? 1024;
    this.srvCache = new TtlCache(now, maxEntries);
    this.aCache = new TtlCache(now, maxEntries);
  }

  /** The KMS SRV records of `domain` (bare, or the full `_vlmcs._tcp.` name) and their targets' addresses. */
  async resolveSrv(domain: string): Promise<SrvAnswer> {
    const owner = checkedName(srvOwnerOf(domain), "SRV name");
    return this.cached(`SRV ${owner}`, this.srvCache, () => this.lookupSrv(owner));
  }

  /** The IPv4 addresses of `name` (empty when it has none: NODATA). */
  async resolveA(name: string): Promise<AddressAnswer> {
    const n = checkedName(name, "A name");
    return this.cached(`A ${n}`, this.aCache, () => this.lookupA(n));
  }

  /** Forget every cached answer. */
  clearCache(): void {
    this.srvCache.clear();
    this.aCache.clear();
  }

  get counters(): Readonly<ResolverCounters> {
    return { ...this.count };
  }

  /** Closes the socket; lookups still running fail with CLOSED. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    for (const waiter of this.waiters.values()) waiter.deliver?.(null);
    this.clearCache();
    const socket = await this.socket?.catch(() => null);
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  private cached<T extends SrvAnswer | AddressAnswer>(key: string, cache: TtlCache<T>, lookup: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(this.closedError(key));
    if (!this.shareAnswers) return lookup();
    const hit = cache.get(key);
    if (hit !== undefined) {
      this.count.cacheHits++;
      return Promise.resolve({ ...hit.value, ttlMs: hit.remainingMs });
    }
    const running = this.inflight.get(key) as Promise<T> | undefined;
    if (running !== undefined) return running;
    const fresh = lookup()
      .then((answer) => {
        if (!this.closed) cache.set(key, answer, answer.ttlMs);
        return answer;
      })
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, fresh);
    return fresh;
  }

  private async lookupSrv(owner: string): Promise<SrvAnswer> {
    const reply = await this.exchange(owner, "SRV");
    const records: SrvTarget[] = [];
    const ttlsSeconds: number[] = [];
    for (const rr of reply.answers ?? []) {
      // Target "." means "decidedly not available here" (RFC 2782): not a host to try.
      if (rr.type !== "SRV" || normaliseName(rr.name) !== owner || normaliseName(rr.data.target) === "") continue;
      records.push({
        target: normaliseName(rr.data.target),
        port: rr.data.port,
        priority: rr.data.priority ?? 0,
        weight: rr.data.weight ?? 0,
      });
      ttlsSeconds.push(rr.ttl ?? 0);
    }
    if (records.length === 0) return { records, addresses: new Map(), ttlMs: 0 };
    const targets = new Set(records.map((r) => r.target));
    const addresses = new Map<string, string>();
    for (const rr of reply.additionals ?? []) {
      const name = normaliseName(rr.name);
      if (rr.type !== "A" || !targets.has(name) || addresses.has(name)) continue;
      addresses.set(name, rr.data);
      ttlsSeconds.push(rr.ttl ?? 0);
    }
    // Additional data may be left out when it does not fit (RFC 2181 §9): ask for it.
    const missing = [...targets].filter((t) => !addresses.has(t));
    const found = await Promise.all(missing.map((t) => this.addressOrNull(t)));
    let ttlMs = Math.min(...ttlsSeconds) * 1000;
    missing.forEach((target, i) => {
      const answer = found[i];
      if (answer === null || answer.addresses.length === 0) return;
      addresses.set(target, answer.addresses[0]);
      ttlMs = Math.min(ttlMs, answer.ttlMs);
    });
    return { records, addresses, ttlMs };
  }

  /** A target without an address (NXDOMAIN, or outside the server's zones) is left out, not an error. */
  private async addressOrNull(target: string): Promise<AddressAnswer | null> {
    try {
      return await this.resolveA(target);
    } catch (error) {
      if (error instanceof DnsError && (error.code === "NXDOMAIN" || error.code === "REFUSED")) return null;
      throw error;
    }
  }

  private async lookupA(name: string): Promise<AddressAnswer> {
    const reply = await this.exchange(name, "A");
    const addresses: string[] = [];
    const ttlsSeconds: number[] = [];
    for (const rr of reply.answers ?? []) {
      if (rr.type !== "A" || normaliseName(rr.name) !== name) continue;
      addresses.push(rr.data);
      ttlsSeconds.push(rr.ttl ?? 0);
    }
    return { addresses, ttlMs: addresses.length === 0 ? 0 : Math.min(...ttlsSeconds) * 1000 };
  }

  /** One question until a NOERROR answer (returned), an error rcode (thrown) or the last timeout. */
  private async exchange(name: string, type: RecordType): Promise<DecodedPacket> {
    const id = this.allocateId();
    const waiter: Waiter = { name, type, deliver: null };
    this.waiters.set(id, waiter);
    try {
      const query = this.encodeQuery(id, name, type);
      let overTcp = false;
      let lastCause: unknown;
      for (let attempt = 0; attempt <= this.retries; attempt++) {
        let reply: DecodedPacket | null = null;
        if (!overTcp) {
          reply = await this.udpAttempt(waiter, query);
          if (this.closed) throw this.closedError(name);
          if (reply === null) continue;
          if (reply.flag_tc) {
            this.count.truncated++;
            overTcp = true;
          }
        }
        if (overTcp) {
          try {
            reply = await this.tcpAttempt(id, waiter, query);
          } catch (error) {
            if (this.closed) throw this.closedError(name);
            lastCause = error;
            continue;
          }
        }
        return checkRcode(reply!, name);
      }
      throw new DnsError(
        "TIMEOUT",
        name,
        `no answer for ${name} ${type} from ${this.host}:${this.port} in ${this.retries + 1} attempts of ${this.dnsTimeoutMs} ms`,
        { cause: lastCause },
      );
    } finally {
      this.waiters.delete(id);
    }
  }

  private encodeQuery(id: number, name: string, type: RecordType): Buffer {
    const edns: OptAnswer[] =
      this.ednsUdpPayloadBytes === null
        ? []
        : [{ type: "OPT", name: ".", udpPayloadSize: this.ednsUdpPayloadBytes, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }];
    return dnsPacket.encode({
      type: "query",
      id,
      flags: dnsPacket.RECURSION_DESIRED,
      questions: [{ name, type, class: "IN" }],
      additionals: edns,
    });
  }

  private async udpAttempt(waiter: Waiter, query: Buffer): Promise<DecodedPacket | null> {
    const socket = await this.udpSocket();
    if (this.closed) return null;
    return new Promise((resolve) => {
      const deliver = (reply: DecodedPacket | null): void => {
        clearTimeout(timer);
        waiter.deliver = null;
        resolve(reply);
      };
      // Judged after the socket reads a late loop has pending: a reply already here is a reply.
      const timer = setAnswerDeadline(() => {
        if (waiter.deliver !== deliver) return;
        waiter.deliver = null;
        this.count.timeouts++;
        resolve(null);
      }, this.dnsTimeoutMs);
      waiter.deliver = deliver;
      this.count.udpQueries++;
      socket.send(query, this.port, this.host, () => undefined); // a failed send is a lost packet: the timer decides
    });
  }

  private async tcpAttempt(id: number, waiter: Waiter, query: Buffer): Promise<DecodedPacket> {
    this.count.tcpQueries++;
    let bytes: Buffer;
    try {
      bytes = await tcpExchange(this.host, this.port, query, this.dnsTimeoutMs, this.abort.signal);
    } catch (error) {
      if ((error as { reason?: string }).reason === "timeout") this.count.timeouts++;
      throw error;
    }
    const reply = dnsPacket.decode(bytes);
    if (reply.id !== id || !answersQuestion(reply, waiter)) throw new Error(`TCP reply from ${this.host}:${this.port} does not answer the question`);
    return reply;
  }

  private onDatagram(message: Buffer, peer: dgram.RemoteInfo): void {
    if (peer.address !== this.host || peer.port !== this.port) return; // only the server we asked
    const header = readHeader(message);
    if (header === null || !header.qr || !countsFit(header, message.length)) return;
    const waiter = this.waiters.get(header.id);
    if (waiter?.deliver == null) return; // late answer to an attempt that gave up, or a stranger
    let reply: DecodedPacket;
    try {
      reply = dnsPacket.decode(message);
    } catch {
      return; // garbage with a matching id: keep waiting for the real answer
    }
    if (answersQuestion(reply, waiter)) waiter.deliver(reply);
  }

  private udpSocket(): Promise<dgram.Socket> {
    this.socket ??= new Promise<dgram.Socket>((resolve, reject) => {
      const socket = dgram.createSocket({ type: "udp4" });
      socket.once("error", reject);
      socket.bind({ address: this.localAddress, port: 0 }, () => {
        socket.off("error", reject);
        if (this.receiveBufferBytes !== null) enlargeReceiveBuffer(socket, this.receiveBufferBytes);
        socket.on("error", () => undefined); // ICMP errors and failed sends: the timers handle loss
        socket.on("message", (message, peer) => this.onDatagram(message, peer));
        socket.unref(); // an idle resolver does not keep the process alive; pending timers do
        resolve(socket);
      });
    }).catch((error: unknown) => {
      this.socket = null;
      throw error;
    });
    return this.socket;
  }

  /** A random id no question in flight uses. */
  private allocateId(): number {
    for (let draw = 0; draw < ID_DRAWS; draw++) {
      const id = Math.floor(this.rng() * 0x10000) & 0xffff;
      if (!this.waiters.has(id)) return id;
    }
    // The rng keeps hitting busy ids (a constant rng, or nearly 65,536 questions in flight).
    for (let id = 0; id <= 0xffff; id++) if (!this.waiters.has(id)) return id;
    throw new Error("65,536 DNS questions in flight: no message id left");
  }

  private closedError(name: string): DnsError {
    return new DnsError("CLOSED", name, "the resolver was closed");
  }
}

/** The reply is about our question; a bare header is accepted for error rcodes (FORMERR, NOTIMP). */
function answersQuestion(reply: DecodedPacket, waiter: Waiter): boolean {
  if (reply.type !== "response") return false;
  const questions = reply.questions ?? [];
  if (questions.length === 0) return ((reply.flags ?? 0) & 0xf) !== Rcode.NOERROR;
  return questions.length === 1 && normaliseName(questions[0].name) === waiter.name && questions[0].type === waiter.type;
}

function checkRcode(reply: DecodedPacket, name: string): DecodedPacket {
  const rcode = (reply.flags ?? 0) & 0xf;
  switch (rcode) {
    case Rcode.NOERROR:
      return reply;
    case Rcode.NXDOMAIN:
      throw new DnsError("NXDOMAIN", name, `${name} does not exist`);
    case Rcode.REFUSED:
      throw new DnsError("REFUSED", name, `the server refused to answer for ${name}`);
    case Rcode.FORMERR:
      throw new DnsError("FORMERR", name, `the server could not read the question for ${name}`);
    default:
      throw new DnsError("SERVFAIL", name, `the server failed to answer for ${name} (rcode ${rcode})`);
  }
}

function wholeNumber(value: number, min: number, max: number, what: string): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${what} must be a whole number from ${min} to ${max}, got ${value}`);
  return value;
}
