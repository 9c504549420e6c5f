// What `kmssim host --out` writes when it stops: the hosts' own counts, for a fleet run
// whose hosts lived in that process (`run --external-hosts`). `kmssim merge --hosts`
// puts them into the merged result, where the fleet could only see its side.

import type { HostCounters } from "../core/host/host-logic.js";

export const HOST_REPORT_SCHEMA = "kmssim/hosts@1";

/** One host as it counted itself, over the life of the `kmssim host` process. */
export interface HostSelfCount {
  name: string;
  /** Requests the host read (and served, unless hung). */
  requests: number;
  activations: number;
  renewals: number;
  unanswered: number;
  lost: number;
  late: number;
  dlv: HostCounters;
  /** Distinct client machine ids per product when it stopped. */
  count: Record<string, number>;
  /** Products with clients counted but fewer than the threshold when it stopped. */
  lowCount: string[];
  state: "up" | "hung" | "down" | "decommissioned";
}

export interface HostReport {
  schema: typeof HOST_REPORT_SCHEMA;
  scenario: string;
  seed: number;
  /** The shared simulated time 0 (--start-at), or null. */
  startAt: string | null;
  /** Simulated seconds since time 0 when the hosts stopped. */
  simulatedSeconds: number;
  hosts: HostSelfCount[];
}
