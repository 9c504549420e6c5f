// What the hosts remember of the time before the run: every client that starts licensed
// (clients[].startLicensed) renewed with some host one renewal interval before its first
// request in the run, and that host still holds its CMID for its memory window (30 days by
// default). A host that served a fleet for months starts with the count that fleet gave it,
// instead of at 0 answering 0xC004F038 to renewals a real host would have granted.

import type { ProductId } from "../core/product.js";
import { forEachClient, type FleetPlan } from "./fleet-plan.js";

export interface PastRenewal {
  endpoint: number;
  product: ProductId;
  /** The client's global index: the CMID key both drivers' hosts count by. */
  cmid: number;
  atMs: number;
}

/** The renewals before the run, oldest first (a host remembers them in that order); empty when no group starts licensed. */
export function renewalsBeforeRun(plan: FleetPlan): PastRenewal[] {
  if (plan.scenario.clients.every((g) => g.startLicensed === 0)) return [];
  const renewals: PastRenewal[] = [];
  forEachClient(plan, 0, plan.total, (globalIndex, groupIndex, _installedAtMs, renewedAtMs, renewedBy) => {
    if (renewedBy >= 0) renewals.push({ endpoint: renewedBy, product: plan.groups[groupIndex].product, cmid: globalIndex, atMs: renewedAtMs });
  });
  return renewals.sort((a, b) => a.atMs - b.atMs || a.cmid - b.cmid);
}

/** Has each host remember the renewals it answered before the run. */
export function rememberRenewals(plan: FleetPlan, hostOf: (endpoint: number) => { remember(id: ProductId, cmid: number, atMs: number): void } | null): void {
  for (const r of renewalsBeforeRun(plan)) hostOf(r.endpoint)?.remember(r.product, r.cmid, r.atMs);
}
