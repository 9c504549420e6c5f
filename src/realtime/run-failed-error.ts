// A realtime run that could not go on as written; it carries what was measured until then.

import type { RunTotals } from "../results/run-totals.js";

export class RunFailedError extends Error {
  /** What the surviving threads measured, when one failed mid-run. */
  partial?: RunTotals & { illegalInputs: number; wallSeconds: number };
  constructor(
    message: string,
    /**
     * What failed: a fleet worker (its clients' sockets) or the hosts' thread, a scenario
     * event (a host's listener), or this machine's limits (descriptors, ports: the slices stopped there).
     */
    readonly source: "worker" | "event" | "local" = "worker",
  ) {
    super(message);
    this.name = "RunFailedError";
  }
}
