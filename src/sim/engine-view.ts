// What the invariant checker and the fault sites see of the virtual engine: its state and
// the few calls they make. The engine implements it; they depend on this, not on the engine,
// so the engine can own them without an import cycle.

import type { ClientAction } from "../core/client/client-action.js";
import type { ClientFleet } from "../core/client/client-fleet.js";
import { Code } from "../core/errors.js";
import type { ClientTally } from "../results/client-tally.js";
import type { Scenario } from "../scenario/model.js";
import type { SimHost } from "./sim-host.js";

/** Kinds of heap events; the payload is `client << 2 | kind`. */
export const enum Ev {
  Timer = 0,
  DnsReply = 1,
  HostArrival = 2,
  RpcReply = 3,
}

/** Outcome stored for an RPC in flight: the host refused, reset or never answered. */
export const UNREACHABLE = Code.RpcServerUnavailable;

/** An event fixed in advance (a scenario event, a DNS change, a sample). */
export interface FixedEvent {
  atMs: number;
  isSample: boolean;
  /** What it is, for messages: "crash kms2", "dns down", "published kms1", "sample". */
  label: string;
  /** The host a scenario event acted on (endpoint index), else -1. */
  host: number;
  run: () => void;
}

/** Told after every step of the engine (the invariant checker, a fault site). */
export interface StepObserver {
  afterEvent(client: number, kind: number): void;
  afterFixed(event: FixedEvent): void;
  atEnd(): void;
}

export interface EngineView {
  readonly scenario: Scenario;
  readonly hosts: readonly SimHost[];
  readonly fleet: ClientFleet;
  readonly tally: ClientTally;
  readonly nowMs: number;
  readonly lastAction: Readonly<ClientAction>;
  pendingEventCount(): number;
  replyAtMs(i: number): number;
  pendingStatus(i: number): number;
  injectEvent(atMs: number, i: number, kind: Ev): void;
}
