// One simulated KMS host as a real TCP listener (realtime mode): kmssim's own frames
// (docs/protocol.md, never Microsoft's RPC) in, the core's KmsHostLogic deciding, the
// host's `concurrency` servers and FIFO queue in real time, and the scenario's faults
// done for real: a crashed host has no listener, a hung one reads and never answers.
//
// The fault states and their transitions are the core's HostLifecycle, the counting its
// HostBooks, as in the virtual engine's SimHost; this shell carries out the lifecycle's
// actions on sockets. A request is decided and counted when it arrives (its CMID counts even if a crash
// then loses the answer), and then waits for a server. `refused` is not counted here:
// a crashed host has no listener, so nothing on this side sees the refused connection;
// the clients count ECONNREFUSED per host.
//
// Connections: any number of requests per connection, answered in the order they
// finish (the request id pairs them up). A client may half-close after sending; its
// answers still come and the host then ends the connection. A connection reset before
// its answer is ready is a client that gave up: the answer counts as `late`. (A client
// that gives up should reset, socket.resetAndDestroy(): a plain close reads as a
// half-close here, so the host answers into the void and cannot count it.)
//
// Limits (connection-limits.ts): an idle connection is closed after idleTimeoutMs (one
// sweep per host, up to a quarter period late); a connection with maxQueuedPerConnection
// requests in the queue, or answers it does not read, is not read further until that
// clears (frames already received wait in its decoder); at maxConnections a newcomer
// evicts the connection idle the longest, or is reset when every connection is waiting
// for an answer.
//
// Bad bytes (a ProtocolError, or a frame that is not a request): counted in `badFrames`,
// answered with a Reject frame naming the reason, and that connection is closed; the
// host goes on serving the others.

import type { HostSelfCount } from "../../results/host-report.js";
import net from "node:net";
import { performance } from "node:perf_hooks";
import { HostBooks } from "../../core/host/host-books.js";
import { hostProductTotals } from "../../core/host/product-report.js";
import { HostLifecycle, type HostLifeAction, type HostLifeEvent, type HostLifeState } from "../../core/host/host-lifecycle.js";
import type { ActivationAnswer, ActivationRequest, HostCounters, KmsHostLogic } from "../../core/host/host-logic.js";
import { newActivationAnswer } from "../../core/host/host-logic.js";
import { LicenseStatus } from "../../core/license.js";
import {
  cmidKey,
  encodeReject,
  encodeResponse,
  FrameDecoder,
  MessageType,
  ProtocolError,
  RESPONSE_FRAME_BYTES,
  type DecodedFrame,
  type ResponseMessage,
} from "../../core/protocol/index.js";
import { checkConnectionLimits, DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from "./connection-limits.js";
import { TimedServiceQueue } from "./timed-service-queue.js";

export type RequestKind = "activation" | "renewal";

/** `stopped` before start() and after stop(); the others as in the virtual engine's SimHost. */
export type HostServerState = HostLifeState;

export interface KmsHostServerOptions {
  /** Endpoint index: the host id in every answer (u16) and the first argument of onServed. */
  hostIndex: number;
  /** For messages and snapshots; default `host-<index>`. */
  name?: string;
  /** Listening address; default 127.0.0.1. */
  address?: string;
  /** 0 (default) = an ephemeral port, kept across crash and recover. */
  port?: number;
  logic: KmsHostLogic;
  /** Requests served at once; more wait first come first served. */
  concurrency: number;
  /** Mean service time in real ms (exponential); 0 = answered at once. */
  serviceTimeMs: number;
  /** The host's clock in simulated ms (the realtime driver's compressed clock). */
  simNow: () => number;
  /** Uniform in [0, 1), for service times. */
  rng: () => number;
  /** The run's CMID prefix: ids carrying it are counted by client index, as in virtual mode. */
  cmidPrefix?: Uint8Array;
  /** Real clock in ms; default performance.now. */
  wallNow?: () => number;
  /** listen() backlog; default 4096 (the kernel caps it at net.core.somaxconn). */
  backlog?: number;
  /** Called after each answer is written; `residenceMs`: real ms from its arrival (queue wait and service). */
  onServed?: (hostIndex: number, kind: RequestKind, status: number, residenceMs: number) => void;
  /** Idle timeout, per-connection queue and connection cap; defaults in connection-limits.ts. */
  limits?: Partial<ConnectionLimits>;
}

/** Plain numbers, safe to postMessage. */
export interface HostServerCounters {
  requests: number;
  activations: number;
  renewals: number;
  /** Requests that arrived while the host was hung: read, never answered. */
  unanswered: number;
  /** Requests queued or in service when the host crashed, hung or was decommissioned. */
  lost: number;
  /** Answers ready after the client had closed its connection (it gave up). */
  late: number;
  /** Frames the decoder rejected (ProtocolError), or a non-request frame. */
  badFrames: number;
  /** Connections accepted. */
  connections: number;
  /** Connections reset by a crash before their request was read (refused, to the client). */
  resetUnread: number;
  /**
   * Requests read and then cut off unanswered when the host closed or reset their
   * connection (crash, decommission, idle close): their clients saw a reset or a close,
   * and the host already counted each as lost or unanswered, so none of them is refused.
   */
  resetAfterRead: number;
  /** Connections closed after idleTimeoutMs with nothing pending and nothing received. */
  idleClosed: number;
  /** Idle connections destroyed to make room for a newcomer at maxConnections. */
  evicted: number;
  /** Newcomers reset at maxConnections because every open connection awaited an answer. */
  overCap: number;
}

export interface HostServerSnapshot extends HostServerCounters {
  name: string;
  state: HostServerState;
  address: string;
  port: number;
  /** The host logic's `slmgr /dlv`-like counters. */
  dlv: HostCounters;
  /** Current count per served product at simNow(). */
  count: Record<string, number>;
}

interface Connection {
  readonly socket: HostSocket;
  readonly host: KmsHostServer;
  readonly decoder: FrameDecoder;
  /** This connection's requests in service or waiting. */
  pending: number;
  /** The client half-closed: end the connection once its answers are written. */
  peerEnded: boolean;
  /** Closed or closing: answers for it are not written. */
  closed: boolean;
  /** The host closed it over a bad frame (its pending answers count as lost, not late). */
  rejected: boolean;
  /** Request frames read on this connection. */
  framesRead: number;
  /** Hung host saw a bad frame: the rest of the stream is read and ignored. */
  ignoring: boolean;
  /** Requests a hung host read and holds unanswered: the client still waits, so not idle. */
  held: number;
  /** Requests read and not answered (queued, lost at a hang, held): their clients may still wait. */
  owed: number;
  /** Reading stopped: too many requests queued or answers unread (backpressure). */
  paused: boolean;
  /** performance.now() when bytes last came in or an answer went out. */
  lastActiveMs: number;
}

/** The connection a socket carries, for the listeners (shared by every connection: no closures per connection). */
const CONNECTION = Symbol("kmssim.hostConnection");
type HostSocket = net.Socket & { [CONNECTION]: Connection };

function ignoreSocketError(): void {}

interface Job {
  conn: Connection;
  requestId: number;
  renewal: boolean;
  status: number;
  count: number;
  activationIntervalMs: number;
  renewalIntervalMs: number;
  /** Wall ms when the request was read. */
  arrivedMs: number;
}

const DEFAULT_BACKLOG = 4096;

export class KmsHostServer implements HostServerCounters {
  readonly hostIndex: number;
  readonly name: string;
  readonly address: string;
  readonly logic: KmsHostLogic;
  readonly concurrency: number;
  readonly lifecycle: HostLifecycle;
  readonly books: HostBooks;

  resetUnread = 0;
  resetAfterRead = 0;
  badFrames = 0;
  connections = 0;
  idleClosed = 0;
  evicted = 0;
  overCap = 0;
  readonly limits: ConnectionLimits;

  private boundPort: number;
  private readonly backlog: number;
  private readonly simNow: () => number;
  private readonly cmidPrefix: Uint8Array | undefined;
  private readonly onServed: KmsHostServerOptions["onServed"];
  private readonly server: net.Server;
  // In order of last activity (bytes in, answer out), least recent first: eviction's order.
  /** Open connections, least recently active first (touch moves one to the end). */
  private readonly open = new Set<Connection>();
  /** Closes idle connections: one timer per host, not one per socket (thousands are open when a run is busy). */
  private idleSweep: NodeJS.Timeout | null = null;
  private readonly queue: TimedServiceQueue<Job>;
  private readonly wallNowMs: () => number;
  /** When start() was called (wall ms): the host's utilization counts from there. */
  private startedWallMs: number | null = null;
  // Listen and close run one after another, in the order the faults asked for them.
  private listenerOps: Promise<void> = Promise.resolve();
  // Reused per request (handle() and the encoder copy what they need).
  private readonly request: ActivationRequest = { cmid: 0, product: 0, clientTimeMs: 0, renewal: false, status: LicenseStatus.InitialGrace };
  private readonly answer: ActivationAnswer = newActivationAnswer();
  private readonly response: ResponseMessage = { requestId: 0, status: 0, hostId: 0, count: 0, activationIntervalMs: 1, renewalIntervalMs: 1 };

  constructor(options: KmsHostServerOptions) {
    if (!Number.isInteger(options.hostIndex) || options.hostIndex < 0 || options.hostIndex > 0xffff) {
      throw new RangeError(`KmsHostServer: hostIndex must be an integer 0..65535, got ${options.hostIndex}`);
    }
    const port = options.port ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 0xffff) throw new RangeError(`KmsHostServer: port must be 0..65535, got ${port}`);
    this.hostIndex = options.hostIndex;
    this.name = options.name ?? `host-${options.hostIndex}`;
    this.address = options.address ?? "127.0.0.1";
    this.boundPort = port;
    this.backlog = options.backlog ?? DEFAULT_BACKLOG;
    this.logic = options.logic;
    this.books = new HostBooks(this.logic.catalog.length);
    this.concurrency = options.concurrency;
    this.lifecycle = new HostLifecycle(options.serviceTimeMs, "stopped");
    this.simNow = options.simNow;
    this.cmidPrefix = options.cmidPrefix;
    this.onServed = options.onServed;
    this.limits = { ...DEFAULT_CONNECTION_LIMITS, ...options.limits };
    checkConnectionLimits(this.limits);
    this.response.hostId = options.hostIndex;
    this.wallNowMs = options.wallNow ?? (() => performance.now());
    this.queue = new TimedServiceQueue<Job>({
      concurrency: options.concurrency,
      serviceTimeMs: options.serviceTimeMs,
      rng: options.rng,
      wallNowMs: this.wallNowMs,
      onDone: (job) => this.answerJob(job),
    });
    this.server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.onConnection(socket));
    // Listen failures reach listen()'s caller; anything later (accept errors such as
    // EMFILE) must not take the process down: the host just misses that connection.
    this.server.on("error", () => {});
  }

  get state(): HostServerState {
    return this.lifecycle.state;
  }

  /** Service time the host returns to on recover(). */
  get baseServiceTimeMs(): number {
    return this.lifecycle.baseServiceTimeMs;
  }

  get requests(): number {
    return this.books.requests;
  }

  get activations(): number {
    return this.books.activations;
  }

  get renewals(): number {
    return this.books.renewals;
  }

  get unanswered(): number {
    return this.books.unanswered;
  }

  get lost(): number {
    return this.books.lost;
  }

  get late(): number {
    return this.books.late;
  }

  /** The bound port once started (the requested one before). */
  get port(): number {
    return this.boundPort;
  }

  get serviceTimeMs(): number {
    return this.queue.serviceTimeMs;
  }

  get inService(): number {
    return this.queue.inService;
  }

  get waiting(): number {
    return this.queue.waiting;
  }

  get openConnections(): number {
    return this.open.size;
  }

  /** Connections not being read (backpressure); for tests and diagnostics. */
  get pausedConnections(): number {
    let n = 0;
    for (const conn of this.open) if (conn.paused) n++;
    return n;
  }

  /** Starts listening; resolves with where. Port 0 binds an ephemeral port, kept from then on. */
  async start(): Promise<{ address: string; port: number }> {
    if (!this.lifecycle.allows("start")) throw new Error(`KmsHostServer ${this.name}: start() while ${this.state}`);
    this.startedWallMs = this.wallNowMs();
    await this.feed({ kind: "start" });
    return { address: this.address, port: this.boundPort };
  }

  /** Listener closed, open connections reset, queued and in-service requests lost. */
  crash(): Promise<void> {
    return this.feed({ kind: "crash" });
  }

  /** Keeps accepting and reading, never answers; queued and in-service requests are lost. */
  hang(): Promise<void> {
    return this.feed({ kind: "hang" });
  }

  /** Service time (mean, real ms) until recover(); null: 10 × the host's own. */
  slow(serviceTimeMs: number | null): Promise<void> {
    return this.feed({ kind: "slow", serviceTimeMs });
  }

  /** Back to normal service: listening again on the same address and port after a crash. */
  recover(): Promise<void> {
    return this.feed({ kind: "recover" });
  }

  /** Crashed for good: recover() does nothing from now on. */
  decommission(): Promise<void> {
    return this.feed({ kind: "decommission" });
  }

  /** Closes the listener and every connection and drops all work (not counted as lost). */
  stop(): Promise<void> {
    if (this.idleSweep !== null) clearInterval(this.idleSweep);
    this.idleSweep = null;
    return this.feed({ kind: "stop" });
  }

  /**
   * Feeds one event to the lifecycle and carries out its actions in order. The state
   * changes at once; the listener work (close, listen) is the promise.
   */
  feed(event: HostLifeEvent): Promise<void> {
    let listener = this.listenerOps;
    for (const action of this.lifecycle.apply(event)) listener = this.carryOut(action) ?? listener;
    return listener;
  }

  private carryOut(action: HostLifeAction): Promise<void> | null {
    switch (action.kind) {
      case "fail-pending":
        this.books.lose(this.dropWork());
        // Connections about to be reset whose request was never read: refused, to their clients.
        if (action.clientSees === "reset") this.countUnread();
        return null;
      case "discard-pending":
        this.books.discard(this.dropWork());
        return null;
      case "close-connections":
        this.closeAll(action.reset);
        return null;
      case "close-listener":
        return this.closeListener();
      case "listen":
        return this.relisten();
      case "resume-reading":
        for (const conn of this.open) this.updateFlow(conn);
        return null;
      case "release-held":
        for (const conn of this.open) conn.held = 0;
        // A hung host may hold connections whose clients half-closed and gave up waiting.
        for (const conn of this.open) if (conn.peerEnded && conn.pending === 0 && !conn.paused) this.endConnection(conn);
        return null;
      case "set-service-time":
        this.queue.serviceTimeMs = action.serviceTimeMs;
        return null;
    }
  }

  counters(): HostServerCounters {
    const { requests, activations, renewals, unanswered, lost, late, badFrames, connections, resetUnread, resetAfterRead, idleClosed, evicted, overCap } = this;
    return { requests, activations, renewals, unanswered, lost, late, badFrames, connections, resetUnread, resetAfterRead, idleClosed, evicted, overCap };
  }

  /**
   * The host as it counts itself, for a run's result and `kmssim host --out`: a host that
   * was never started or was stopped at the end reads "up"; `lowCountAtMs` is when the
   * low-count alert is judged (the run's end).
   */
  selfCount(lowCountAtMs: number): HostSelfCount {
    const snap = this.snapshot();
    return {
      name: snap.name,
      requests: snap.requests,
      activations: snap.activations,
      renewals: snap.renewals,
      unanswered: snap.unanswered,
      lost: snap.lost,
      late: snap.late,
      dlv: snap.dlv,
      count: snap.count,
      lowCount: this.logic.lowCountProducts(lowCountAtMs),
      products: hostProductTotals(this.logic, this.books.byProduct, lowCountAtMs),
      state: this.lifecycle.reportedState,
      ...this.load(),
    };
  }

  /** Products below their activation threshold at simulated `atMs` (a timeline sample's Low Activation Count poll). */
  lowCountProducts(atMs: number): string[] {
    return this.logic.lowCountProducts(atMs);
  }

  /** Busy servers over concurrency since start() (wall time), and the longest queue. */
  private load(): { utilization: number; peakQueued: number } {
    const upMs = this.startedWallMs === null ? 0 : this.wallNowMs() - this.startedWallMs;
    const utilization = upMs > 0 ? Math.min(1, this.queue.busyMs() / (this.concurrency * upMs)) : 0;
    return { utilization: Number(utilization.toPrecision(6)), peakQueued: this.queue.peakWaiting };
  }

  snapshot(): HostServerSnapshot {
    return {
      name: this.name,
      state: this.state,
      address: this.address,
      port: this.boundPort,
      ...this.counters(),
      dlv: { ...this.books.dlv },
      count: this.logic.counts(this.simNow()),
    };
  }

  private onConnection(socket: net.Socket): void {
    if (!this.lifecycle.acceptsConnections) {
      // Accepted in the same turn as a crash: the listener is already on its way out.
      socket.resetAndDestroy();
      return;
    }
    if (this.open.size >= this.limits.maxConnections && !this.evictIdlest()) {
      this.overCap++;
      socket.resetAndDestroy();
      return;
    }
    this.connections++;
    const conn: Connection = {
      socket: socket as HostSocket,
      host: this,
      decoder: new FrameDecoder(),
      pending: 0,
      peerEnded: false,
      closed: false,
      rejected: false,
      ignoring: false,
      framesRead: 0,
      held: 0,
      owed: 0,
      paused: false,
      lastActiveMs: performance.now(),
    };
    conn.socket[CONNECTION] = conn;
    this.open.add(conn);
    this.idleSweep ??= setInterval(() => this.closeIdle(), Math.max(10, this.limits.idleTimeoutMs / 4)).unref();
    socket.on("data", KmsHostServer.onSocketData);
    socket.on("end", KmsHostServer.onSocketEnd);
    socket.on("drain", KmsHostServer.onSocketDrain);
    // Resets by clients are normal (a client that timed out); 'close' follows.
    socket.on("error", ignoreSocketError);
    socket.on("close", KmsHostServer.onSocketClose);
  }

  // The listeners every connection shares; `this` is the socket.
  private static onSocketData(this: HostSocket, chunk: Buffer): void {
    const conn = this[CONNECTION];
    conn.host.onData(conn, chunk);
  }

  private static onSocketEnd(this: HostSocket): void {
    const conn = this[CONNECTION];
    conn.host.onPeerEnd(conn);
  }

  private static onSocketDrain(this: HostSocket): void {
    const conn = this[CONNECTION];
    conn.host.updateFlow(conn);
  }

  private static onSocketClose(this: HostSocket): void {
    const conn = this[CONNECTION];
    conn.closed = true;
    conn.host.open.delete(conn);
  }

  /** Nothing pending for the peer: no request in the queue, none held by a hung host. */
  private isIdle(conn: Connection): boolean {
    return conn.pending === 0 && conn.held === 0;
  }

  /**
   * Closes the connections quiet (no bytes in, no answer out) for idleTimeoutMs, within a
   * quarter period late. One owed an answer, or held by a hung host, is looked at again
   * after another period.
   */
  private closeIdle(): void {
    const quietSinceMs = performance.now() - this.limits.idleTimeoutMs;
    for (const conn of this.open) {
      // Least recently active first: the rest are more recent still (a touched one too).
      if (conn.lastActiveMs > quietSinceMs) break;
      if (this.isIdle(conn)) {
        this.idleClosed++;
        this.dropConnection(conn);
      } else this.touch(conn);
    }
  }

  /** Destroys the idle connection least recently active; false when none is idle. */
  private evictIdlest(): boolean {
    for (const conn of this.open) {
      if (!this.isIdle(conn)) continue;
      this.evicted++;
      this.dropConnection(conn);
      return true;
    }
    return false;
  }

  private dropConnection(conn: Connection): void {
    this.cutOff(conn);
    conn.closed = true;
    this.open.delete(conn);
    conn.socket.destroy();
  }

  /** Moves `conn` to the most recently active end of `open`. */
  private touch(conn: Connection): void {
    if (conn.closed) return;
    conn.lastActiveMs = performance.now();
    this.open.delete(conn);
    this.open.add(conn);
  }

  private onData(conn: Connection, chunk: Buffer): void {
    if (conn.closed || conn.ignoring) return;
    this.touch(conn);
    try {
      conn.decoder.push(chunk);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      this.onBadFrame(conn, err);
      return;
    }
    this.readFrames(conn);
  }

  /** Takes frames from the decoder until it is empty or the connection must pause. */
  private readFrames(conn: Connection): void {
    try {
      while (!this.mustPause(conn)) {
        const frame = conn.decoder.next();
        if (frame === null) break;
        this.onFrame(conn, frame);
        // A fault raised from onServed may have closed it meanwhile.
        if (conn.closed || conn.ignoring) return;
      }
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      this.onBadFrame(conn, err);
      return;
    }
    this.updateFlow(conn);
  }

  private mustPause(conn: Connection): boolean {
    return conn.pending >= this.limits.maxQueuedPerConnection || conn.socket.writableNeedDrain;
  }

  /** Pauses reading `conn` while it must, resumes (frames held in its decoder first) once it may. */
  private updateFlow(conn: Connection): void {
    if (conn.closed) return;
    if (this.mustPause(conn)) {
      if (!conn.paused) {
        conn.paused = true;
        conn.socket.pause();
      }
      return;
    }
    if (!conn.paused) return;
    conn.paused = false;
    // Frames received before the pause go first; the socket flows again only if they fit.
    this.readFrames(conn);
    if (conn.paused || conn.closed) return;
    if (conn.peerEnded) this.finishPeerEnd(conn);
    else conn.socket.resume();
  }

  private onPeerEnd(conn: Connection): void {
    conn.peerEnded = true;
    if (conn.closed || conn.ignoring) return;
    // Frames held back by a pause go first ('end' may come while paused); updateFlow finishes.
    if (conn.paused) return;
    this.finishPeerEnd(conn);
  }

  private finishPeerEnd(conn: Connection): void {
    try {
      // Bytes of an unfinished frame left: SHORT_FRAME.
      conn.decoder.end();
      conn.decoder.next();
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      this.onBadFrame(conn, err);
      return;
    }
    if (conn.pending === 0 && this.lifecycle.serving) this.endConnection(conn);
  }

  private onFrame(conn: Connection, frame: DecodedFrame): void {
    conn.framesRead++;
    if (frame.type !== MessageType.ActivationRequest) {
      const what = frame.type === MessageType.ActivationResponse ? "a response" : "a reject";
      throw new ProtocolError("UNKNOWN_TYPE", `a host takes activation requests, got ${what}`, frame.requestId);
    }
    const admission = this.lifecycle.admission;
    this.books.arrive(admission, frame.renewal);
    conn.owed++;
    if (admission === "hold") {
      conn.held++;
      return;
    }
    const req = this.request;
    req.cmid = cmidKey(frame.cmid, this.cmidPrefix);
    req.product = frame.product;
    req.clientTimeMs = frame.clientTimeMs;
    req.renewal = frame.renewal;
    req.status = frame.status;
    const a = this.logic.handle(req, this.simNow(), this.answer);
    this.books.decided(req.status, a.status, req.product);
    conn.pending++;
    this.queue.submit({
      conn,
      requestId: frame.requestId,
      renewal: frame.renewal,
      status: a.status,
      count: a.count,
      activationIntervalMs: a.activationIntervalMs,
      renewalIntervalMs: a.renewalIntervalMs,
      arrivedMs: this.wallNowMs(),
    });
  }

  private onBadFrame(conn: Connection, err: ProtocolError): void {
    this.badFrames++;
    if (!this.lifecycle.serving) {
      // A hung host does nothing, not even close: it just stops making sense of the stream.
      conn.ignoring = true;
      return;
    }
    conn.closed = true;
    conn.rejected = true;
    // Tell the peer why, then close; best effort (a peer still sending may get a reset first).
    const reject = encodeReject({ requestId: err.requestId ?? 0, reason: err.code });
    conn.socket.end(reject, () => conn.socket.destroy());
  }

  private answerJob(job: Job): void {
    const conn = job.conn;
    conn.pending--;
    if (conn.closed) {
      if (conn.rejected) this.books.lose();
      else this.books.answerLate();
      return;
    }
    this.books.answer();
    conn.owed--;
    const r = this.response;
    r.requestId = job.requestId;
    r.status = job.status;
    r.count = job.count;
    r.activationIntervalMs = job.activationIntervalMs;
    r.renewalIntervalMs = job.renewalIntervalMs;
    // Into a slice of Node's buffer pool: a fresh Uint8Array would need its own ArrayBuffer.
    conn.socket.write(encodeResponse(r, Buffer.allocUnsafe(RESPONSE_FRAME_BYTES)));
    this.touch(conn);
    if (conn.peerEnded && conn.pending === 0 && !conn.paused) this.endConnection(conn);
    else this.updateFlow(conn);
    this.onServed?.(this.hostIndex, job.renewal ? "renewal" : "activation", job.status, this.wallNowMs() - job.arrivedMs);
  }

  /** Empties the service queue; returns how many requests it held. */
  private dropWork(): number {
    const dropped = this.queue.clear();
    for (const job of dropped) job.conn.pending--;
    return dropped.length;
  }

  private endConnection(conn: Connection): void {
    this.cutOff(conn);
    conn.closed = true;
    conn.socket.end();
  }

  /**
   * Connections accepted whose request was not read yet when the host went down: to
   * their clients this is a refused connection, and no other counter sees them.
   */
  private countUnread(): void {
    for (const conn of this.open) if (conn.framesRead === 0 && !conn.closed) this.resetUnread++;
  }

  /**
   * The host closes `conn` (not yet closed): requests it read there and never answered end
   * for their clients in a reset or close, not the timeout they would otherwise wait out.
   */
  private cutOff(conn: Connection): void {
    if (!conn.closed) this.resetAfterRead += conn.owed;
  }

  /** Every open connection: reset (a crash: clients see ECONNRESET) or just destroyed. */
  private closeAll(reset: boolean): void {
    for (const conn of this.open) {
      this.cutOff(conn);
      conn.closed = true;
      if (reset) conn.socket.resetAndDestroy();
      else conn.socket.destroy();
    }
    this.open.clear();
  }

  private relisten(): Promise<void> {
    return this.chain(
      () =>
        new Promise<void>((resolve, reject) => {
          if (this.server.listening || !this.lifecycle.acceptsConnections) {
            resolve();
            return;
          }
          const onError = (err: Error): void => {
            this.server.off("listening", onListening);
            void this.feed({ kind: "listen-failed" });
            reject(err);
          };
          const onListening = (): void => {
            this.server.off("error", onError);
            this.boundPort = (this.server.address() as net.AddressInfo).port;
            resolve();
          };
          this.server.once("error", onError);
          this.server.once("listening", onListening);
          this.server.listen({ host: this.address, port: this.boundPort, backlog: this.backlog, exclusive: true });
        }),
    );
  }

  private closeListener(): Promise<void> {
    return this.chain(
      () =>
        new Promise<void>((resolve) => {
          if (!this.server.listening) {
            resolve();
            return;
          }
          // Connections were destroyed just before, so the callback does not wait on them.
          this.server.close(() => resolve());
        }),
    );
  }

  private chain(op: () => Promise<void>): Promise<void> {
    const next = this.listenerOps.then(op);
    this.listenerOps = next.catch(() => {});
    return next;
  }
}
