// Realtime driver of one slice of the fleet: the same core client machine as the
// virtual engine, driven by a compressed wall clock, a real resolver and real TCP
// requests. Timers wait in an event queue keyed by simulated time; one setTimeout
// wakes the pump for the earliest. Latency runs from when a request was due on the
// wall clock, so a late event loop shows up in the numbers (no coordinated omission).

import { isDnsError } from "../../dns/dns-error.js";
import { ActionKind, ClientAction } from "../../core/client/client-action.js";
import { ClientFleet, type AnswerBook, type RpcAnswerView } from "../../core/client/client-fleet.js";
import { Phase } from "../../core/client/transitions.js";
import { Code } from "../../core/errors.js";
import { cmidFromIndex } from "../../core/protocol/cmid.js";
import type { RequestMessage, ResponseMessage } from "../../core/protocol/frame.js";
import { deriveSeed, Mulberry32 } from "../../core/rng.js";
import type { SrvCandidate } from "../../core/selection/srv-candidate.js";
import { forEachClientStrided, hostAnswerIntervals, sampleTimes, type FleetPlan } from "../../fleet-plan/fleet-plan.js";
import { ClientTally } from "../../results/client-tally.js";
import type { OutcomeStats } from "../../results/outcome-stats.js";
import type { GroupTally } from "../../results/group-tally.js";
import { EventQueue } from "../../queue/event-queue.js";
import { ExpectedShareLedger } from "../../results/expected-share-ledger.js";
import { CompressedClock, type ClockTimer } from "../compressed-clock.js";
import { LOCAL_ERRNO, RpcCallError, type RpcDone, type RpcTarget } from "../client/rpc-call.js";
import { LiveRpcCounts, type LiveRpcWire } from "../live-metrics/live-rpc-counts.js";
import { LatencyRecorder } from "../../results/latency-recorder.js";
import { IntervalTally, type IntervalTallyWire } from "../../results/interval-tally.js";
import { LagWindow } from "../../core/pacing/lag-window.js";
import { SendWindow } from "../../core/pacing/send-window.js";
import { connectRule, NotLoopbackError } from "./address-guard.js";

export interface SrvLookup {
  records: readonly { target: string; port: number; priority: number; weight: number }[];
  /** Address records of the targets, by target name. */
  addresses: ReadonlyMap<string, string>;
}

export interface DnsPort {
  resolveSrv(domain: string): Promise<SrvLookup>;
}

export interface RpcPort {
  /** Sends one request; `done` is called once, later (never before call returns). A callback, not a promise: one fewer allocation chain per request. */
  call(target: RpcTarget, request: RequestMessage, timeoutMs: number, localAddress: string | undefined, done: RpcDone): void;
}

/**
 * Clients connect from 127.0.0.2 … 127.0.0.33 in turn: every source address has its own
 * ~28,000 ephemeral ports per host, so 100,000 concurrent clients do not run out.
 */
const SOURCE_ADDRESSES = 32;
/** Made once: a request would otherwise build its source address string each time. */
const SOURCE_ADDRESS_TEXT = Array.from({ length: SOURCE_ADDRESSES }, (_, k) => `127.0.0.${2 + k}`);
export function sourceAddressOf(globalIndex: number): string {
  return SOURCE_ADDRESS_TEXT[globalIndex % SOURCE_ADDRESSES];
}

export interface FleetDriverOptions {
  plan: FleetPlan;
  /**
   * This driver's clients: global indexes first, first + stride, … (`count` of them).
   * Stride 1 (the default) is the contiguous range [first, first + count); a shard's
   * slice strides by the shard count (core/shard deals clients out round-robin).
   */
  first: number;
  count: number;
  stride?: number;
  /** Non-loopback IPv4 addresses clients may connect to (--allow-address); loopback always. */
  allowAddress?: readonly string[];
  clock: CompressedClock;
  dns: DnsPort;
  rpc: RpcPort;
  /** Where each endpoint listens (pinned clients use it; DNS answers may override). */
  endpoints: readonly (RpcTarget | null)[];
  cmidPrefix: Uint8Array;
  /** Young open requests and queries past which due steps wait (core/pacing/send-window); default SEND_WINDOW. */
  sendWindow?: number;
  /** How long an open request holds its place in the window; default SEND_WINDOW_YOUNG_MS. */
  sendWindowYoungMs?: number;
}

/** Running counts for the live status line. */
export interface SliceProgress {
  activated: number;
  licensed: number;
  sent: number;
  failed: number;
  p99Ms: number;
  /** Requests sent per endpoint so far (client side; the timeline of a run whose hosts run elsewhere). */
  sentBy: number[];
  /** Cumulative RPC outcomes and latency buckets for the live metrics (--metrics-port). */
  live: LiveRpcWire;
  /**
   * How far behind this slice is, in wall ms: the p99 send lag of the requests since the
   * last report, or the age of the oldest step still waiting to run, whichever is more.
   */
  lagMs: number;
}

/** Counters a driver hands to the main thread at the end. */
export interface FleetSliceTotals {
  clients: number;
  activatedClients: number;
  byStatus: number[];
  attemptErrors: [number, number][];
  inFlight: number;
  activation: OutcomeStats;
  renewal: OutcomeStats;
  dns: OutcomeStats;
  /** Per client group (index as in the scenario): its clients by LicenseStatus at the end, and its counters. */
  groupStatus: number[][];
  groups: GroupTally[];
  failovers: number;
  rediscoveries: number;
  illegalInputs: number;
  /** Answers received per endpoint (client-side count, to check against the hosts). */
  answeredBy: number[];
  /** Connections refused per endpoint (a crashed host cannot count these itself). */
  refusedBy: number[];
  /** Connections reset or closed before an answer, per endpoint. */
  resetBy: number[];
  /** Requests the client gave up on (RPC timeout), per endpoint: the host may still have answered them. */
  timedOutBy: number[];
  /** Requests the SRV records promised each endpoint. */
  expectedRequests: number[];
  /** Requests sent per endpoint (activations and renewals), and the renewals among them. */
  sentBy: number[];
  renewalsSentBy: number[];
  /** Running totals at each timeline sample time this slice reached, in order: the timeline's per-interval counts. */
  atSamples: SliceAtSample[];
  /** What the clients saw after the last sample time (answers in flight at the end). */
  afterSamples: IntervalTallyWire;
  /**
   * The errno (EMFILE, EADDRNOTAVAIL, …) with which this machine ran out of descriptors or
   * ports: the slice stopped there and reports what it measured until then; null otherwise.
   */
  localLimit: string | null;
  /** When clients first activated (whole simulated seconds): HdrHistogram, encoded. */
  activationTimesHistogram: string;
  /** Send lag (actual send − due) of every request and DNS query: HdrHistogram, encoded. */
  sendLagHistogram: string;
  /** Requests and queries that left more than LATE_SEND_MS after they were due. */
  lateSends: number;
  /** Steps more than LATE_SEND_MS overdue that never left: the end grace ran out, or the slice was stopped. */
  unsentAtEnd: number;
  /** Wall ms (epoch) when the last request or query left; 0 when none did. */
  lastSendWallMs: number;
}

/** A slice's running totals per endpoint at a timeline sample time. */
export interface SliceAtSample {
  /** Requests the SRV records promised so far (the expected-share ledger's). */
  expectedBy: number[];
  sentBy: number[];
  /** What the clients saw since the previous sample time. */
  interval?: IntervalTallyWire;
}

/** A request that leaves this much after it was due is late: the generator, not the host, is slow. */
export const LATE_SEND_MS = 100;

/**
 * Open requests and queries per slice past which due steps wait their turn. Far above what
 * an unsaturated run keeps open (rate × round trip: tens), so it binds only when the
 * generator has fallen behind anyway; then it keeps the slice near its best rate.
 */
export const SEND_WINDOW = 256;
/** A request open longer than this stops holding a place in the window (a hung host's). */
export const SEND_WINDOW_YOUNG_MS = 250;

const NO_HOST = -1;
const END_GRACE_MS = 1000;

export class FleetDriver implements AnswerBook {
  readonly tally: ClientTally;
  /** Outcomes by kind, host and status for the live metrics; allocation-free to record. */
  readonly live: LiveRpcCounts;

  private readonly plan: FleetPlan;
  private readonly fleet: ClientFleet;
  private readonly queue: EventQueue;
  private readonly clock: CompressedClock;
  private readonly action = new ClientAction();
  private readonly rngs: Mulberry32[];
  /** When the client's current step was due: on the wall clock (for latency) and in simulated time. */
  private readonly dueWallMs: Float64Array;
  private readonly dueSimMs: Float64Array;
  private readonly contextOf: Uint16Array;
  /** Answer snapshots by id: a client keeps the answer it cached for its TTL, even when the records change. */
  private readonly answers: SrvCandidate[][];
  /** Domain id → id of the latest answer seen for it. */
  private readonly latestAnswer: number[];
  private readonly targets: (RpcTarget | null)[];
  private readonly answeredBy: number[];
  private readonly refusedBy: number[];
  private readonly resetBy: number[];
  private readonly timedOutBy: number[];
  private readonly sentBy: number[];
  private readonly renewalsSentBy: number[];
  private readonly stride: number;
  private readonly ledger: ExpectedShareLedger;
  /** The loopback rule with this run's --allow-address entries. */
  private readonly mayConnect: (address: string) => boolean;
  private readonly replyView: RpcAnswerView = { status: 0, activationIntervalMs: 0, renewalIntervalMs: 0 };
  private servingMask = 0xffffffff;
  private inFlightOps = 0;
  private nextRequestId = 1;
  private readonly sendLag = new LatencyRecorder();
  private readonly lagWindow = new LagWindow();
  private readonly sendWindow: SendWindow;
  /** The pump stopped because the send window was full: the next close wakes it. */
  private heldByWindow = false;
  private lateSends = 0;
  private unsentAtEnd = 0;
  private lastSendWallMs = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly atSamples: SliceAtSample[] = [];
  /** What the clients saw since the last sample time; posted and reset at each. */
  private readonly interval: IntervalTally;
  private sampleTimer: ClockTimer | null = null;
  private stopped = false;
  private failure: Error | null = null;
  private localLimit: string | null = null;
  private resolveDone: (() => void) | null = null;
  private readonly done: Promise<void>;

  constructor(private readonly options: FleetDriverOptions) {
    const { plan, count } = options;
    this.plan = plan;
    this.tally = new ClientTally(plan.groups.length);
    this.clock = options.clock;
    this.fleet = new ClientFleet(count, plan.groups, this);
    this.queue = new EventQueue(plan.scenario.durationMs);
    this.rngs = [];
    this.dueWallMs = new Float64Array(count);
    this.dueSimMs = new Float64Array(count);
    this.contextOf = new Uint16Array(count);
    this.answers = plan.dns.domains.map((_, domainId) => [...plan.dns.candidatesOf(plan.dns.answerOf(domainId))]);
    this.latestAnswer = plan.dns.domains.map((_, domainId) => domainId);
    this.targets = [...options.endpoints];
    this.answeredBy = plan.dns.endpoints.map(() => 0);
    this.refusedBy = plan.dns.endpoints.map(() => 0);
    this.resetBy = plan.dns.endpoints.map(() => 0);
    this.timedOutBy = plan.dns.endpoints.map(() => 0);
    this.sentBy = plan.dns.endpoints.map(() => 0);
    this.renewalsSentBy = plan.dns.endpoints.map(() => 0);
    this.interval = new IntervalTally(plan.dns.endpoints.length);
    this.stride = options.stride ?? 1;
    this.live = new LiveRpcCounts(plan.dns.endpoints.length);
    this.ledger = new ExpectedShareLedger(plan.contexts, plan.dns.endpoints.length);
    this.mayConnect = connectRule(options.allowAddress ?? []);
    this.sendWindow = new SendWindow(options.sendWindow ?? SEND_WINDOW, options.sendWindowYoungMs ?? SEND_WINDOW_YOUNG_MS);
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    // RNG stream, CMID, source address and boot time follow the global index: a client is
    // the same client however the fleet is cut into shards and slices.
    forEachClientStrided(plan, options.first, this.stride, count, (globalIndex, groupIndex, installedAtMs, renewedAtMs, renewedBy) => {
      const i = (globalIndex - options.first) / this.stride;
      this.rngs.push(new Mulberry32(deriveSeed(plan.scenario.seed, globalIndex)));
      this.contextOf[i] = plan.groupContext[groupIndex];
      this.fleet.install(i, groupIndex, installedAtMs, this.action, renewedAtMs, renewedBy);
      // A client that starts licensed is activated from time 0.
      if (this.action.notes !== 0) this.tally.note(groupIndex, this.action, 0);
      this.queue.push(this.action.atMs, i);
    });
  }

  /** The global fleet index of this driver's i-th client. */
  globalIndex(i: number): number {
    return this.options.first + i * this.stride;
  }

  candidatesOf(answerId: number): readonly SrvCandidate[] {
    return this.answers[answerId];
  }

  /** Starts the pump; resolves when simulated time is over and nothing is in flight. */
  run(): Promise<void> {
    this.snapshotFrom(0, sampleTimes(this.plan.scenario));
    this.pump();
    return this.done.then(() => {
      if (this.failure !== null) throw this.failure;
    });
  }

  /** A bug in handling an answer: stop the slice and fail its run (exit 3 upstream). */
  private fail(err: unknown): void {
    this.failure ??= err instanceof Error ? err : new Error(String(err));
    this.stop();
  }

  /**
   * This machine ran out of descriptors or ports: what the clients would measure from here
   * on is kmssim's own shortage, not the hosts'. Stop and keep what was measured (the
   * request that failed stays in flight); the run reports it incomplete.
   */
  private hitLocalLimit(errno: string): void {
    this.localLimit ??= errno;
    this.stop();
  }

  /** Stops issuing new work (Ctrl-C); what is in flight still finishes or times out. */
  stop(): void {
    if (!this.stopped) this.dropOverdue();
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.maybeDone();
  }

  /**
   * The running totals when simulated time reaches each sample time, one timer at a time
   * (in order): the main thread samples the hosts then, and progress messages lag it.
   */
  private snapshotFrom(k: number, times: readonly number[]): void {
    if (k >= times.length || this.stopped) return;
    this.sampleTimer = this.clock.at(times[k], () => {
      this.atSamples.push({ expectedBy: this.ledger.totalSoFar(this.servingMask), sentBy: [...this.sentBy], interval: this.interval.toWire() });
      this.interval.reset();
      this.snapshotFrom(k + 1, times);
    });
  }

  /** The main thread tells which endpoints serve now (for the expected share). */
  setServingMask(mask: number): void {
    this.ledger.flush(this.servingMask);
    this.servingMask = mask >>> 0;
  }

  /** Cheap running counts for a progress line. */
  progress(): SliceProgress {
    // Before simulated time 0 (--start-at ahead) no client is licensed: validUntil 0 is not in the future.
    const nowMs = Math.max(0, Math.min(this.clock.simNowMs(), this.plan.scenario.durationMs));
    let licensed = 0;
    for (let i = 0; i < this.fleet.size; i++) if (this.fleet.validUntilMs(i) > nowMs) licensed++;
    return {
      activated: this.tally.activatedClients,
      licensed,
      sent: this.tally.activation.sent + this.tally.renewal.sent,
      failed: this.tally.activation.failed + this.tally.renewal.failed,
      // The slower of the two kinds, so far: a live indication, not the merged result.
      p99Ms: Math.max(this.tally.activation.latency.percentileMs(99), this.tally.renewal.latency.percentileMs(99)),
      sentBy: [...this.sentBy],
      live: this.live.toWire(this.tally.dns),
      lagMs: this.takeLagMs(),
    };
  }

  /** The lag of the window since the last call (see SliceProgress.lagMs); starts a new window. */
  private takeLagMs(): number {
    const sentLagMs = this.lagWindow.percentileMs(99);
    this.lagWindow.reset();
    if (this.stopped || this.queue.size === 0) return sentLagMs;
    const dueSim = this.queue.peekTime();
    if (dueSim > Math.min(this.clock.simNowMs(), this.plan.scenario.durationMs)) return sentLagMs;
    return Math.max(sentLagMs, CompressedClock.wallNowMs() - this.clock.wallAtMs(dueSim));
  }

  /**
   * A request or query leaves now for a step due at `dueWallMs`: how late, for the
   * generator's own numbers. Returns its place in the send window.
   */
  private startOp(dueWallMs: number): number {
    const nowWallMs = CompressedClock.wallNowMs();
    const lagMs = nowWallMs - dueWallMs;
    this.sendLag.recordMs(lagMs);
    this.lagWindow.record(lagMs);
    if (lagMs > LATE_SEND_MS) this.lateSends++;
    this.lastSendWallMs = nowWallMs;
    this.inFlightOps++;
    return this.sendWindow.open(nowWallMs);
  }

  /**
   * Sending stops: the steps left in the queue more than LATE_SEND_MS overdue never leave.
   * Counted (the generator's shortfall, late beyond measure), then dropped: nothing runs them now.
   */
  private dropOverdue(): void {
    const overdueSim = Math.min(this.clock.segments.simAtWallMs(CompressedClock.wallNowMs() - LATE_SEND_MS), this.plan.scenario.durationMs);
    while (this.queue.size > 0 && this.queue.peekTime() <= overdueSim) {
      this.queue.pop();
      this.unsentAtEnd++;
    }
  }

  /** A request or query ended: its place frees; a pump held by the window runs again soon. */
  private endOp(token: number): void {
    this.inFlightOps--;
    this.sendWindow.close(token);
    // Resume below three quarters full: one pump turn sends a batch, not one step per answer.
    if (!this.heldByWindow || this.sendWindow.young > (this.sendWindow.capacity * 3) / 4) return;
    this.heldByWindow = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.pump(), 0);
  }

  totals(): FleetSliceTotals {
    const nowMs = Math.min(this.clock.simNowMs(), this.plan.scenario.durationMs);
    const expectedRequests = this.ledger.totalSoFar(this.servingMask);
    const byStatus = [0, 0, 0, 0];
    const groupStatus = this.plan.groups.map(() => [0, 0, 0, 0]);
    let inFlight = 0;
    for (let i = 0; i < this.fleet.size; i++) {
      const status = this.fleet.statusAt(i, nowMs);
      byStatus[status]++;
      groupStatus[this.fleet.group(i)][status]++;
      const phase = this.fleet.phase(i);
      if (phase === Phase.AwaitingDns || phase === Phase.AwaitingRpc) inFlight++;
    }
    return {
      clients: this.fleet.size,
      activatedClients: this.tally.activatedClients,
      byStatus,
      attemptErrors: [...this.tally.attemptErrors],
      inFlight,
      activation: this.tally.activation,
      renewal: this.tally.renewal,
      dns: this.tally.dns,
      groupStatus,
      groups: this.tally.groups,
      failovers: this.tally.failovers,
      rediscoveries: this.tally.rediscoveries,
      illegalInputs: this.tally.illegalInputs,
      answeredBy: [...this.answeredBy],
      refusedBy: [...this.refusedBy],
      resetBy: [...this.resetBy],
      timedOutBy: [...this.timedOutBy],
      expectedRequests,
      sentBy: [...this.sentBy],
      renewalsSentBy: [...this.renewalsSentBy],
      atSamples: this.atSamples,
      afterSamples: this.interval.toWire(),
      localLimit: this.localLimit,
      sendLagHistogram: this.sendLag.encode(),
      activationTimesHistogram: this.tally.activationTimes.encode(),
      lateSends: this.lateSends,
      unsentAtEnd: this.unsentAtEnd,
      lastSendWallMs: this.lastSendWallMs,
    };
  }

  private pump(): void {
    this.timer = null;
    if (this.stopped) return;
    const durationMs = this.plan.scenario.durationMs;
    const nowSim = this.clock.simNowMs();
    // A backlog may run past the end, but only for a bounded grace: an RPC timeout and a
    // second of wall time. Then nothing new starts; what is in flight finishes.
    const nowWallMs = CompressedClock.wallNowMs();
    if (nowWallMs > this.clock.wallAtMs(durationMs) + this.plan.scenario.network.rpcTimeoutMs + END_GRACE_MS) {
      this.dropOverdue();
      this.stopped = true;
      this.maybeDone();
      return;
    }
    this.heldByWindow = false;
    // Bounded per turn so sockets and other timers get their share of the event loop.
    for (let budget = 2000; budget > 0 && this.queue.size > 0; budget--) {
      const dueSim = this.queue.peekTime();
      if (dueSim > nowSim || dueSim > durationMs) break;
      if (!this.sendWindow.hasRoom(nowWallMs)) {
        this.heldByWindow = true;
        break;
      }
      const i = this.queue.pop();
      this.dueWallMs[i] = this.clock.wallAtMs(dueSim);
      this.dueSimMs[i] = dueSim;
      this.apply(i, this.fleet.onTimer(i, dueSim, this.rngs[i], this.action));
    }
    const next = this.queue.size > 0 ? this.queue.peekTime() : Infinity;
    if (next <= durationMs) {
      // Re-check at least every 200 ms of wall time (the clock drives, not the timer).
      // Steps due before the end still run when the loop is behind, even past the end:
      // a late request is sent late and its latency shows it (no coordinated omission).
      // Held by the window: an answer wakes the pump, or else the oldest open request ageing out.
      const delay = this.heldByWindow
        ? Math.min(200, Math.max(1, this.sendWindow.nextAgeOutMs() - nowWallMs))
        : next <= nowSim
          ? 0
          : Math.min(200, this.clock.wallDelayUntilMs(next));
      this.timer = setTimeout(() => this.pump(), delay);
    } else if (nowSim < durationMs) {
      this.timer = setTimeout(() => this.pump(), Math.min(200, this.clock.wallDelayUntilMs(durationMs)));
    } else if (this.inFlightOps > 0) {
      // Answers still on their way may schedule steps due before the end: wait for them
      // (bounded: every request ends by its timeout).
      this.timer = setTimeout(() => this.pump(), 5);
    } else {
      this.stopped = true;
      this.maybeDone();
    }
  }

  /**
   * The client's "now" for the core: when its step was due plus the real time it has
   * taken since. Network and service time stay real instead of being stretched by the
   * time scale (100 ms of wall latency would otherwise be 2.4 simulated hours at 86400,
   * and every renewal cycle would drift by it).
   */
  private coreNowMs(i: number): number {
    return this.dueSimMs[i] + (CompressedClock.wallNowMs() - this.dueWallMs[i]);
  }

  /** The client's next step is due now (a follow-up: failover, request after DNS). */
  private markDueNow(i: number, coreNowMs: number): void {
    this.dueWallMs[i] = CompressedClock.wallNowMs();
    this.dueSimMs[i] = coreNowMs;
  }

  private maybeDone(): void {
    if (this.stopped && this.inFlightOps === 0 && this.resolveDone !== null) {
      // The totals stand from here: a sample time not reached yet takes them.
      this.sampleTimer?.clear();
      this.resolveDone();
      this.resolveDone = null;
    }
  }

  private apply(i: number, action: ClientAction): void {
    this.tally.note(this.fleet.group(i), action, Math.max(0, Math.min(this.clock.simNowMs(), this.plan.scenario.durationMs)));
    switch (action.kind) {
      case ActionKind.Wait:
        if (action.atMs <= this.plan.scenario.durationMs && !this.stopped) this.queue.push(action.atMs, i);
        return;
      case ActionKind.QueryDns:
        // Past the end nothing new starts; the client counts as in flight, as in virtual mode.
        if (!this.stopped && this.dueSimMs[i] <= this.plan.scenario.durationMs) this.queryDns(i, action.domainId);
        return;
      case ActionKind.SendRpc:
        if (!this.stopped && this.dueSimMs[i] <= this.plan.scenario.durationMs) this.sendRpc(i, action.host, action.renewal);
        return;
      default:
        return;
    }
  }

  private queryDns(i: number, domainId: number): void {
    this.tally.sentDns(this.fleet.group(i));
    const dueWallMs = this.dueWallMs[i];
    const token = this.startOp(dueWallMs);
    this.options.dns
      .resolveSrv(this.plan.dns.domains[domainId])
      .then(
        (lookup) => {
          this.endOp(token);
          this.tally.recordDns(this.fleet.group(i), lookup.records.length > 0 ? 0 : Code.DnsNameDoesNotExist, CompressedClock.wallNowMs() - dueWallMs);
          const answerId = this.answerIdFor(domainId, this.candidatesFrom(lookup, domainId));
          this.promise(domainId, this.answers[answerId]);
          const now = this.coreNowMs(i);
          this.markDueNow(i, now);
          // Fresh from the server (the slice's resolver caches nothing): the client keeps it for dns.ttl, as in virtual mode.
          this.apply(i, this.fleet.onDnsAnswer(i, now, answerId, this.plan.scenario.dns.ttlMs, this.rngs[i], this.action));
        },
        (err: unknown) => {
          this.endOp(token);
          // Out of descriptors or ports for the resolver: the run is no longer measuring DNS.
          const errno = localErrnoOf(err);
          if (errno !== null) return this.hitLocalLimit(errno);
          // No reply within the retries: the server is silent (ERROR_TIMEOUT), not the name missing.
          const silent = isDnsError(err, "TIMEOUT");
          this.tally.recordDns(this.fleet.group(i), silent ? Code.DnsServerSilent : Code.DnsNameDoesNotExist, CompressedClock.wallNowMs() - dueWallMs);
          this.apply(i, this.fleet.onDnsFailure(i, this.coreNowMs(i), this.action, silent));
        },
      )
      .catch((err: unknown) => this.fail(err))
      .finally(() => this.maybeDone());
  }

  /**
   * Maps an SRV answer onto endpoint indexes, remembering each target's address. A target
   * the plan does not know (a record added mid-run) is an endpoint nobody simulates: its
   * requests are refused or unreachable, counted as such. Past the 32-endpoint table such
   * records are left out of the answer: selection masks have 32 bits.
   */
  private candidatesFrom(lookup: SrvLookup, domainId: number): SrvCandidate[] {
    const domain = this.plan.dns.domains[domainId];
    return lookup.records.flatMap((record) => {
      const host = this.plan.dns.endpointIfRoom(record.target, domain);
      if (host === null) return [];
      const address = lookup.addresses.get(record.target) ?? lookup.addresses.get(record.target.replace(/\.$/, ""));
      // The loopback rule: an address nobody chose is never connected to; the run fails (exit 2).
      if (address !== undefined && !this.mayConnect(address)) throw new NotLoopbackError(domain, record.target, address);
      this.coverEndpoint(host);
      this.targets[host] = address === undefined ? null : { address, port: record.port };
      return [{ host, priority: record.priority, weight: record.weight }];
    });
  }

  /** The id of this answer: the latest one's when nothing changed, else a new snapshot. */
  private answerIdFor(domainId: number, candidates: SrvCandidate[]): number {
    // Servers may rotate the order of an RRset (BIND's rrset-order): the same records are the same answer.
    candidates.sort((a, b) => a.host - b.host || a.priority - b.priority || a.weight - b.weight);
    const latest = this.latestAnswer[domainId];
    if (sameCandidates(this.answers[latest], candidates)) return latest;
    this.latestAnswer[domainId] = this.answers.push(candidates) - 1;
    return this.latestAnswer[domainId];
  }

  /**
   * The records now promise what this answer says (hosts publish and are scavenged during
   * the run): requests served so far are charged with the old promise first.
   */
  private promise(domainId: number, candidates: readonly SrvCandidate[]): void {
    for (const context of this.plan.contexts) {
      if (context.domainId !== domainId || sameCandidates(context.candidates, candidates)) continue;
      this.ledger.flush(this.servingMask);
      context.candidates = candidates;
    }
  }

  /** A DNS answer may name an endpoint the plan did not know: size the per-endpoint tables. */
  private coverEndpoint(host: number): void {
    while (this.targets.length <= host) this.targets.push(null);
    for (const counts of [this.answeredBy, this.refusedBy, this.resetBy, this.timedOutBy, this.sentBy, this.renewalsSentBy])
      while (counts.length <= host) counts.push(0);
  }

  private sendRpc(i: number, host: number, renewal: boolean): void {
    const groupIndex = this.fleet.group(i);
    this.tally.sentRpc(groupIndex, renewal);
    if (host !== NO_HOST) {
      this.sentBy[host]++;
      if (renewal) this.renewalsSentBy[host]++;
    }
    const target = this.targets[host] ?? null;
    const nowSim = this.coreNowMs(i);
    const group = this.plan.groups[groupIndex];
    const dueWallMs = this.dueWallMs[i];
    const request: RequestMessage = {
      requestId: this.nextRequestId,
      cmid: cmidFromIndex(this.options.cmidPrefix, this.globalIndex(i)),
      product: group.product,
      // The clock as the request leaves, not when it was due: a generator that falls
      // behind must not make the host see a skewed client (0xC004F06C is the host's verdict).
      clientTimeMs: this.clock.simNowMs() + group.clockSkewMs,
      renewal,
      status: this.fleet.statusAt(i, nowSim),
    };
    this.nextRequestId = (this.nextRequestId % 0xffffffff) + 1;
    const token = this.startOp(dueWallMs);
    const done: RpcDone = (error, response) => {
      try {
        this.endOp(token);
        if (error === null) this.onAnswer(i, host, groupIndex, renewal, dueWallMs, response!);
        else this.onNoAnswer(i, host, groupIndex, renewal, dueWallMs, error);
      } catch (err) {
        this.fail(err);
      }
      this.maybeDone();
    };
    if (target === null) queueMicrotask(() => done(new RpcCallError("NO_ADDRESS", "no address"), null));
    else this.options.rpc.call(target, request, this.plan.scenario.network.rpcTimeoutMs, sourceAddressOf(this.globalIndex(i)), done);
  }

  private onAnswer(i: number, host: number, groupIndex: number, renewal: boolean, dueWallMs: number, response: ResponseMessage): void {
    const latencyMs = CompressedClock.wallNowMs() - dueWallMs;
    this.tally.recordRpc(groupIndex, renewal, response.status, latencyMs);
    this.interval.record(renewal, host, response.status, latencyMs);
    this.live.record(renewal, host, response.status, latencyMs);
    if (host !== NO_HOST) this.answeredBy[host]++;
    this.ledger.charge(this.contextOf[i]);
    const intervals = hostAnswerIntervals(this.plan, host, groupIndex);
    const view = this.replyView;
    view.status = response.status;
    view.activationIntervalMs = intervals.activationIntervalMs;
    view.renewalIntervalMs = intervals.renewalIntervalMs;
    this.apply(i, this.fleet.onRpcAnswer(i, this.coreNowMs(i), view, this.action));
  }

  private onNoAnswer(i: number, host: number, groupIndex: number, renewal: boolean, dueWallMs: number, err: RpcCallError): void {
    // Out of descriptors or ports here: the run is no longer measuring the hosts.
    if (err.code === "LOCAL") return this.hitLocalLimit(err.errno ?? "EMFILE");
    // No address for the target: to the client, nobody listens there.
    if (err.code === "NO_ADDRESS" || err.code === "REFUSED") this.refusedBy[host]++;
    else if (err.code === "RESET" || err.code === "CLOSED") this.resetBy[host]++;
    else if (err.code === "TIMEOUT") this.timedOutBy[host]++;
    const latencyMs = CompressedClock.wallNowMs() - dueWallMs;
    this.tally.recordRpc(groupIndex, renewal, Code.RpcServerUnavailable, latencyMs);
    this.interval.record(renewal, host, Code.RpcServerUnavailable, latencyMs);
    this.live.record(renewal, host, Code.RpcServerUnavailable, latencyMs);
    const now = this.coreNowMs(i);
    this.markDueNow(i, now);
    this.apply(i, this.fleet.onRpcUnreachable(i, now, this.rngs[i], this.action));
  }
}

/** The local errno of an error or of its cause (a TCP fallback wraps the socket's error), or null. */
function localErrnoOf(err: unknown): string | null {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === "string" && LOCAL_ERRNO.has(code)) return code;
  }
  return null;
}

function sameCandidates(a: readonly SrvCandidate[], b: readonly SrvCandidate[]): boolean {
  return a.length === b.length && a.every((c, k) => c.host === b[k].host && c.priority === b[k].priority && c.weight === b[k].weight);
}
