// Virtual-time driver: a discrete-event simulation of the whole fleet over the pure
// core. One heap holds every pending client event; scenario events and timeline samples
// come from a fixed schedule merged in front of it. Same scenario + seed ⇒ same run.

import { ActionKind, ClientAction } from "../core/client/client-action.js";
import { ClientFleet, type RpcAnswerView } from "../core/client/client-fleet.js";
import type { ClientGroupConfig } from "../core/client/client-group.js";
import { Phase } from "../core/client/transitions.js";
import { Code } from "../core/errors.js";
import { lifeEventOf } from "../core/host/host-lifecycle.js";
import type { ActivationAnswer, ActivationRequest } from "../core/host/host-logic.js";
import { LicenseStatus } from "../core/license.js";
import { hostProductTotals } from "../core/host/product-report.js";
import { StreamTable } from "../core/rng.js";
import type { FleetEventRecord } from "../results/result.js";
import type { Scenario, ScenarioEvent } from "../scenario/model.js";
import { recordDeletedLog, type DnsDirectory } from "../fleet-plan/dns-directory.js";
import { answerIntervalTable, forEachClient, planFleet, refreshContexts, sampleTimes, type FleetPlan } from "../fleet-plan/fleet-plan.js";
import { planPublishing, type PublishChange } from "../fleet-plan/publish-plan.js";
import { rememberRenewals } from "../fleet-plan/licensed-history.js";
import { PublishEventId } from "../core/host/publish-schedule.js";
import { EventQueue } from "../queue/event-queue.js";
import { ExpectedShareLedger } from "../results/expected-share-ledger.js";
import { ClientTally } from "../results/client-tally.js";
import type { RunTotals } from "../results/run-totals.js";
import { SimHost } from "./sim-host.js";
import { SampleRecorder } from "./sample-recorder.js";
import { IntervalTally } from "../results/interval-tally.js";
import { LicensedTally } from "./licensed-tally.js";
import { InvariantChecker } from "./invariants.js";
import { Ev, UNREACHABLE, type EngineView, type FixedEvent, type StepObserver } from "./engine-view.js";

export { Ev, UNREACHABLE, type FixedEvent };
import { armFault, type FaultSite } from "./fault-sites.js";
import { shardSize, WHOLE_FLEET, type ShardSpec } from "../core/shard/shard.js";

const DNS_FAILED = 1;

// The driver's fields in each client record (bytes 64..127; see ClientFleet), in units
// of the f64 and u32/i32 views over the whole record.
const DRIVER_F64 = 16;
const DRIVER_U32 = 32;
const REPLY_AT = 8;
const TIMER_TIME = 10;
const PENDING_STATUS = 22;
const RNG_STATE = 23;
const CONTEXT = 24;
const TIMER_SEQ = 25;
const TIMER_PAYLOAD = 26;
const TIMER_NEXT = 27;
/** 1 while the client's request is at a host that may still answer it. */
const AT_HOST = 28;

/** A scenario event, DNS record change or timeline sample at a fixed simulated time. */
export interface EngineOptions {
  /** Override the scenario's client counts, scaled proportionally (`--clients`). */
  clients?: number;
  /** Check the model's invariants after every event (`--check`; see invariants.ts). */
  check?: boolean;
  /** Corrupt the run at a named fault site (tests of the checker only; see fault-sites.ts). */
  faultSite?: FaultSite;
  /**
   * Measure only this shard's clients (`--shard`). The whole fleet is still simulated:
   * hosts' queues and CMID counts couple every client to every other, so that is what
   * makes the shards' measurements add up to the single run's exactly.
   */
  shard?: ShardSpec;
}

export class VirtualEngine implements EngineView {
  readonly scenario: Scenario;
  readonly dns: DnsDirectory;
  readonly hosts: SimHost[];
  readonly fleet: ClientFleet;
  readonly tally: ClientTally;
  /** What the measured clients saw since the last timeline sample. */
  readonly interval: IntervalTally;
  readonly eventLog: FleetEventRecord[] = [];
  readonly ledger: ExpectedShareLedger;
  readonly samples: SampleRecorder;
  readonly licensedTally: LicensedTally;
  eventsProcessed = 0;
  nowMs = 0;
  /** The invariant checker when `check` is on, else null. */
  readonly checker: InvariantChecker | null;
  readonly shard: ShardSpec;
  private readonly shardCount: number;
  private readonly shardOffset: number;

  private readonly queue: EventQueue;
  private readonly streams: StreamTable;
  private readonly action = new ClientAction();
  private readonly request: ActivationRequest = { cmid: 0, product: 0, clientTimeMs: 0, renewal: false, status: LicenseStatus.InitialGrace };
  private readonly answer: ActivationAnswer = { status: 0, count: 0, activationIntervalMs: 0, renewalIntervalMs: 0 };
  private readonly replyView: RpcAnswerView = { status: 0, activationIntervalMs: 0, renewalIntervalMs: 0 };
  /**
   * Views over the client records for the driver's half: when the reply in flight is
   * due and its outcome (a fault reschedules it; the stale event is then skipped), the
   * client's PRNG state, its selection context, whether its request is at a host, and
   * its pending timer (kept in the record by the event queue).
   */
  private readonly driverF64: Float64Array;
  private readonly driverU32: Uint32Array;
  private readonly groupConfigs: ClientGroupConfig[];
  private readonly plan: FleetPlan;
  /** The intervals each endpoint's answers carry, per group (endpoint × groups + group). */
  private readonly answerIntervals: { activationMs: Float64Array; renewalMs: Float64Array };
  // The network model, read on every event.
  private readonly latencyMs: number;
  private readonly jitterMs: number;
  private readonly rpcTimeoutMs: number;
  private readonly schedule: FixedEvent[] = [];
  private scheduleIndex = 0;
  /** When the next fixed event is due (Infinity when none is left): one comparison per client event. */
  private nextFixedMs = Infinity;
  private readonly durationMs: number;
  /** Called after every event when checking (or a fault site) is on; null keeps the hot path to one branch. */
  private readonly observer: StepObserver | null;

  constructor(scenario: Scenario, options: EngineOptions = {}) {
    this.scenario = scenario;
    this.durationMs = scenario.durationMs;
    this.shard = options.shard ?? WHOLE_FLEET;
    this.shardCount = this.shard.count;
    this.shardOffset = this.shard.index - 1;
    // The checker balances the books of every client; a shard's books hold only its own.
    if (options.check === true && this.shard.count > 1) throw new RangeError("VirtualEngine: check needs the whole fleet (no shard)");
    const plan = planFleet(scenario, options.clients);
    this.plan = plan;
    this.answerIntervals = answerIntervalTable(plan);
    this.latencyMs = scenario.network.latencyMs;
    this.jitterMs = scenario.network.jitterMs;
    this.rpcTimeoutMs = scenario.network.rpcTimeoutMs;
    this.dns = plan.dns;
    this.groupConfigs = plan.groups;
    this.tally = new ClientTally(plan.groups.length);
    this.hosts = this.dns.endpoints.map((e, index) => new SimHost(index, e.hostIndex >= 0 ? scenario.hosts[e.hostIndex] : null, scenario.products));
    rememberRenewals(plan, (endpoint) => this.hosts[endpoint].logic);
    this.ledger = new ExpectedShareLedger(plan.contexts, this.hosts.length);
    this.interval = new IntervalTally(this.hosts.length);

    const total = plan.total;
    this.fleet = new ClientFleet(total, this.groupConfigs, this.dns);
    this.driverF64 = new Float64Array(this.fleet.records);
    this.driverU32 = new Uint32Array(this.fleet.records);
    this.queue = new EventQueue(scenario.durationMs, 1 << 16, {
      f64: this.driverF64,
      u32: this.driverU32,
      i32: new Int32Array(this.fleet.records),
      f64PerRecord: DRIVER_F64,
      u32PerRecord: DRIVER_U32,
      time: TIMER_TIME,
      seq: TIMER_SEQ,
      payload: TIMER_PAYLOAD,
      next: TIMER_NEXT,
    });
    this.streams = new StreamTable(scenario.seed, total, DRIVER_U32, RNG_STATE, this.driverU32);
    this.licensedTally = new LicensedTally(sampleTimes(scenario));
    this.samples = new SampleRecorder(this);

    forEachClient(plan, 0, total, (i, groupIndex, installedAtMs, renewedAtMs, renewedBy) => {
      this.driverU32[i * DRIVER_U32 + CONTEXT] = plan.groupContext[groupIndex];
      this.driverF64[i * DRIVER_F64 + REPLY_AT] = -1;
      this.fleet.install(i, groupIndex, installedAtMs, this.action, renewedAtMs, renewedBy);
      // A client that starts licensed is activated and licensed from time 0.
      if (this.action.notes !== 0 && this.owns(i)) {
        this.tally.note(groupIndex, this.action, 0);
        this.licensedTally.move(0, this.fleet.validUntilMs(i));
      }
      this.queue.pushOwned(this.action.atMs, i, (i << 2) | Ev.Timer);
    });
    this.buildSchedule(scenario.events);
    this.checker = options.check === true ? new InvariantChecker(this) : null;
    this.observer = options.faultSite !== undefined ? armFault(this, options.faultSite, this.checker) : this.checker;
  }

  get activatedClients(): number {
    return this.tally.activatedClients;
  }

  get illegalInputs(): number {
    return this.tally.illegalInputs;
  }

  /** Clients this run measures (the shard's, or the whole fleet). */
  get clientCount(): number {
    return shardSize(this.shard, this.fleet.size);
  }

  /** Whether client i's measurements count in this run (ownsClient, on the hot path). */
  owns(i: number): boolean {
    return this.shardCount === 1 || i % this.shardCount === this.shardOffset;
  }

  get done(): boolean {
    return this.nowMs >= this.durationMs && this.scheduleIndex >= this.schedule.length;
  }

  /** Bitmask of endpoints that serve requests now. */
  servingMask(): number {
    let mask = 0;
    for (const host of this.hosts) if (host.lifecycle.serving) mask |= 1 << host.index;
    return mask >>> 0;
  }

  /** Runs at most `maxEvents` events; returns true when the simulated duration is over. */
  step(maxEvents: number): boolean {
    const queue = this.queue;
    const observer = this.observer;
    let budget = maxEvents;
    while (budget-- > 0) {
      const nextEvent = queue.peekTime();
      // Scenario events go before client events at the same instant, samples after them.
      const nextFixed = this.nextFixedMs;
      if (nextFixed <= nextEvent && nextFixed <= this.durationMs) {
        const fixed = this.schedule[this.scheduleIndex];
        if (nextFixed < nextEvent || !fixed.isSample) {
          this.nowMs = nextFixed;
          this.scheduleIndex++;
          this.nextFixedMs = this.fixedTimeAt(this.scheduleIndex);
          fixed.run();
          if (observer !== null) observer.afterFixed(fixed);
          continue;
        }
      }
      if (nextEvent > this.durationMs) {
        this.finish();
        if (observer !== null) observer.atEnd();
        return true;
      }
      this.nowMs = nextEvent;
      const payload = queue.pop();
      this.eventsProcessed++;
      this.dispatch(payload >>> 2, payload & 3);
      if (observer !== null) observer.afterEvent(payload >>> 2, payload & 3);
    }
    return false;
  }

  /** Everything the result needs, in the mode-independent shape. */
  totals(): RunTotals {
    const nowMs = this.nowMs;
    this.ledger.flush(this.servingMask());
    this.ledger.takeInterval();
    const byStatus = [0, 0, 0, 0];
    const groupStatus = this.groupConfigs.map(() => [0, 0, 0, 0]);
    const fleet = this.fleet;
    for (let i = 0; i < fleet.size; i++) {
      if (!this.owns(i)) continue;
      const status = fleet.statusAt(i, nowMs);
      byStatus[status]++;
      groupStatus[fleet.group(i)][status]++;
    }
    return {
      scenario: this.scenario,
      mode: "virtual",
      nowMs,
      clientsTotal: this.clientCount,
      activatedClients: this.tally.activatedClients,
      activationTimes: this.tally.activationTimes,
      byStatus,
      attemptErrors: this.tally.attemptErrors,
      inFlight: this.inFlight(),
      activation: this.tally.activation,
      renewal: this.tally.renewal,
      dns: this.tally.dns,
      groups: this.tally.groups.map((tally, g) => ({ name: this.scenario.clients[g].name, byStatus: groupStatus[g], tally })),
      hosts: this.hosts
        .filter((h) => h.spec !== null)
        .map((h) => ({
          name: h.name,
          requests: h.books.requests,
          activations: h.books.activations,
          renewals: h.books.renewals,
          refused: h.books.refused,
          unanswered: h.books.unanswered,
          lost: h.books.lost,
          late: h.books.late,
          state: h.lifecycle.reportedState,
          dlv: { ...h.books.dlv },
          count: h.logic.counts(nowMs),
          lowCount: h.logic.lowCountProducts(nowMs),
          products: hostProductTotals(h.logic, h.books.byProduct, nowMs),
          expectedRequests: this.ledger.total[h.index],
          utilization: nowMs > 0 ? h.queue.busyMsUntil(nowMs) / (h.queue.concurrency * nowMs) : 0,
          peakQueued: h.queue.peakWaiting,
        })),
      failovers: this.tally.failovers,
      rediscoveries: this.tally.rediscoveries,
      events: this.eventLog,
      timeline: this.samples.samples,
    };
  }

  /** Takes a timeline sample now (an interrupted run keeps what it measured so far). */
  sampleNow(): void {
    const last = this.samples.samples[this.samples.samples.length - 1];
    if (last === undefined || last.t * 1000 < this.nowMs) this.samples.take(this.nowMs);
  }

  private finish(): void {
    // Whatever remains on the fixed schedule at or before the end (the final sample).
    while (this.scheduleIndex < this.schedule.length && this.schedule[this.scheduleIndex].atMs <= this.durationMs) {
      const fixed = this.schedule[this.scheduleIndex++];
      this.nowMs = fixed.atMs;
      fixed.run();
      this.observer?.afterFixed(fixed);
    }
    this.scheduleIndex = this.schedule.length;
    this.nextFixedMs = Infinity;
    this.nowMs = this.durationMs;
  }

  /** Events still pending at the end: requests or queries in flight. */
  inFlight(): number {
    let n = 0;
    for (let i = 0; i < this.fleet.size; i++) {
      if (this.owns(i) && (this.fleet.phase(i) === Phase.AwaitingDns || this.fleet.phase(i) === Phase.AwaitingRpc)) n++;
    }
    return n;
  }

  // Read-only views for the invariant checker (never called on the unchecked path).

  /** The action the client machine returned last (valid after timer, DNS and non-stale reply events). */
  get lastAction(): Readonly<ClientAction> {
    return this.action;
  }

  /** Events waiting in the queue, stale ones included. */
  pendingEventCount(): number {
    return this.queue.size;
  }

  /** When client i's reply is due, or -1 when none is pending. */
  replyAtMs(i: number): number {
    return this.driverF64[i * DRIVER_F64 + REPLY_AT];
  }

  /** Outcome stored with client i's pending reply (or DNS query). */
  pendingStatus(i: number): number {
    return this.driverU32[i * DRIVER_U32 + PENDING_STATUS];
  }

  /** Fault sites only: queue an extra event for client i at `atMs`, bypassing the client machine. */
  injectEvent(atMs: number, i: number, kind: Ev): void {
    this.queue.push(atMs, (i << 2) | kind);
  }

  private dispatch(i: number, kind: number): void {
    switch (kind) {
      case Ev.Timer:
        this.apply(i, this.fleet.onTimer(i, this.nowMs, this.streams.use(i), this.action));
        return;
      case Ev.DnsReply:
        this.onDnsReply(i);
        return;
      case Ev.HostArrival:
        this.onHostArrival(i);
        return;
      default:
        this.onRpcReply(i);
    }
  }

  private onDnsReply(i: number): void {
    const now = this.nowMs;
    const g = this.groupConfigs[this.fleet.group(i)];
    const answered = this.driverU32[i * DRIVER_U32 + PENDING_STATUS] !== DNS_FAILED;
    const answerId = this.dns.answerOf(g.domainId);
    const candidates = this.dns.candidatesOf(answerId);
    // A query DNS dropped (dns: down) timed out: the server was silent, not the name missing.
    const dnsCode = !answered ? Code.DnsServerSilent : candidates.length > 0 ? 0 : Code.DnsNameDoesNotExist;
    if (this.owns(i)) this.tally.recordDns(this.fleet.group(i), dnsCode, now - this.fleet.dueAtMs(i));
    const action = answered
      ? this.fleet.onDnsAnswer(i, now, answerId, this.scenario.dns.ttlMs, this.streams.use(i), this.action)
      : this.fleet.onDnsFailure(i, now, this.action, true);
    this.apply(i, action);
  }

  private onHostArrival(i: number): void {
    const now = this.nowMs;
    const fleet = this.fleet;
    const host = this.hosts[fleet.targetHost(i)];
    const rng = this.streams.use(i);
    const timeoutAt = Math.max(now, fleet.dueAtMs(i) + this.rpcTimeoutMs);
    const measured = this.owns(i);
    const admission = host.lifecycle.admission;
    const renewal = fleet.isRenewal(i);
    if (measured) host.books.arrive(admission, renewal);
    if (admission === "refuse") {
      this.reply(i, UNREACHABLE, now + this.oneWayMs(rng));
      return;
    }
    if (admission === "hold") {
      this.reply(i, UNREACHABLE, timeoutAt);
      return;
    }
    const g = this.groupConfigs[fleet.group(i)];
    if (measured) this.ledger.charge(this.driverU32[i * DRIVER_U32 + CONTEXT]);
    const req = this.request;
    req.cmid = i;
    req.product = g.product;
    req.clientTimeMs = now + g.clockSkewMs;
    req.renewal = renewal;
    req.status = fleet.statusAt(i, now);
    const answer = host.logic.handle(req, now, this.answer);
    if (measured) host.books.decided(req.status, answer.status, req.product);
    // Exponential service time around the host's mean (M/M/c-like queueing).
    const serviceMs = -host.serviceTimeMs * Math.log(1 - rng.next());
    const completion = host.queue.admit(now, serviceMs);
    const replyAt = completion + this.oneWayMs(rng);
    if (replyAt > timeoutAt) {
      // Answered, but after the client gave up.
      if (measured) host.books.answerLate();
      this.reply(i, UNREACHABLE, timeoutAt);
    } else {
      this.reply(i, answer.status, replyAt);
      this.driverU32[i * DRIVER_U32 + AT_HOST] = 1;
    }
  }

  private onRpcReply(i: number): void {
    const now = this.nowMs;
    const fleet = this.fleet;
    const host = this.hosts[fleet.targetHost(i)];
    // A fault rescheduled this reply: the event for the old time is stale.
    if (this.driverF64[i * DRIVER_F64 + REPLY_AT] !== now) return;
    this.driverF64[i * DRIVER_F64 + REPLY_AT] = -1;
    const measured = this.owns(i);
    if (this.driverU32[i * DRIVER_U32 + AT_HOST] === 1 && measured) host.books.answer();
    this.driverU32[i * DRIVER_U32 + AT_HOST] = 0;
    const status = this.driverU32[i * DRIVER_U32 + PENDING_STATUS];
    if (measured) {
      const renewal = fleet.isRenewal(i);
      const latencyMs = now - fleet.dueAtMs(i);
      this.tally.recordRpc(fleet.group(i), renewal, status, latencyMs);
      this.interval.record(renewal, host.index, status, latencyMs);
    }
    let action: ClientAction;
    if (status === UNREACHABLE) {
      action = fleet.onRpcUnreachable(i, now, this.streams.use(i), this.action);
    } else {
      const view = this.replyView;
      view.status = status;
      const k = host.index * this.groupConfigs.length + fleet.group(i);
      view.activationIntervalMs = this.answerIntervals.activationMs[k];
      view.renewalIntervalMs = this.answerIntervals.renewalMs[k];
      const validBeforeMs = fleet.validUntilMs(i);
      action = fleet.onRpcAnswer(i, now, view, this.action);
      if (status === 0 && measured) this.licensedTally.move(validBeforeMs, fleet.validUntilMs(i));
    }
    this.apply(i, action);
  }

  private reply(i: number, status: number, atMs: number): void {
    this.driverU32[i * DRIVER_U32 + PENDING_STATUS] = status;
    this.driverF64[i * DRIVER_F64 + REPLY_AT] = atMs;
    this.queue.push(atMs, (i << 2) | Ev.RpcReply);
  }

  /**
   * A host crashed or hung: the requests it holds (queued or in service) never get
   * their answer. Crash: the client sees the connection close one network delay later.
   * Hang: the client waits out its RPC timeout.
   */
  private failRequestsAt(host: SimHost, crashed: boolean): void {
    const now = this.nowMs;
    const fleet = this.fleet;
    const timeoutMs = this.scenario.network.rpcTimeoutMs;
    for (let i = 0; i < fleet.size; i++) {
      if (this.driverU32[i * DRIVER_U32 + AT_HOST] === 0 || fleet.targetHost(i) !== host.index) continue;
      this.driverU32[i * DRIVER_U32 + AT_HOST] = 0;
      if (this.owns(i)) host.books.lose();
      const at = crashed ? now + this.oneWayMs(this.streams.use(i)) : Math.max(now, fleet.dueAtMs(i) + timeoutMs);
      this.reply(i, UNREACHABLE, at);
    }
  }

  /** Carries out what the client machine asked for. */
  private apply(i: number, action: ClientAction): void {
    const measured = this.owns(i);
    const now = this.nowMs;
    if (measured) this.tally.note(this.fleet.group(i), action, now);
    switch (action.kind) {
      case ActionKind.Wait:
        // Timers past the end are never needed: the run is bounded by its duration.
        if (action.atMs <= this.durationMs) this.queue.pushDelayed(now, action.atMs, i, (i << 2) | Ev.Timer);
        return;
      case ActionKind.QueryDns: {
        if (measured) this.tally.sentDns(this.fleet.group(i));
        this.fleet.markDue(i, now);
        const rng = this.streams.use(i);
        if (this.dns.up) {
          this.driverU32[i * DRIVER_U32 + PENDING_STATUS] = 0;
          this.queue.push(now + this.oneWayMs(rng) + this.oneWayMs(rng), (i << 2) | Ev.DnsReply);
        } else {
          this.driverU32[i * DRIVER_U32 + PENDING_STATUS] = DNS_FAILED;
          this.queue.push(now + this.scenario.network.dnsTimeoutMs, (i << 2) | Ev.DnsReply);
        }
        return;
      }
      case ActionKind.SendRpc:
        if (measured) this.tally.sentRpc(this.fleet.group(i), action.renewal);
        this.queue.push(now + this.oneWayMs(this.streams.use(i)), (i << 2) | Ev.HostArrival);
        return;
      default:
        return;
    }
  }

  /** One-way network delay: latency ± uniform jitter, never negative. */
  private oneWayMs(rng: { next(): number }): number {
    const d = this.latencyMs + this.jitterMs * (2 * rng.next() - 1);
    return d > 0 ? d : 0;
  }

  private buildSchedule(events: readonly ScenarioEvent[]): void {
    const fixed: (FixedEvent & { order: number })[] = [];
    events.forEach((event, order) =>
      fixed.push({
        atMs: event.atMs,
        order,
        isSample: false,
        label: event.kind === "dns" ? `dns ${event.action}` : `${event.action} ${event.kind === "host" ? event.host : event.target}`,
        host: event.kind === "host" ? this.hosts.findIndex((h) => h.spec?.name === event.host) : -1,
        run: () => this.applyScenarioEvent(event),
      }),
    );
    // DNS record changes follow the scenario events of the same instant (a host that
    // recovers at t publishes at t); samples go last.
    const changes = planPublishing(this.scenario);
    changes.forEach((change, k) =>
      fixed.push({
        atMs: change.atMs,
        order: events.length + k,
        isSample: false,
        label: `${change.kind} ${this.scenario.hosts[change.host].name}`,
        host: -1,
        run: () => this.applyPublishChange(change),
      }),
    );
    const firstSample = events.length + changes.length;
    sampleTimes(this.scenario).forEach((t, k) =>
      fixed.push({ atMs: t, order: firstSample + k, isSample: true, label: "sample", host: -1, run: () => this.samples.take(t) }),
    );
    fixed.sort((a, b) => a.atMs - b.atMs || a.order - b.order);
    this.schedule.push(...fixed);
    this.nextFixedMs = this.fixedTimeAt(this.scheduleIndex);
  }

  private fixedTimeAt(index: number): number {
    return index < this.schedule.length ? this.schedule[index].atMs : Infinity;
  }

  /** A host's record appeared, was refreshed, failed to publish, or was scavenged. */
  private applyPublishChange(change: PublishChange): void {
    const spec = this.scenario.hosts[change.host];
    const record = { host: change.host, priority: spec.priority, weight: spec.weight };
    if (change.kind !== "publish-failed") {
      // Requests served so far were promised shares by the records valid until now.
      this.ledger.flush(this.servingMask());
      if (this.dns.setRecord(this.dns.domainId(change.domain), record, change.kind === "published")) refreshContexts(this.plan);
    }
    this.eventLog.push({
      t: change.atMs / 1000,
      kind: "dns",
      target: spec.name,
      action: change.kind,
      domain: change.domain,
      ...(change.kind === "scavenged" ? {} : { eventId: change.kind === "published" ? PublishEventId.Published : PublishEventId.Failed }),
      ...(change.reason === undefined ? {} : { reason: change.reason }),
    });
  }

  private applyScenarioEvent(event: ScenarioEvent): void {
    const now = this.nowMs;
    this.ledger.flush(this.servingMask());
    if (event.kind === "dns") {
      this.dns.up = event.action === "up";
      this.eventLog.push({ t: now / 1000, kind: "dns", target: "dns", action: event.action });
      return;
    }
    if (event.kind === "record") {
      const record = this.dns.recordOf(event);
      if (record !== null && this.dns.deleteRecord(record.domainId, record.endpoint)) refreshContexts(this.plan);
      this.eventLog.push(recordDeletedLog(event, this.dns, now));
      return;
    }
    const host = this.hosts.find((h) => h.spec?.name === event.host);
    if (host === undefined) return;
    // Listeners and connections are not modelled apart from the state: only pending requests need the engine.
    for (const action of host.apply(lifeEventOf(event), now)) if (action.kind === "fail-pending") this.failRequestsAt(host, action.clientSees === "reset");
    this.eventLog.push({ t: now / 1000, kind: "host", target: host.name, action: event.action });
  }
}
