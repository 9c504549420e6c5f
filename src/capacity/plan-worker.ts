// Worker-thread entry of `kmssim plan`: runs the replications it is handed, one at a
// time, reporting progress after every slice of events and the metrics at the end.

import { writeSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import { injectedFaultIn } from "../self-test/fault-sites.js";
import { Replication } from "./replication.js";
import type { FromPlanWorker, ToPlanWorker } from "./plan-wire.js";

/** The sweep's run a plan worker fault hits: the third, so some runs have finished by then (they must be kept). */
const FAULTY_RUN = 2;

/** The plan worker's fault sites (self-test/fault-sites.ts) hit one run only, announced on stderr. */
function injectFault(run: number): void {
  const fault = injectedFaultIn("plan-worker");
  if (run !== FAULTY_RUN || fault === undefined) return;
  writeSync(2, `kmssim: injected fault: ${fault}\n`);
  if (fault === "plan-worker-exit") process.exit(70);
  throw new Error(`injected fault: ${fault}`);
}

const port = parentPort;
if (port === null) throw new Error("plan-worker must run in a worker thread");
port.on("message", (message: ToPlanWorker) => {
  const { task } = message;
  injectFault(task.run);
  const replication = new Replication(task);
  // Bounded by the simulated duration: every step advances the engine.
  while (!replication.step()) {
    const progress: FromPlanWorker = { type: "progress", run: task.run, fraction: replication.fraction };
    port.postMessage(progress);
  }
  const done: FromPlanWorker = { type: "done", run: task.run, ...replication.outcome() };
  port.postMessage(done);
});
