// What crosses between the main thread and a fleet worker (structured-clone friendly).

import type { Scenario } from "../../scenario/model.js";
import type { OutcomeStatsWire } from "../../run/outcome-stats.js";
import type { RpcTarget } from "../client/rpc-call.js";
import type { FleetSliceTotals, SliceProgress } from "./fleet-driver.js";

export interface SliceSetup {
  scenario: Scenario;
  clients?: number;
  first: number;
  count: number;
  originEpochMs: number;
  /** Where the clients ask: the embedded server, or the scenario's dns.server. */
  dnsServer: { host: string; port: number };
  endpoints: (RpcTarget | null)[];
  cmidPrefix: Uint8Array;
}

export type SliceTotalsWire = Omit<FleetSliceTotals, "activation" | "renewal" | "dns"> & {
  activation: OutcomeStatsWire;
  renewal: OutcomeStatsWire;
  dns: OutcomeStatsWire;
};

export type ToWorker = { type: "serving"; mask: number } | { type: "stop" };

export type FromWorker =
  | ({ type: "progress" } & SliceProgress)
  | { type: "done"; totals: SliceTotalsWire };

export function sliceTotalsToWire(t: FleetSliceTotals): SliceTotalsWire {
  return { ...t, activation: t.activation.toWire(), renewal: t.renewal.toWire(), dns: t.dns.toWire() };
}
