// The model's invariants, checked after every event of a virtual run (`kmssim run
// --check`, always on in the tests; FoundationDB / VOPR style). Each client event is
// checked for what it touched (its client, the host it reached) plus O(hosts) books;
// every client is swept only at timeline samples and at the end.
//
//   time-monotonic     simulated time never goes back; nothing is scheduled in the past.
//   one-pending-event  a client has exactly one live event pending while it waits (its
//                      timer, DNS reply, host arrival or reply) and none otherwise; an
//                      event only fires for a client waiting for that kind; the queue
//                      holds exactly those plus the stale replies faults left behind.
//   legal-transition   no client reaches Error; a client changes state only in its events.
//   removed-host       no request goes to a host the client removed from its candidates
//                      during this attempt (checked when it is sent).
//   count-capacity     each host's CMID count per product stays within its cache size (default 2 × threshold).
//   cached-host        an activated client with host caching has cached the host that
//                      answered its last successful request; without caching, none.
//   rpc-books          per kind (activation, renewal, DNS): sent = ok + failed + in flight;
//                      one reply records exactly one outcome.
//   host-books         per host: arrivals = requests + refused + unanswered; over all
//                      hosts, refused + unanswered + lost + late = unreachable outcomes
//                      recorded + unreachable replies still on their way; after a host
//                      crashes, hangs or is decommissioned, no answer from it is on its way.
//
// Host scenario events get a full sweep too: the engine already walks every client for
// them, and it is how a request the host held but did not count as lost is found.
//
// The checker keeps a shadow of each client's state (what it last saw), so it knows
// the state before each event without the engine telling it.

import { ActionKind } from "../core/client/client-action.js";
import { Phase, PHASE_NAMES } from "../core/client/transitions.js";
import { CMID_CAPACITY_FACTOR } from "../core/host/thresholds.js";
import type { OutcomeStats } from "../results/outcome-stats.js";
import { InvariantViolation, type InvariantName, type ViolationEvent } from "./invariant-violation.js";
import type { SimHost } from "./sim-host.js";
import { UNREACHABLE, type EngineView, type FixedEvent, type StepObserver } from "./engine-view.js";

export type { StepObserver };

/** What the engine calls after each step when checking (or a fault site) is on. */

// Event kinds, as the engine's heap payload carries them (`client << 2 | kind`).
const TIMER = 0;
const DNS_REPLY = 1;
const HOST_ARRIVAL = 2;
const RPC_REPLY = 3;
export const EVENT_KIND_NAMES = ["timer", "dns-reply", "host-arrival", "rpc-reply"] as const;

// Shadow states: what a client is waiting for.
const IDLE_TIMER = 0;
const IDLE_NONE = 1; // its next timer falls after the end of the run
const AWAIT_DNS = 2;
const AWAIT_ACTIVATION = 3;
const AWAIT_RENEWAL = 4;
const STATE_NAMES = ["idle (timer pending)", "idle (no timer before the end)", "awaiting DNS", "awaiting an activation reply", "awaiting a renewal reply"];

export class InvariantChecker implements StepObserver {
  /** Events checked: client events, scenario events, DNS changes and samples. */
  eventsChecked = 0;
  /** Full sweeps over every client (samples and the end). */
  sweeps = 0;

  private readonly state: Uint8Array;
  /** Endpoint each client's request went to, as of its last event (-1 none). */
  private readonly target: Int8Array;
  /** Endpoint that answered each client's last successful request (-1 none). */
  private readonly okHost: Int8Array;
  private readonly inState = [0, 0, 0, 0, 0];
  /** Requests that reached each endpoint (HostArrival events). */
  private readonly arrivals: Float64Array;
  /** Replies scheduled as unreachable (refused, unanswered, lost, late) not yet recorded. */
  private pendingUnreachable = 0;
  /** Reply events skipped because a fault had rescheduled the reply. */
  private staleSkipped = 0;
  private lastNowMs = 0;
  private lastEnded = 0;
  private lastOk = 0;
  private lastUnreachable = 0;
  private lastLost = 0;
  private readonly durationMs: number;

  // The event being checked, for the message.
  private eventKind = "";
  private eventClient = -1;
  private eventHost = -1;

  constructor(private readonly engine: EngineView) {
    const n = engine.fleet.size;
    this.state = new Uint8Array(n); // every client starts idle with its install timer
    this.inState[IDLE_TIMER] = n;
    this.target = new Int8Array(n).fill(-1);
    this.okHost = new Int8Array(n).fill(-1);
    // A client that starts licensed (startLicensed) was last answered, before the run, by the host it caches from install.
    for (let i = 0; i < n; i++) if (engine.fleet.validUntilMs(i) > 0) this.okHost[i] = engine.fleet.cachedHost(i);
    this.arrivals = new Float64Array(engine.hosts.length);
    this.durationMs = engine.scenario.durationMs;
  }

  afterEvent(i: number, kind: number): void {
    const engine = this.engine;
    const fleet = engine.fleet;
    const now = engine.nowMs;
    this.eventsChecked++;
    this.eventKind = EVENT_KIND_NAMES[kind];
    this.eventClient = i;
    const pre = this.state[i];
    const preTarget = this.target[i];
    this.eventHost = kind === HOST_ARRIVAL || kind === RPC_REPLY ? preTarget : -1;
    if (!(now >= this.lastNowMs)) this.fail("time-monotonic", `this event is at ${now} ms, after one at ${this.lastNowMs} ms`);
    this.lastNowMs = now;

    const { activation, renewal } = engine.tally;
    const ended = activation.ok + activation.failed + renewal.ok + renewal.failed;
    const recorded = ended - this.lastEnded;
    this.lastEnded = ended;
    if (kind === RPC_REPLY && recorded === 0) {
      // A stale reply: a crash or hang rescheduled it; the engine skips it.
      this.staleSkipped++;
      this.checkBooks();
      return;
    }

    if (fleet.phase(i) === Phase.Error) {
      this.fail("legal-transition", `client ${i} got a ${this.eventKind} it cannot take while ${STATE_NAMES[pre]}: it is now in Error`);
    }
    const expected = kind === TIMER ? pre === IDLE_TIMER : kind === DNS_REPLY ? pre === AWAIT_DNS : pre === AWAIT_ACTIVATION || pre === AWAIT_RENEWAL;
    if (!expected) this.fail("one-pending-event", `a ${this.eventKind} fired for client ${i} while it was ${STATE_NAMES[pre]}`);

    if (kind === HOST_ARRIVAL) {
      this.onArrival(i, now);
    } else {
      if (kind === RPC_REPLY) this.onReply(i, preTarget, recorded);
      this.enter(i, pre, now);
    }
    this.checkCachedHost(i);
    this.checkBooks();
  }

  afterFixed(event: FixedEvent): void {
    const engine = this.engine;
    const now = engine.nowMs;
    this.eventsChecked++;
    this.eventKind = event.label;
    this.eventClient = -1;
    this.eventHost = event.host;
    if (!(now >= this.lastNowMs)) this.fail("time-monotonic", `this event is at ${now} ms, after one at ${this.lastNowMs} ms`);
    this.lastNowMs = now;
    // A crash, hang or decommission turned the replies its host held into unreachable ones.
    const lost = this.lostTotal();
    this.pendingUnreachable += lost - this.lastLost;
    this.lastLost = lost;
    for (const host of engine.hosts) for (const product of host.logic.productIds) this.checkCount(host, product, now);
    this.checkBooks();
    if (event.isSample || event.host >= 0) this.sweep(event.host);
  }

  atEnd(): void {
    this.eventsChecked++;
    this.eventKind = "end";
    this.eventClient = -1;
    this.eventHost = -1;
    const now = this.engine.nowMs;
    if (!(now >= this.lastNowMs)) this.fail("time-monotonic", `the run ends at ${now} ms, after an event at ${this.lastNowMs} ms`);
    for (const host of this.engine.hosts) for (const product of host.logic.productIds) this.checkCount(host, product, now);
    this.checkBooks();
    this.sweep();
  }

  /** A request reached its host: counted once there, its reply scheduled. */
  private onArrival(i: number, now: number): void {
    const engine = this.engine;
    const h = engine.fleet.targetHost(i);
    const host = engine.hosts[h];
    this.arrivals[h]++;
    const counted = host.books.requests + host.books.refused + host.books.unanswered;
    if (counted !== this.arrivals[h]) {
      this.fail(
        "host-books",
        `${this.arrivals[h]} requests reached ${host.name}, but it counts requests ${host.books.requests} + refused ${host.books.refused} + unanswered ${host.books.unanswered} = ${counted}`,
      );
    }
    const replyAt = engine.replyAtMs(i);
    if (!(replyAt >= now)) this.fail("time-monotonic", `client ${i}'s reply was scheduled at ${replyAt} ms, before now`);
    if (engine.pendingStatus(i) === UNREACHABLE) this.pendingUnreachable++;
    this.checkCount(host, engine.fleet.groupOf(i).product, now);
  }

  /** A reply (answer, refusal or timeout) ended client i's request to `answeredBy`. */
  private onReply(i: number, answeredBy: number, recorded: number): void {
    if (recorded !== 1) this.fail("rpc-books", `one reply recorded ${recorded} outcomes`);
    const unreachable = this.unreachableRecorded();
    this.pendingUnreachable -= unreachable - this.lastUnreachable;
    this.lastUnreachable = unreachable;
    if (this.pendingUnreachable < 0)
      this.fail("host-books", `client ${i} recorded an unreachable outcome that no host counted as refused, unanswered, lost or late`);
    const { activation, renewal } = this.engine.tally;
    const ok = activation.ok + renewal.ok;
    if (ok !== this.lastOk) {
      this.okHost[i] = answeredBy;
      this.lastOk = ok;
    }
  }

  /** Moves client i's shadow to what it waits for after this event. */
  private enter(i: number, pre: number, now: number): void {
    const engine = this.engine;
    const fleet = engine.fleet;
    const phase = fleet.phase(i);
    let next: number;
    if (phase === Phase.AwaitingDns) {
      next = AWAIT_DNS;
    } else if (phase === Phase.AwaitingRpc) {
      next = fleet.isRenewal(i) ? AWAIT_RENEWAL : AWAIT_ACTIVATION;
      this.eventHost = fleet.targetHost(i);
      this.checkSend(i);
    } else {
      const action = engine.lastAction;
      if (action.kind !== ActionKind.Wait) this.fail("legal-transition", `client ${i} is idle, but its last action was not to wait`);
      if (!(action.atMs >= now)) this.fail("time-monotonic", `client ${i} set its timer for ${action.atMs} ms, before now`);
      next = action.atMs <= this.durationMs ? IDLE_TIMER : IDLE_NONE;
    }
    this.inState[pre]--;
    this.inState[next]++;
    this.state[i] = next;
    this.target[i] = fleet.targetHost(i);
  }

  /** Client i has just sent a request: not to a host it removed this attempt. */
  private checkSend(i: number): void {
    const fleet = this.engine.fleet;
    const h = fleet.targetHost(i);
    if (h < 0 || h >= this.engine.hosts.length) this.fail("removed-host", `client ${i} sent a request to endpoint ${h}, which does not exist`);
    if (((fleet.removedMask(i) >>> h) & 1) !== 0) {
      this.fail(
        "removed-host",
        `client ${i} sent a request to ${this.engine.hosts[h].name}, which it had removed from its candidates after it failed this attempt`,
      );
    }
  }

  private checkCachedHost(i: number): void {
    const fleet = this.engine.fleet;
    const cached = fleet.cachedHost(i);
    if (fleet.groupOf(i).hostCaching) {
      if (fleet.validUntilMs(i) > 0 && cached !== this.okHost[i]) {
        this.fail("cached-host", `client ${i} has cached ${this.hostName(cached)}, but ${this.hostName(this.okHost[i])} answered its last successful request`);
      }
    } else if (cached !== -1) {
      this.fail("cached-host", `client ${i} does not cache hosts, yet has cached ${this.hostName(cached)}`);
    }
  }

  private checkCount(host: SimHost, product: Parameters<SimHost["logic"]["countOf"]>[0], now: number): void {
    const cacheSize = host.logic.cacheSizeFor(product);
    if (cacheSize === undefined) return;
    const count = host.logic.countOf(product, now);
    if (count > cacheSize) {
      const name = host.logic.catalog[product].name;
      this.fail(
        "count-capacity",
        `${host.name} counts ${count} machines for ${name}, more than its CMID cache size ${cacheSize} (default ${CMID_CAPACITY_FACTOR} × threshold)`,
      );
    }
  }

  /** The O(1) and O(hosts) books, after every event. */
  private checkBooks(): void {
    const engine = this.engine;
    const { activation, renewal, dns } = engine.tally;
    this.checkKind("activation", activation, this.inState[AWAIT_ACTIVATION]);
    this.checkKind("renewal", renewal, this.inState[AWAIT_RENEWAL]);
    this.checkKind("DNS", dns, this.inState[AWAIT_DNS]);
    let faults = 0;
    let lost = 0;
    for (const host of engine.hosts) {
      faults += host.books.refused + host.books.unanswered + host.books.lost + host.books.late;
      lost += host.books.lost;
    }
    if (lost !== this.lastLost) this.fail("host-books", `hosts counted ${lost - this.lastLost} lost requests outside a crash, hang or decommission`);
    const unreachable = this.unreachableRecorded();
    if (faults !== unreachable + this.pendingUnreachable) {
      this.fail(
        "host-books",
        `hosts count ${faults} refused, unanswered, lost or late requests, but clients recorded ${unreachable} unreachable outcomes with ${this.pendingUnreachable} more on their way`,
      );
    }
    const waiting = this.inState[IDLE_TIMER] + this.inState[AWAIT_DNS] + this.inState[AWAIT_ACTIVATION] + this.inState[AWAIT_RENEWAL];
    const stale = lost - this.staleSkipped;
    const queued = engine.pendingEventCount();
    if (queued !== waiting + stale) {
      this.fail("one-pending-event", `${queued} events are queued, but ${waiting} clients wait for one each and ${stale} stale replies remain`);
    }
  }

  private checkKind(name: string, stats: OutcomeStats, inFlight: number): void {
    if (stats.sent !== stats.ok + stats.failed + inFlight) {
      this.fail("rpc-books", `${name}: sent ${stats.sent} ≠ ok ${stats.ok} + failed ${stats.failed} + in flight ${inFlight}`);
    }
  }

  /**
   * Every client: its phase matches its shadow, and the per-event rules hold for it.
   * After a fault on endpoint `faulted` (-1: none), no answer from it may still be due.
   */
  private sweep(faulted = -1): void {
    this.sweeps++;
    const engine = this.engine;
    const fleet = engine.fleet;
    const failedHost = faulted >= 0 && !engine.hosts[faulted].lifecycle.serving ? faulted : -1;
    let pendingUnreachable = 0;
    for (let i = 0; i < fleet.size; i++) {
      const phase = fleet.phase(i);
      const shadow = this.state[i];
      const expected =
        phase === Phase.Idle
          ? IDLE_TIMER
          : phase === Phase.AwaitingDns
            ? AWAIT_DNS
            : phase === Phase.AwaitingRpc
              ? fleet.isRenewal(i)
                ? AWAIT_RENEWAL
                : AWAIT_ACTIVATION
              : -1;
      if (expected === -1) this.fail("legal-transition", `client ${i} is in Error`);
      if (expected !== shadow && !(expected === IDLE_TIMER && shadow === IDLE_NONE)) {
        this.fail("legal-transition", `client ${i} is ${PHASE_NAMES[phase]}, but its last event left it ${STATE_NAMES[shadow]}`);
      }
      if (phase === Phase.AwaitingRpc) this.checkSend(i);
      this.checkCachedHost(i);
      if (engine.replyAtMs(i) !== -1) {
        if (engine.pendingStatus(i) === UNREACHABLE) pendingUnreachable++;
        else if (fleet.targetHost(i) === failedHost) {
          this.fail("host-books", `${engine.hosts[failedHost].name} stopped serving, yet its answer to client ${i} is still on its way`);
        }
      }
    }
    if (pendingUnreachable !== this.pendingUnreachable) {
      this.fail("host-books", `${pendingUnreachable} unreachable replies are pending, but the books expect ${this.pendingUnreachable}`);
    }
  }

  private unreachableRecorded(): number {
    const { activation, renewal } = this.engine.tally;
    return (activation.errors.get(UNREACHABLE) ?? 0) + (renewal.errors.get(UNREACHABLE) ?? 0);
  }

  private lostTotal(): number {
    let lost = 0;
    for (const host of this.engine.hosts) lost += host.books.lost;
    return lost;
  }

  private hostName(endpoint: number): string {
    return endpoint < 0 ? "no host" : (this.engine.hosts[endpoint]?.name ?? `endpoint ${endpoint}`);
  }

  private fail(invariant: InvariantName, detail: string): never {
    const event: ViolationEvent = {
      kind: this.eventKind,
      client: this.eventClient,
      host: this.eventHost >= 0 ? this.hostName(this.eventHost) : null,
      number: this.eventsChecked,
    };
    throw new InvariantViolation(invariant, detail, this.engine.scenario.seed, this.engine.nowMs, event);
  }
}
