// Runs a sweep's replications: on `workers` worker threads in parallel, one replication
// per thread at a time, or on the main thread (`workers` 0: one after another, yielding
// between slices so progress draws and Ctrl-C is heard). Results arrive through
// `onDone` as each replication ends; a stop (the AbortSignal) ends the sweep at once and
// keeps what finished. A worker that throws or dies fails the whole sweep.

import { KmssimError } from "../core/kmssim-error.js";
import { Worker } from "node:worker_threads";
import { formatCount } from "../format/format-number.js";
import type { FromPlanWorker, ToPlanWorker } from "./plan-wire.js";
import type { Result } from "../results/result.js";
import type { ReplicationMetrics } from "./replication-metrics.js";
import { Replication, type ReplicationTask } from "./replication.js";

export interface ReplicationCallbacks {
  onProgress(run: number, fraction: number): void;
  /** `result` when the task asked to keep it. */
  onDone(run: number, metrics: ReplicationMetrics, result?: Result): void;
}

/** A replication could not be run (a worker threw, exited, or the engine failed): exit 3. */
export class ReplicationFailedError extends KmssimError {
  constructor(message: string) {
    super(message, "KMSSIM_RUN_FAILED");
    this.name = "ReplicationFailedError";
  }
}

/** "3 hosts, 2,400 clients, replication 2 (seed 123)": which run it was, in messages. */
export function describeTask(task: ReplicationTask): string {
  return `${task.scenario.hosts.length} host(s), ${formatCount(task.clients)} clients, replication ${task.replication + 1} (seed ${task.seed})`;
}

/** Resolves `{ interrupted: true }` when `stop` fired before every replication finished. */
export function runReplications(
  tasks: readonly ReplicationTask[],
  workers: number,
  callbacks: ReplicationCallbacks,
  stop: AbortSignal,
): Promise<{ interrupted: boolean }> {
  return workers === 0 ? runOnMainThread(tasks, callbacks, stop) : runOnWorkers(tasks, workers, callbacks, stop);
}

async function runOnMainThread(tasks: readonly ReplicationTask[], callbacks: ReplicationCallbacks, stop: AbortSignal): Promise<{ interrupted: boolean }> {
  for (const task of tasks) {
    if (stop.aborted) return { interrupted: true };
    let replication: Replication;
    try {
      replication = new Replication(task);
      // Bounded by the simulated duration: every step advances the engine.
      while (!replication.step()) {
        callbacks.onProgress(task.run, replication.fraction);
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (stop.aborted) return { interrupted: true };
      }
    } catch (err) {
      throw new ReplicationFailedError(`running ${describeTask(task)} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    const { metrics, result } = replication.outcome();
    callbacks.onDone(task.run, metrics, result);
  }
  return { interrupted: false };
}

function runOnWorkers(
  tasks: readonly ReplicationTask[],
  workers: number,
  callbacks: ReplicationCallbacks,
  stop: AbortSignal,
): Promise<{ interrupted: boolean }> {
  if (stop.aborted) return Promise.resolve({ interrupted: true });
  return new Promise((resolve, reject) => {
    const pool: Worker[] = [];
    /** The task each worker is running; a worker without one is done. */
    const running = new Map<Worker, ReplicationTask>();
    let next = 0;
    let settled = false;

    const finish = (outcome: { interrupted: boolean } | Error): void => {
      if (settled) return;
      settled = true;
      stop.removeEventListener("abort", onStop);
      // Terminate before settling: nothing keeps running while the caller prints.
      void Promise.all(pool.map((w) => w.terminate())).then(() => (outcome instanceof Error ? reject(outcome) : resolve(outcome)));
    };
    const onStop = (): void => finish({ interrupted: true });
    const feed = (worker: Worker): void => {
      if (next < tasks.length) {
        const task = tasks[next++];
        running.set(worker, task);
        const message: ToPlanWorker = { type: "run", task };
        worker.postMessage(message);
        return;
      }
      running.delete(worker);
      if (running.size === 0) finish({ interrupted: false });
    };

    stop.addEventListener("abort", onStop, { once: true });
    const count = Math.max(1, Math.min(workers, tasks.length));
    for (let k = 0; k < count && tasks.length > 0; k++) {
      const worker = new Worker(new URL("./plan-worker.js", import.meta.url));
      pool.push(worker);
      worker.on("message", (message: FromPlanWorker) => {
        if (settled) return;
        if (message.type === "progress") {
          callbacks.onProgress(message.run, message.fraction);
          return;
        }
        callbacks.onDone(message.run, message.metrics, message.result);
        feed(worker);
      });
      worker.on("error", (err) => {
        const task = running.get(worker);
        finish(new ReplicationFailedError(`a plan worker failed${task === undefined ? "" : ` running ${describeTask(task)}`}: ${err.message}`));
      });
      worker.on("exit", (code) => {
        const task = running.get(worker);
        // Workers end when terminated after the sweep; only one that quits mid-run is a failure.
        if (task !== undefined) finish(new ReplicationFailedError(`a plan worker exited with code ${code} while running ${describeTask(task)}`));
      });
      feed(worker);
    }
    if (tasks.length === 0) finish({ interrupted: false });
  });
}
