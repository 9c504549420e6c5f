// One simulated KMS host in virtual time: the core's host logic and FIFO service queue,
// plus the fault state the scenario's events drive (crash, hang, slow, recover, decommission).

import { KmsHostLogic } from "../core/host/host-logic.js";
import { MultiServerQueue } from "../core/host/service-queue.js";
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
  /** Times the host crashed or hung: work in service across one of them is lost. */
  private readonly faultTimesMs: number[] = [];

  requests = 0;
  activations = 0;
  renewals = 0;
  refused = 0;
  unanswered = 0;

  constructor(readonly index: number, readonly spec: HostSpec | null) {
    this.logic = new KmsHostLogic({
      products: spec?.products ?? [],
      activated: spec?.activated ?? true,
      kmsEnabled: spec?.kmsEnabled ?? true,
      activationIntervalMs: spec?.activationIntervalMs ?? null,
      renewalIntervalMs: spec?.renewalIntervalMs ?? null,
    });
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

  crash(nowMs: number): void {
    if (this.state === HostState.Decommissioned) return;
    this.state = HostState.Down;
    this.queue.reset(nowMs);
    this.faultTimesMs.push(nowMs);
  }

  hang(nowMs: number): void {
    if (this.state === HostState.Decommissioned) return;
    this.state = HostState.Hung;
    this.faultTimesMs.push(nowMs);
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

  decommission(nowMs: number): void {
    this.state = HostState.Decommissioned;
    this.queue.reset(nowMs);
    this.faultTimesMs.push(nowMs);
  }

  /** Did a crash or hang happen while a request was in service over (fromMs, toMs]? */
  faultedBetween(fromMs: number, toMs: number): boolean {
    for (let k = this.faultTimesMs.length - 1; k >= 0; k--) {
      const t = this.faultTimesMs[k];
      if (t <= fromMs) return false;
      if (t <= toMs) return true;
    }
    return false;
  }
}
