// One simulated KMS host in virtual time: the core's host logic and FIFO service queue,
// plus the fault state the scenario's events drive (crash, hang, slow, recover, decommission).

import { newHostCounters, type HostCounters, type KmsHostLogic } from "../core/host/host-logic.js";
import { MultiServerQueue } from "../core/host/service-queue.js";
import { hostLogicFromSpec } from "../plan/host-logic-from-spec.js";
import type { HostSpec } from "../scenario/model.js";

export enum HostState {
  Up = 0,
  /** Accepts connections, never answers. */
  Hung = 1,
  /** Listener closed: connections are refused. */
  Down = 2,
  /** Gone for good; its DNS records stay until deleted or scavenged. */
  Decommissioned = 3,
}

export class SimHost {
  readonly logic: KmsHostLogic;
  readonly queue: MultiServerQueue;
  state = HostState.Up;
  serviceTimeMs: number;

  // What the run measures: every request, or in a shard (--shard) only its own clients'.
  // The state above is the whole fleet's: every shard simulates every client.
  requests = 0;
  /** Requests served, like `slmgr /dlv` (logic.counters holds the whole fleet's). */
  readonly dlv: HostCounters = newHostCounters();
  activations = 0;
  renewals = 0;
  /** Arrived while the host was down: connection refused. */
  refused = 0;
  /** Arrived while the host was hung: accepted, never answered. */
  unanswered = 0;
  /** Queued or in service when the host crashed or hung: the answer never left. */
  lost = 0;
  /** Answered after the client's RPC timeout had already expired. */
  late = 0;

  constructor(readonly index: number, readonly spec: HostSpec | null) {
    this.logic = hostLogicFromSpec(spec);
    this.queue = new MultiServerQueue(spec?.concurrency ?? 1);
    this.serviceTimeMs = spec?.serviceTimeMs ?? 0;
    // An endpoint without a spec is an SRV target that names no host: nothing listens.
    if (spec === null) this.state = HostState.Decommissioned;
  }

  get name(): string {
    return this.spec?.name ?? `endpoint-${this.index}`;
  }

  /** Up or slow: serving requests (what the SRV records promise to clients). */
  get serving(): boolean {
    return this.state === HostState.Up;
  }

  get stateName(): "up" | "hung" | "down" | "decommissioned" {
    return (["up", "hung", "down", "decommissioned"] as const)[this.state];
  }

  get acceptsConnections(): boolean {
    return this.state === HostState.Up || this.state === HostState.Hung;
  }

  /** Returns true if the host was serving (its pending work is now lost). */
  crash(nowMs: number): boolean {
    if (this.state === HostState.Decommissioned || this.state === HostState.Down) return false;
    const wasServing = this.state === HostState.Up;
    this.state = HostState.Down;
    this.queue.reset(nowMs);
    return wasServing;
  }

  /** A hang only affects a serving host (a crashed one stays crashed). */
  hang(): boolean {
    if (this.state !== HostState.Up) return false;
    this.state = HostState.Hung;
    return true;
  }

  slow(serviceTimeMs: number): void {
    this.serviceTimeMs = serviceTimeMs;
  }

  recover(nowMs: number): void {
    if (this.state === HostState.Decommissioned) return;
    if (this.state !== HostState.Up) this.queue.reset(nowMs);
    this.state = HostState.Up;
    this.serviceTimeMs = this.spec?.serviceTimeMs ?? 0;
  }

  /** Returns true if the host was serving (its pending work is now lost). */
  decommission(nowMs: number): boolean {
    const wasServing = this.state === HostState.Up;
    this.state = HostState.Decommissioned;
    this.queue.reset(nowMs);
    return wasServing;
  }
}
