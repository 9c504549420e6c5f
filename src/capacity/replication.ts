// One replication of a sweep point: the virtual engine over the templated scenario with
// the replication's seed, stepped in slices so the caller can report progress (and, on
// the main thread, yield to hear Ctrl-C) between them. Shared by the worker threads and
// `--workers 0`.

import { buildResult } from "../results/build-result.js";
import type { Result } from "../results/result.js";
import type { Scenario } from "../scenario/model.js";
import { VirtualEngine } from "../sim/virtual-engine.js";
import { replicationMetrics, type ReplicationMetrics } from "./replication-metrics.js";

/** Everything a worker needs for one run (structured-cloneable). */
export interface ReplicationTask {
  /** Index in the sweep's run list. */
  run: number;
  /** The point's templated scenario; its seed is replaced by `seed`. */
  scenario: Scenario;
  clients: number;
  replication: number;
  seed: number;
  /** Send the whole result back too (compare reads every metric; plan only the metrics). */
  keepResult?: boolean;
}

const EVENTS_PER_SLICE = 250_000;

export class Replication {
  private readonly engine: VirtualEngine;
  private finished = false;

  constructor(private readonly task: ReplicationTask) {
    this.engine = new VirtualEngine({ ...task.scenario, mode: "virtual", seed: task.seed }, { clients: task.clients });
  }

  /** Runs one slice of events; true when the simulated duration is over. */
  step(): boolean {
    if (!this.finished) this.finished = this.engine.step(EVENTS_PER_SLICE);
    return this.finished;
  }

  /** Simulated time done, 0..1. */
  get fraction(): number {
    const durationMs = this.engine.scenario.durationMs;
    return this.finished || durationMs <= 0 ? 1 : this.engine.nowMs / durationMs;
  }

  /** The replication's metrics, and its whole result when the task keeps it (after `step` returned true). */
  outcome(): { metrics: ReplicationMetrics; result?: Result } {
    if (!this.finished) throw new Error("replication not finished");
    const result = buildResult(this.engine.totals(), 0, false);
    const metrics = replicationMetrics(result, this.task.replication, this.task.seed);
    return this.task.keepResult === true ? { metrics, result } : { metrics };
  }
}
