// The main thread's handle on one slice of the fleet: a worker thread of its own, or the
// slice run in process (--workers 0). Either reports progress and, at the end, its totals.

import { Worker } from "node:worker_threads";
import { CompressedClock } from "../compressed-clock.js";
import { emptyLiveRpcWire } from "../live-metrics/live-rpc-counts.js";
import { RunFailedError } from "../run-failed-error.js";
import { NOT_LOOPBACK, NotLoopbackError } from "./address-guard.js";
import type { SliceProgress } from "./fleet-driver.js";
import { createSlice } from "./slice-runner.js";
import { sliceTotalsToWire, type FromWorker, type SliceSetup, type SliceTotalsWire, type ToWorker } from "./slice-wire.js";
import type { ThreadLoad } from "./thread-load.js";

export interface Slice {
  post(message: ToWorker): void;
  /** Resolves once the slice is built and waits for `start` (or has ended: failed, stopped); never rejects. */
  ready: Promise<void>;
  /** The clock's origin is set: the slice's clients run (a slice stopped before only reports its totals). */
  start(): void;
  done: Promise<SliceTotalsWire>;
  latest: SliceProgress;
  /** The worst lag reported since the pace controller last looked (wall ms). */
  lagSinceLookMs: number;
  /** The worker thread's load, once it reported its totals (null: in-process, or none yet). */
  thread: ThreadLoad | null;
  terminate(): Promise<void>;
}

/** A slice failed because a DNS answer named an address the clients may not connect to. */
export function isNotLoopback(err: unknown): boolean {
  return err instanceof NotLoopbackError || (err as { code?: unknown } | null)?.code === NOT_LOOPBACK;
}

/** The same error, as a NotLoopbackError again when it crossed from a worker thread. */
export function asNotLoopback(err: unknown): NotLoopbackError {
  if (err instanceof NotLoopbackError) return err;
  const e = err as { domain?: string; target?: string; address?: string; message?: string };
  return new NotLoopbackError(e.domain ?? "?", e.target ?? "?", e.address ?? "?");
}

/**
 * A worker reports progress every 50–250 ms once its slice is built; silence this long
 * means its thread is stuck (an endless loop never hears "stop" either). Building a slice
 * plans the whole fleet, so the first report may take much longer on a large fleet.
 */
const WORKER_SILENCE_LIMIT_MS = 10_000;
const WORKER_FIRST_REPORT_LIMIT_MS = 60_000;
const WORKER_WATCH_EVERY_MS = 1_000;
/** Said with every worker failure: the run cannot report what that worker measured. */
const RESULTS_LOST = "its clients' measurements are lost (the other workers' are reported)";

export function workerSlice(setup: SliceSetup): Slice {
  const worker = new Worker(new URL("./fleet-worker.js", import.meta.url), { workerData: setup });
  let heardAtMs = CompressedClock.wallNowMs();
  let reported = false;
  let watchdog: NodeJS.Timeout | undefined;
  let markReady!: () => void;
  const slice: Slice = {
    latest: { activated: 0, licensed: 0, sent: 0, failed: 0, p99Ms: 0, sentBy: [], live: emptyLiveRpcWire(), lagMs: 0 },
    lagSinceLookMs: 0,
    thread: null,
    post: (message) => worker.postMessage(message),
    ready: new Promise((resolve) => (markReady = resolve)),
    start: () => worker.postMessage({ type: "start" } satisfies ToWorker),
    done: new Promise((resolve, reject) => {
      const settle = (error: Error | null, totals?: SliceTotalsWire): void => {
        clearInterval(watchdog);
        markReady();
        if (error === null) resolve(totals!);
        else reject(error);
      };
      worker.on("message", (message: FromWorker) => {
        heardAtMs = CompressedClock.wallNowMs();
        reported = true;
        if (message.type === "ready") markReady();
        else if (message.type === "progress") {
          slice.latest = message;
          slice.lagSinceLookMs = Math.max(slice.lagSinceLookMs, message.lagMs);
        } else {
          slice.thread = message.thread;
          settle(null, message.totals);
        }
      });
      worker.on("error", (err) =>
        settle(isNotLoopback(err) ? asNotLoopback(err) : new RunFailedError(`a fleet worker failed: ${err.message}; ${RESULTS_LOST}`)),
      );
      worker.on("exit", (code) => {
        if (code !== 0) settle(new RunFailedError(`a fleet worker exited with code ${code}; ${RESULTS_LOST}`));
        else settle(new RunFailedError(`a fleet worker exited before reporting its results; ${RESULTS_LOST}`));
      });
      const silentTooLong = (): boolean => CompressedClock.wallNowMs() - heardAtMs > (reported ? WORKER_SILENCE_LIMIT_MS : WORKER_FIRST_REPORT_LIMIT_MS);
      watchdog = setInterval(() => {
        // Messages that queued up while this thread was busy are delivered after timers:
        // look again once they have had their turn.
        if (silentTooLong()) {
          setImmediate(() => {
            if (!silentTooLong()) return;
            const seconds = Math.round((CompressedClock.wallNowMs() - heardAtMs) / 1000);
            settle(new RunFailedError(`a fleet worker stopped responding (no report for ${seconds} s); ${RESULTS_LOST}`));
          });
        }
      }, WORKER_WATCH_EVERY_MS);
    }),
    terminate: async () => {
      clearInterval(watchdog);
      await worker.terminate();
    },
  };
  return slice;
}

export function inProcessSlice(setup: SliceSetup): Slice {
  // Built at once (this thread): ready as soon as it exists.
  const { driver, close } = createSlice(setup);
  let startRun!: () => void;
  const startSignal = new Promise<void>((resolve) => (startRun = resolve));
  const slice: Slice = {
    latest: { activated: 0, licensed: 0, sent: 0, failed: 0, p99Ms: 0, sentBy: [], live: emptyLiveRpcWire(), lagMs: 0 },
    lagSinceLookMs: 0,
    // Its thread is the main one, measured as "main".
    thread: null,
    post: (message) => {
      if (message.type === "serving") driver.setServingMask(message.mask);
      else if (message.type === "start") startRun();
      else {
        driver.stop();
        startRun();
      }
    },
    ready: Promise.resolve(),
    start: () => startRun(),
    // The resolver's socket is closed on failure too, or it would hold the process open.
    done: startSignal
      .then(() => driver.run())
      .then(
        async () => {
          // The final counts, as a worker's last progress message carries them.
          slice.latest = driver.progress();
          await close();
          return sliceTotalsToWire(driver.totals());
        },
        async (err: unknown) => {
          await close();
          throw err;
        },
      ),
    terminate: async () => {
      driver.stop();
      startRun();
    },
  };
  const progress = setInterval(() => {
    slice.latest = driver.progress();
    slice.lagSinceLookMs = Math.max(slice.lagSinceLookMs, slice.latest.lagMs);
  }, 250);
  // Both branches handled: a failed slice is reported through `done`, not as an unhandled rejection.
  const stopProgress = (): void => clearInterval(progress);
  void slice.done.then(stopProgress, stopProgress);
  return slice;
}
