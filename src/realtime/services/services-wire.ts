// What crosses between the main thread and the hosts' thread (structured-clone friendly).

import type { ThreadLoad } from "../fleet/thread-load.js";
import type { ServicesLive, ServicesReady, ServicesReport, ServicesSetup } from "./host-services.js";

export interface ServicesWorkerData {
  setup: ServicesSetup;
  /** KMSSIM_INJECT_FAULT as the main thread read it (one reader of the variable). */
  fault: string | null;
}

export type ToServices = { type: "run"; clockBuffer: SharedArrayBuffer } | { type: "halt" } | { type: "finish"; nowMs: number } | { type: "close" };

export type FromServices =
  | { type: "ready"; ready: ServicesReady }
  /** Set-up failed; `unanswered`: the external DNS server never answered a publish. */
  | { type: "setup-failed"; message: string; unanswered: boolean }
  | { type: "serving"; mask: number }
  | { type: "warning"; message: string }
  | { type: "event-failed"; message: string }
  /** Every ~100 ms: the hosts' live counters and the thread's worst event-loop delay since the last. */
  | { type: "progress"; live: ServicesLive; lagMs: number }
  | { type: "finished"; report: ServicesReport; thread: ThreadLoad }
  | { type: "closed" };
