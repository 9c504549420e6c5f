// What crosses between the main thread and a fleet worker (structured-clone friendly).

import type { Scenario } from "../../scenario/model.js";
import type { OutcomeStatsWire } from "../../results/outcome-stats.js";
import type { GroupTallyWire } from "../../results/group-tally.js";
import type { RpcTarget } from "../client/rpc-call.js";
import type { FleetSliceTotals, SliceProgress } from "./fleet-driver.js";
import type { ThreadLoad } from "./thread-load.js";

export interface SliceSetup {
  scenario: Scenario;
  clients?: number;
  /** Global index of the slice's first client; the others follow every `stride` (1 = contiguous). */
  first: number;
  count: number;
  stride?: number;
  /** Which slice of the run this is (0 = the first); injected faults hit the first only. */
  sliceIndex?: number;
  /** Non-loopback addresses the clients may connect to (--allow-address). */
  allowAddress?: readonly string[];
  /** The run's clock (ClockSegments): every thread reads the rate the main thread sets, and the origin it sets at "start". */
  clockBuffer: SharedArrayBuffer;
  /** Where the clients ask: the embedded server, or the scenario's dns.server. */
  dnsServer: { host: string; port: number };
  endpoints: (RpcTarget | null)[];
  cmidPrefix: Uint8Array;
}

export type SliceTotalsWire = Omit<FleetSliceTotals, "activation" | "renewal" | "dns" | "groups"> & {
  activation: OutcomeStatsWire;
  renewal: OutcomeStatsWire;
  dns: OutcomeStatsWire;
  groups: GroupTallyWire[];
};

/** "start": the clock's origin is set, the slice's clients may run (a "stop" before it ends the slice unrun). */
export type ToWorker = { type: "serving"; mask: number } | { type: "start" } | { type: "stop" };

/** "ready": the slice is built and waits for "start"; building it (planning the fleet) may take a while. */
export type FromWorker = { type: "ready" } | ({ type: "progress" } & SliceProgress) | { type: "done"; totals: SliceTotalsWire; thread: ThreadLoad };

export function sliceTotalsToWire(t: FleetSliceTotals): SliceTotalsWire {
  return { ...t, activation: t.activation.toWire(), renewal: t.renewal.toWire(), dns: t.dns.toWire(), groups: t.groups.map((g) => g.toWire()) };
}
