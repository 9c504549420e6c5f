// Worker-thread entry: runs one slice of the fleet and reports progress and totals.

import { writeSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { injectedFaultIn } from "../../self-test/fault-sites.js";
import { createSlice } from "./slice-runner.js";
import { sliceTotalsToWire, type FromWorker, type SliceSetup, type ToWorker } from "./slice-wire.js";
import { ThreadLoadMonitor } from "./thread-load.js";

/** Progress at least twice per timeline sample (samples read it), within 50–250 ms. */
function progressEveryMs(setup: SliceSetup): number {
  const sampleWallMs = setup.scenario.sampleIntervalMs / setup.scenario.timeScale;
  return Math.min(250, Math.max(50, sampleWallMs / 2));
}

/** Wall ms after the worker starts when an injected fault fires. */
const FAULT_DELAY_MS = 300;
/** How long the `worker-slow-build` fault keeps the first worker busy before it builds its slice. */
const SLOW_BUILD_MS = 1500;

/**
 * The fleet worker's fault sites (self-test/fault-sites.ts) hit the first worker only,
 * FAULT_DELAY_MS after it starts, so tests can check the run fails with exit code 3
 * instead of hanging or losing its numbers silently. The fault announces itself on
 * stderr, written synchronously so it is not lost with the thread, and tests measure
 * from that line.
 */
function injectFault(setup: SliceSetup): void {
  const fault = injectedFaultIn("fleet-worker");
  if (fault === undefined || (setup.sliceIndex ?? setup.first) !== 0) return;
  const announce = (): void => {
    writeSync(2, `kmssim: injected fault: ${fault}\n`);
  };
  if (fault === "worker-throw") {
    setTimeout(() => {
      announce();
      throw new Error("injected fault: worker-throw");
    }, FAULT_DELAY_MS);
  } else if (fault === "worker-exit") {
    setTimeout(() => {
      announce();
      process.exit(70);
    }, FAULT_DELAY_MS);
  } else if (fault === "worker-hang") {
    setTimeout(() => {
      announce();
      // Bounded only by the thread's termination: that is the fault.
      for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
    }, FAULT_DELAY_MS);
  }
}

/** The `worker-slow-build` fault: the first worker's thread blocks, as planning a large fleet on a loaded machine does. */
function slowBuild(setup: SliceSetup): void {
  if (injectedFaultIn("fleet-worker") !== "worker-slow-build" || (setup.sliceIndex ?? setup.first) !== 0) return;
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, SLOW_BUILD_MS);
}

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error("fleet-worker must run in a worker thread");
  const setup = workerData as SliceSetup;
  const load = new ThreadLoadMonitor(`worker-${(setup.sliceIndex ?? 0) + 1}`);
  slowBuild(setup);
  const { driver, close } = createSlice(setup);
  injectFault(workerData as SliceSetup);
  let started = false;
  let startRun!: () => void;
  const startSignal = new Promise<void>((resolve) => (startRun = resolve));
  port.on("message", (message: ToWorker) => {
    if (message.type === "serving") driver.setServingMask(message.mask);
    else if (message.type === "start") startRun();
    else {
      driver.stop();
      startRun();
    }
  });
  // From now on, also while it waits for "start": the main thread hears the worker is alive.
  const progress = setInterval(
    () => {
      const progress = driver.progress();
      // A late event loop is lag too, even before it shows in the requests it delays; the
      // loop busy building the slice is not (no request was due yet).
      const loopLagMs = load.takeWindowP99Ms();
      const report: FromWorker = { type: "progress", ...progress, lagMs: started ? Math.max(progress.lagMs, loopLagMs) : 0 };
      port.postMessage(report);
    },
    progressEveryMs(workerData as SliceSetup),
  );
  port.postMessage({ type: "ready" } satisfies FromWorker);
  try {
    await startSignal;
    started = true;
    await driver.run();
  } finally {
    clearInterval(progress);
    await close();
  }
  // The final counts, so the live metrics' last values (a push at the end) are the run's.
  port.postMessage({ type: "progress", ...driver.progress() } satisfies FromWorker);
  const done: FromWorker = { type: "done", totals: sliceTotalsToWire(driver.totals()), thread: load.finish() };
  port.postMessage(done);
  port.close();
}

main().catch((err: unknown) => {
  // Let the main thread see the failure as a worker error (exit code 3 there).
  throw err;
});
