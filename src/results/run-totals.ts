// What any driver (virtual or realtime) hands over at the end of a run; buildResult
// turns it into the result JSON. Keeping this mode-independent is what lets both
// modes share one result shape and one set of threshold rules.

import type { HostCounters } from "../core/host/host-logic.js";
import type { HostProductTotals } from "../core/host/product-report.js";
import type { FleetEventRecord, GeneratorResult, HostResult, TimelineSample } from "./result.js";
import type { Mode, Scenario } from "../scenario/model.js";
import type { OutcomeStats } from "./outcome-stats.js";
import type { GroupTally } from "./group-tally.js";
import type { LatencyRecorder } from "./latency-recorder.js";

export interface HostTotals {
  name: string;
  requests: number;
  activations: number;
  renewals: number;
  refused: number;
  unanswered: number;
  lost: number;
  late: number;
  state: HostResult["state"];
  dlv: HostCounters;
  count: Record<string, number>;
  /** Served products whose count is below the threshold. */
  lowCount: string[];
  /** Per product, like `slmgr /dlv <Activation ID>` (absent: the host's own books are not known here). */
  products?: HostProductTotals[];
  /** Requests the SRV records promised this host (summed over served requests). */
  expectedRequests: number;
  /** Busy servers over concurrency, over the run (0–1). */
  utilization?: number;
  /** The most requests waiting for a free server at once. */
  peakQueued?: number;
  /** Realtime only: answers from this host that clients received (the other side's count). */
  clientAnswered?: number;
  /** Realtime only: requests to this host its clients gave up on (the host may have answered them anyway). */
  clientTimedOut?: number;
}

/** One client group's part of the run: its clients by LicenseStatus at the end, and its counters. */
export interface GroupTotals {
  name: string;
  /** Index = LicenseStatus; their sum is the group's clients (in this run or shard). */
  byStatus: readonly number[];
  tally: GroupTally;
}

export interface RunTotals {
  scenario: Scenario;
  mode: Mode;
  nowMs: number;
  clientsTotal: number;
  activatedClients: number;
  /** When clients first activated, whole simulated seconds (ClientTally.activationTimes). */
  activationTimes?: LatencyRecorder;
  /** Clients by LicenseStatus at the end (index = LicenseStatus). */
  byStatus: readonly number[];
  attemptErrors: ReadonlyMap<number, number>;
  inFlight: number;
  activation: OutcomeStats;
  renewal: OutcomeStats;
  dns: OutcomeStats;
  /** Per client group, in the scenario's order. */
  groups: GroupTotals[];
  hosts: HostTotals[];
  failovers: number;
  rediscoveries: number;
  events: FleetEventRecord[];
  timeline: TimelineSample[];
  /** Realtime only: how the load generator did. */
  generator?: GeneratorResult;
  /** The run failed part-way (a worker died): what was measured, and what is missing. */
  incomplete?: { reason: string; clientsUnreported: number };
}
