// The virtual engine's fault sites (named and described in self-test/fault-sites.ts), so
// the tests can show that each invariant of invariants.ts fires: each site corrupts the
// run once, in one way that breaks one invariant. Armed by the tests through
// EngineOptions.faultSite, or through the binary with KMSSIM_INJECT_FAULT=<site>. Never
// armed in a normal run.
//
// Sites that corrupt state do it just before the checker looks at the event that
// triggers them, as if that event had done it; sites that queue a bad event do it just
// after, so the checker finds it at a later event.

import { Mulberry32 } from "../core/rng.js";
import { FAULT_SITES as REGISTRY, type FaultSiteIn, type FaultSiteName } from "../self-test/fault-sites.js";
import { ClientAction } from "../core/client/client-action.js";
import { Phase } from "../core/client/transitions.js";
import type { InvariantName } from "./invariant-violation.js";
import type { InvariantChecker } from "./invariants.js";
import type { EngineView, FixedEvent, StepObserver } from "./engine-view.js";

export type FaultSite = FaultSiteIn<"virtual">;

// Typed InvariantName: a registry entry whose `breaks` names no invariant fails to compile.
const invariantBrokenBy = (site: FaultSite): InvariantName => REGISTRY[site].breaks;

/** Each virtual site and the invariant it breaks. */
export const FAULT_SITES = Object.fromEntries(
  (Object.keys(REGISTRY) as FaultSiteName[]).filter((s): s is FaultSite => REGISTRY[s].area === "virtual").map((s) => [s, invariantBrokenBy(s)]),
) as Record<FaultSite, InvariantName>;

// The client record layout of core/client/client-fleet.ts, for the sites that corrupt
// a client's own fields (a record is 128 bytes).
const RECORD_BYTES = 128;
const REMOVED_MASK_I32 = 12;
const CACHED_HOST_BYTE = 62;

const EV_TIMER = 0;
const EV_HOST_ARRIVAL = 2;
const EV_RPC_REPLY = 3;

type Corruption = (engine: EngineView, client: number, kind: number) => boolean;

/** Before the checker: returns true once it has corrupted the run. */
const BEFORE_CHECK: Partial<Record<FaultSite, Corruption>> = {
  // The host's CMID counter keeps more machines than its cache size (default 2 × threshold).
  "invariant-count": (engine, i, kind) => {
    if (kind !== EV_HOST_ARRIVAL) return false;
    const host = engine.hosts[engine.fleet.targetHost(i)];
    const product = engine.fleet.groupOf(i).product;
    const cacheSize = host.logic.cacheSizeFor(product);
    if (cacheSize === undefined || !host.lifecycle.serving) return false;
    const logic = host.logic;
    const realCountOf = logic.countOf.bind(logic);
    logic.countOf = (p, nowMs) => realCountOf(p, nowMs) + (p === product ? cacheSize + 1 : 0);
    return true;
  },
  // A client sends to a host it has removed from its candidates.
  "invariant-removed-host": (engine, i, kind) => {
    // A request just sent: no reply is scheduled yet (a stale reply event sends nothing).
    if (kind === EV_HOST_ARRIVAL || engine.fleet.phase(i) !== Phase.AwaitingRpc || engine.replyAtMs(i) !== -1) return false;
    new Int32Array(engine.fleet.records)[(i * RECORD_BYTES) / 4 + REMOVED_MASK_I32] |= 1 << engine.fleet.targetHost(i);
    return true;
  },
  // An activated client forgets which host answered it.
  "invariant-cached-host": (engine, i, kind) => {
    const fleet = engine.fleet;
    // A reply just taken (not a stale one), by a client that caches a host.
    if (kind !== EV_RPC_REPLY || engine.replyAtMs(i) !== -1 || !fleet.groupOf(i).hostCaching || fleet.cachedHost(i) < 0) return false;
    const other = engine.hosts.length > 1 ? (fleet.cachedHost(i) + 1) % engine.hosts.length : -1;
    new Int8Array(fleet.records)[i * RECORD_BYTES + CACHED_HOST_BYTE] = other;
    return true;
  },
  // A request is counted as sent but never put on the wire: lost from the books.
  "invariant-books": (engine, i, kind) => {
    if (kind !== EV_TIMER || engine.fleet.phase(i) !== Phase.AwaitingRpc) return false;
    engine.tally.rpc(engine.fleet.isRenewal(i)).sent++;
    return true;
  },
  // A host counts a refusal that never happened.
  "invariant-host-books": (engine, i, kind) => {
    if (kind !== EV_HOST_ARRIVAL) return false;
    engine.hosts[engine.fleet.targetHost(i)].books.refused++;
    return true;
  },
  // The driver hands a client awaiting its reply a timer: an illegal input.
  "invariant-illegal": (engine, i, kind) => {
    if (kind !== EV_HOST_ARRIVAL) return false;
    engine.fleet.onTimer(i, engine.nowMs, new Mulberry32(1), new ClientAction());
    return true;
  },
};

/** After the checker: returns true once it has queued the bad event. */
const AFTER_CHECK: Partial<Record<FaultSite, Corruption>> = {
  // An event in the past: the next step goes back in time.
  "invariant-time": (engine, i, kind) => {
    if (kind !== EV_TIMER || engine.nowMs < 1) return false;
    engine.injectEvent(engine.nowMs - 1, i, EV_TIMER);
    return true;
  },
  // A second pending event for a client that already has one.
  "invariant-double-event": (engine, i, kind) => {
    if (kind !== EV_TIMER) return false;
    engine.injectEvent(engine.nowMs + 1000, i, EV_TIMER);
    return true;
  },
};

class FaultObserver implements StepObserver {
  private armed = true;

  constructor(
    private readonly engine: EngineView,
    private readonly site: FaultSite,
    private readonly checker: InvariantChecker | null,
  ) {}

  afterEvent(client: number, kind: number): void {
    const before = BEFORE_CHECK[this.site];
    if (this.armed && before !== undefined && before(this.engine, client, kind)) this.armed = false;
    this.checker?.afterEvent(client, kind);
    const after = AFTER_CHECK[this.site];
    if (this.armed && after !== undefined && after(this.engine, client, kind)) this.armed = false;
  }

  afterFixed(event: FixedEvent): void {
    this.checker?.afterFixed(event);
  }

  atEnd(): void {
    this.checker?.atEnd();
  }
}

/** Arms `site` on `engine`; the returned observer runs the checker (if any) around it. */
export function armFault(engine: EngineView, site: FaultSite, checker: InvariantChecker | null): StepObserver {
  return new FaultObserver(engine, site, checker);
}
