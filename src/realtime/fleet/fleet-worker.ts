// Worker-thread entry: runs one slice of the fleet and reports progress and totals.

import { parentPort, workerData } from "node:worker_threads";
import { createSlice } from "./slice-runner.js";
import { sliceTotalsToWire, type FromWorker, type SliceSetup, type ToWorker } from "./slice-wire.js";

const PROGRESS_EVERY_MS = 250;

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error("fleet-worker must run in a worker thread");
  const { driver, close } = createSlice(workerData as SliceSetup);
  port.on("message", (message: ToWorker) => {
    if (message.type === "serving") driver.setServingMask(message.mask);
    else driver.stop();
  });
  const progress = setInterval(() => {
    const report: FromWorker = { type: "progress", ...driver.progress() };
    port.postMessage(report);
  }, PROGRESS_EVERY_MS);
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
