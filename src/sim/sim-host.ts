// One simulated KMS host in virtual time: the core's host logic and FIFO service queue,
// driven by the core's host lifecycle (crash, hang, slow, recover, decommission) and
// counted in the core's host books. This shell carries out the queue's share of the
// lifecycle's actions; the engine fails the clients' pending requests.

import { HostBooks } from "../core/host/host-books.js";
import { HostLifecycle, type HostLifeAction, type HostLifeEvent } from "../core/host/host-lifecycle.js";
import type { KmsHostLogic } from "../core/host/host-logic.js";
import { MultiServerQueue } from "../core/host/service-queue.js";
import { hostLogicFromSpec } from "../fleet-plan/host-logic-from-spec.js";
import type { ProductRules } from "../core/product.js";
import type { HostSpec } from "../scenario/model.js";

export class SimHost {
  readonly logic: KmsHostLogic;
  readonly queue: MultiServerQueue;
  readonly lifecycle: HostLifecycle;
  /**
   * What the run measures: every request, or in a shard (--shard) only its own clients'.
   * The lifecycle and queue are the whole fleet's: every shard simulates every client.
   */
  readonly books: HostBooks;

  constructor(
    readonly index: number,
    readonly spec: HostSpec | null,
    catalog?: readonly ProductRules[],
  ) {
    this.logic = hostLogicFromSpec(spec, 0, catalog);
    this.books = new HostBooks(this.logic.catalog.length);
    this.queue = new MultiServerQueue(spec?.concurrency ?? 1);
    // An endpoint without a spec is an SRV target that names no host: nothing listens.
    this.lifecycle = new HostLifecycle(spec?.serviceTimeMs ?? 0, spec === null ? "decommissioned" : "up");
  }

  get name(): string {
    return this.spec?.name ?? `endpoint-${this.index}`;
  }

  get serviceTimeMs(): number {
    return this.lifecycle.serviceTimeMs;
  }

  /**
   * Feeds a fault in; drops the queue's work when the lifecycle says so and returns the
   * actions, for the engine to fail the requests it holds.
   */
  apply(event: HostLifeEvent, nowMs: number): HostLifeAction[] {
    const actions = this.lifecycle.apply(event);
    // Work in service and waiting is gone: every server is free from now.
    for (const a of actions) if (a.kind === "fail-pending" || a.kind === "discard-pending") this.queue.reset(nowMs);
    return actions;
  }
}
