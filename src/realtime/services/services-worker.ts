// Worker-thread entry of the hosts' thread: runs HostServices and answers the main thread.

import { writeSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { ThreadLoadMonitor } from "../fleet/thread-load.js";
import { DnsUnansweredError, HostServices } from "./host-services.js";
import type { FromServices, ServicesWorkerData, ToServices } from "./services-wire.js";

/** How often the main thread hears the hosts' live counters and this thread's lag. */
const PROGRESS_EVERY_MS = 100;
/** Wall ms after the run starts when the `services-exit` fault ends the thread. */
const FAULT_DELAY_MS = 300;

function main(): void {
  const port = parentPort;
  if (port === null) throw new Error("services-worker must run in a worker thread");
  const { setup, fault } = workerData as ServicesWorkerData;
  const send = (message: FromServices): void => port.postMessage(message);
  const load = new ThreadLoadMonitor("hosts");
  const services = new HostServices(
    setup,
    {
      serving: (mask) => send({ type: "serving", mask }),
      warning: (message) => send({ type: "warning", message }),
      eventFailed: (message) => send({ type: "event-failed", message }),
    },
    fault === "event-fail",
  );
  let progress: NodeJS.Timeout | undefined;
  services.start().then(
    (ready) => send({ type: "ready", ready }),
    (err: Error) => send({ type: "setup-failed", message: err.message, unanswered: err instanceof DnsUnansweredError }),
  );
  port.on("message", (message: ToServices) => {
    if (message.type === "run") {
      services.run(message.clockBuffer);
      progress = setInterval(() => send({ type: "progress", live: services.live(), lagMs: load.takeWindowP99Ms() }), PROGRESS_EVERY_MS);
      if (fault === "services-exit") {
        setTimeout(() => {
          // A hard death, as if killed: no message, no finally blocks.
          writeSync(2, "kmssim: injected fault: services-exit\n");
          process.exit(70);
        }, FAULT_DELAY_MS);
      }
    } else if (message.type === "halt") {
      services.halt();
    } else if (message.type === "finish") {
      clearInterval(progress);
      if (fault === "services-finish-hang") return;
      void services.finish(message.nowMs).then((report) => send({ type: "finished", report, thread: load.finish() }));
    } else {
      clearInterval(progress);
      void services.close().finally(() => {
        send({ type: "closed" });
        port.close();
      });
    }
  });
}

main();
