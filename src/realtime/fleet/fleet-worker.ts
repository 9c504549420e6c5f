// Worker-thread entry: runs one slice of the fleet and reports progress and totals.

import { parentPort, workerData } from "node:worker_threads";
import { createSlice } from "./slice-runner.js";
import { sliceTotalsToWire, type FromWorker, type SliceSetup, type ToWorker } from "./slice-wire.js";

/** Progress at least twice per timeline sample (samples read it), within 50–250 ms. */
function progressEveryMs(setup: SliceSetup): number {
  const sampleWallMs = setup.scenario.sampleIntervalMs / setup.scenario.timeScale;
  return Math.min(250, Math.max(50, sampleWallMs / 2));
}

/**
 * Named fault site (simulator self-test): KMSSIM_INJECT_FAULT=worker-throw makes the
 * first worker throw shortly after starting, so tests can check a dead worker fails the
 * run with exit code 3 instead of hanging it.
 */
function injectFault(setup: SliceSetup): void {
  if (process.env.KMSSIM_INJECT_FAULT === "worker-throw" && setup.first === 0) {
    setTimeout(() => {
      throw new Error("injected fault: worker-throw");
    }, 300);
  }
}

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error("fleet-worker must run in a worker thread");
  const { driver, close } = createSlice(workerData as SliceSetup);
  injectFault(workerData as SliceSetup);
  port.on("message", (message: ToWorker) => {
    if (message.type === "serving") driver.setServingMask(message.mask);
    else driver.stop();
  });
  const progress = setInterval(() => {
    const report: FromWorker = { type: "progress", ...driver.progress() };
    port.postMessage(report);
  }, progressEveryMs(workerData as SliceSetup));
  try {
    await driver.run();
  } finally {
    clearInterval(progress);
    await close();
  }
  const done: FromWorker = { type: "done", totals: sliceTotalsToWire(driver.totals()) };
  port.postMessage(done);
  port.close();
}

main().catch((err: unknown) => {
  // Let the main thread see the failure as a worker error (exit code 3 there).
  throw err;
});
