// The main thread's handle on the hosts' side of a run (HostServices): on a thread of its
// own, or in process (--workers 0). The orchestrator sees the same calls either way.

import { Worker } from "node:worker_threads";
import type { CompressedClock } from "../compressed-clock.js";
import type { ThreadLoad } from "../fleet/thread-load.js";
import { RunFailedError } from "../run-failed-error.js";
import {
  DnsUnansweredError,
  HostServices,
  type ServicesLive,
  type ServicesNotify,
  type ServicesReady,
  type ServicesReport,
  type ServicesSetup,
} from "./host-services.js";
import type { FromServices, ServicesWorkerData, ToServices } from "./services-wire.js";

export interface ServicesLinkNotify extends ServicesNotify {
  /** The hosts' thread died mid-run: its own books are lost, the clients' view remains. */
  failed(message: string): void;
}

export interface ServicesLink {
  /** Listeners, DNS and the records of simulated time 0; rejects when set-up fails. */
  start(): Promise<ServicesReady>;
  /** The run's clock started: events, scavenging and samples from now on. */
  run(clock: CompressedClock): void;
  /** No more events, scavenging or samples (Ctrl-C, a failure). */
  halt(): void;
  /** The hosts' latest live counters (on their own thread: up to ~100 ms old). */
  live(): ServicesLive;
  /** The hosts' thread's worst event-loop delay since the last call (wall ms; 0 in process). */
  takeLagMs(): number;
  /** The hosts' books once the fleet stopped; rejects when their thread died. */
  finish(nowMs: number): Promise<{ report: ServicesReport; thread: ThreadLoad | null }>;
  /** Stops every listener and the DNS server; never hangs the process. */
  close(): Promise<void>;
}

/** Said when the hosts' thread dies: the run cannot report the hosts' own counts. */
const HOST_BOOKS_LOST = "the hosts' own counts are lost (the clients' view of them is reported)";
/** How long the hosts' thread gets to close its listeners before it is terminated. */
const CLOSE_LIMIT_MS = 2000;
/**
 * How long the hosts' thread may take to hand over its books at the end (it waits for the
 * DNS updates in flight, each bounded by its own timeouts). Past it the run ends with the
 * clients' view of the hosts, instead of waiting for ever on a stuck thread.
 */
const FINISH_LIMIT_MS = 10_000;

export function servicesLink(setup: ServicesSetup, notify: ServicesLinkNotify, options: { onThread: boolean; fault: string | null }): ServicesLink {
  return options.onThread ? threadLink(setup, notify, options.fault) : inProcessLink(setup, notify, options.fault);
}

function setupError(message: string, unanswered: boolean): Error {
  return unanswered ? new RunFailedError(message) : new Error(message);
}

function inProcessLink(setup: ServicesSetup, notify: ServicesLinkNotify, fault: string | null): ServicesLink {
  const services = new HostServices(setup, notify, fault === "event-fail");
  return {
    start: () => services.start().catch((err: Error) => Promise.reject(setupError(err.message, err instanceof DnsUnansweredError))),
    run: (clock) => services.run(clock),
    halt: () => services.halt(),
    live: () => services.live(),
    // The main thread's own monitor measures this thread.
    takeLagMs: () => 0,
    finish: async (nowMs) => ({ report: await services.finish(nowMs), thread: null }),
    close: () => services.close(),
  };
}

function threadLink(setup: ServicesSetup, notify: ServicesLinkNotify, fault: string | null): ServicesLink {
  const data: ServicesWorkerData = { setup, fault };
  const worker = new Worker(new URL("./services-worker.js", import.meta.url), { workerData: data });
  let live: ServicesLive = { hosts: [] };
  let lagMs = 0;
  let exited = false;
  let closing = false;
  const pending: { ready?: Deferred<ServicesReady>; finished?: Deferred<{ report: ServicesReport; thread: ThreadLoad }>; closed?: Deferred<void> } = {};
  const post = (message: ToServices): void => {
    if (!exited) worker.postMessage(message);
  };
  const fail = (message: string): void => {
    const error = new RunFailedError(message);
    if (pending.ready !== undefined) pending.ready.reject(error);
    else if (!closing) notify.failed(message);
    pending.finished?.reject(error);
    pending.closed?.resolve();
  };
  worker.on("message", (message: FromServices) => {
    switch (message.type) {
      case "ready":
        pending.ready?.resolve(message.ready);
        pending.ready = undefined;
        return;
      case "setup-failed":
        pending.ready?.reject(setupError(message.message, message.unanswered));
        pending.ready = undefined;
        return;
      case "serving":
        return notify.serving(message.mask);
      case "warning":
        return notify.warning(message.message);
      case "event-failed":
        return notify.eventFailed(message.message);
      case "progress":
        live = message.live;
        lagMs = Math.max(lagMs, message.lagMs);
        return;
      case "finished":
        pending.finished?.resolve({ report: message.report, thread: message.thread });
        return;
      case "closed":
        pending.closed?.resolve();
        return;
    }
  });
  worker.on("error", (err) => fail(`the hosts' thread failed: ${err.message}; ${HOST_BOOKS_LOST}`));
  worker.on("exit", (code) => {
    exited = true;
    fail(`the hosts' thread exited with code ${code}; ${HOST_BOOKS_LOST}`);
  });
  return {
    start: () => {
      pending.ready = deferred();
      return pending.ready.promise;
    },
    run: (clock) => post({ type: "run", clockBuffer: clock.segments.buffer }),
    halt: () => post({ type: "halt" }),
    live: () => live,
    takeLagMs: () => {
      const worst = lagMs;
      lagMs = 0;
      return worst;
    },
    finish: (nowMs) => {
      if (exited) return Promise.reject(new RunFailedError(`the hosts' thread ended early; ${HOST_BOOKS_LOST}`));
      const finished = deferred<{ report: ServicesReport; thread: ThreadLoad }>();
      pending.finished = finished;
      post({ type: "finish", nowMs });
      const watchdog = setTimeout(
        () => finished.reject(new RunFailedError(`the hosts' thread did not hand over its books within ${FINISH_LIMIT_MS / 1000} s; ${HOST_BOOKS_LOST}`)),
        FINISH_LIMIT_MS,
      );
      return finished.promise.finally(() => clearTimeout(watchdog));
    },
    close: async () => {
      closing = true;
      if (!exited) {
        pending.closed = deferred();
        post({ type: "close" });
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([pending.closed.promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_LIMIT_MS)))]);
        clearTimeout(timer);
      }
      // Whatever the thread still holds must not keep the process alive: its listeners are closed.
      worker.unref();
      if (!exited) void worker.terminate().catch(() => undefined);
    },
  };
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A rejection nobody awaits (the thread died between calls) is not an unhandled one.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
