// What the realtime engine shows the live metrics while it runs: read at scrape time,
// on the main thread, from the hosts' own counters and the workers' latest progress.

import type { HostServerCounters } from "../host/host-server.js";
import type { LiveRpcWire } from "./live-rpc-counts.js";

export interface LiveHostView extends Pick<HostServerCounters, "requests" | "unanswered" | "lost" | "late" | "badFrames"> {
  name: string;
  /** The host serves (not crashed, hung or decommissioned). */
  up: boolean;
}

/** A worker's latest progress, as far as the metrics need it (up to ~250 ms old). */
export interface LiveSliceView {
  activated: number;
  licensed: number;
  live: LiveRpcWire;
}

export interface LiveRunView {
  clientsTotal: number;
  /** Simulated seconds since time 0, within [0, duration]. */
  simulatedSeconds(): number;
  hosts(): LiveHostView[];
  slices(): readonly LiveSliceView[];
  /** Host label of an endpoint index the clients report (-1: no host). */
  endpointName(index: number): string;
}
