// Named fault sites (VOPR style): a self-test breaks the simulator on purpose at one of
// them, chosen by KMSSIM_INJECT_FAULT=<site>, to see the failure caught (exit 3, the
// invariant named, the partial result kept). Every site and what it does is listed here;
// this module is the only reader of the variable. Never armed in a normal run.

import { KmssimError } from "../core/kmssim-error.js";

export const FAULT_ENV = "KMSSIM_INJECT_FAULT";

/**
 * Who arms a site: the virtual engine (sim/fault-sites.ts), a realtime fleet worker, the
 * realtime run's event timers, the realtime run's main and hosts' threads, a plan worker.
 */
export type FaultArea = "virtual" | "fleet-worker" | "realtime-events" | "realtime-threads" | "plan-worker";

interface FaultSiteInfo {
  area: FaultArea;
  does: string;
  /** Virtual sites: the invariant of sim/invariants.ts the site breaks (`--check` must name it). */
  breaks?: string;
}

export const FAULT_SITES = {
  "invariant-time": { area: "virtual", breaks: "time-monotonic", does: "queues an event in the past" },
  "invariant-double-event": { area: "virtual", breaks: "one-pending-event", does: "queues a second pending event for a client" },
  "invariant-illegal": { area: "virtual", breaks: "legal-transition", does: "hands a client awaiting its reply a timer" },
  "invariant-removed-host": { area: "virtual", breaks: "removed-host", does: "makes a client send to a host it removed" },
  "invariant-count": { area: "virtual", breaks: "count-capacity", does: "lets a host's CMID count pass its cache size (2 × threshold)" },
  "invariant-cached-host": { area: "virtual", breaks: "cached-host", does: "makes an activated client forget the host that answered" },
  "invariant-books": { area: "virtual", breaks: "rpc-books", does: "counts a request as sent that never leaves" },
  "invariant-host-books": { area: "virtual", breaks: "host-books", does: "makes a host count a refusal that never happened" },
  "worker-throw": { area: "fleet-worker", does: "the first fleet worker throws an uncaught exception 300 ms after it starts" },
  "worker-exit": { area: "fleet-worker", does: "the first fleet worker's thread ends at once with code 70 (no message, no finally)" },
  "worker-hang": { area: "fleet-worker", does: "the first fleet worker's event loop blocks for good (no progress, deaf to stop)" },
  "worker-slow-build": {
    area: "fleet-worker",
    does: "the first fleet worker's thread is busy 1.5 s before it builds its slice (a loaded machine): simulated time 0 must wait for it",
  },
  "event-fail": { area: "realtime-events", does: "the first host event of a realtime run fails" },
  "main-busy": {
    area: "realtime-threads",
    does: "a realtime run's main thread is blocked 1.5 s in every 1.6 s (the hosts' own thread must still answer in time)",
  },
  "services-exit": { area: "realtime-threads", does: "the hosts' thread of a realtime run ends at once with code 70, 300 ms after the run starts" },
  "services-finish-hang": {
    area: "realtime-threads",
    does: "the hosts' thread of a realtime run never answers the main thread's call for its books at the end (a stuck finish)",
  },
  "plan-worker-throw": { area: "plan-worker", does: "the sweep's third run throws an uncaught exception in its worker (runs before it have finished)" },
  "plan-worker-exit": { area: "plan-worker", does: "the sweep's third run ends its worker thread with code 70 (runs before it have finished)" },
} as const satisfies Record<string, FaultSiteInfo>;

export type FaultSiteName = keyof typeof FAULT_SITES;
/** The sites one area arms. */
export type FaultSiteIn<A extends FaultArea> = { [K in FaultSiteName]: (typeof FAULT_SITES)[K]["area"] extends A ? K : never }[FaultSiteName];

function isSite(name: string): name is FaultSiteName {
  return Object.prototype.hasOwnProperty.call(FAULT_SITES, name);
}

/** The site KMSSIM_INJECT_FAULT names, or undefined when unset; a name that is no site is refused (exit 2). */
export function injectedFault(env: NodeJS.ProcessEnv = process.env): FaultSiteName | undefined {
  const name = env[FAULT_ENV];
  if (name === undefined || name === "") return undefined;
  if (isSite(name)) return name;
  throw new KmssimError(`${FAULT_ENV}: '${name}' is no fault site; the sites are ${Object.keys(FAULT_SITES).join(", ")}`, "KMSSIM_UNKNOWN_FAULT");
}

/** The armed site if `area` arms it, else undefined. */
export function injectedFaultIn<A extends FaultArea>(area: A, env: NodeJS.ProcessEnv = process.env): FaultSiteIn<A> | undefined {
  const site = injectedFault(env);
  return site !== undefined && FAULT_SITES[site].area === area ? (site as FaultSiteIn<A>) : undefined;
}

/** True when KMSSIM_INJECT_FAULT arms `site`. */
export function faultArmed(site: FaultSiteName, env: NodeJS.ProcessEnv = process.env): boolean {
  return injectedFault(env) === site;
}
