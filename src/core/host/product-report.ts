// What `slmgr /dlv <Activation ID>` shows for each product on one host: its name and ID,
// the threshold, the host's licence status for it, the current count, the low-count alert,
// the request counters and the reasons of failures. Served products are listed always;
// another product only once clients asked this host for it (they got 0xC004F042).

import type { HostCounters, KmsHostLogic } from "./host-logic.js";
import type { ProductBooks } from "./product-books.js";

export const HOST_LICENSE_STATUSES = ["licensed", "notActivated", "kmsNotEnabled", "notServed"] as const;
/** The host's own licence for a product: usable, or why not (the code clients get). */
export type HostLicenseStatus = (typeof HOST_LICENSE_STATUSES)[number];

export interface HostProductTotals {
  name: string;
  activationId: string | null;
  /** The threshold in force on this host; 0 for a product it does not serve. */
  threshold: number;
  licenseStatus: HostLicenseStatus;
  count: number;
  /** In use here and below the threshold at the end (the Low Activation Count alert). */
  low: boolean;
  dlv: HostCounters;
  errors: Record<string, number>;
}

export function hostLicenseStatus(logic: KmsHostLogic, served: boolean): HostLicenseStatus {
  if (!logic.kmsEnabled) return "kmsNotEnabled";
  if (!logic.activated) return "notActivated";
  return served ? "licensed" : "notServed";
}

export function hostProductTotals(logic: KmsHostLogic, books: ProductBooks, nowMs: number): HostProductTotals[] {
  const out: HostProductTotals[] = [];
  logic.catalog.forEach((rules, id) => {
    const served = logic.serves(id);
    if (!served && books.requests(id) === 0) return;
    const { dlv, errors } = books.of(id);
    out.push({
      name: rules.name,
      activationId: rules.activationId,
      threshold: logic.thresholdFor(id) ?? 0,
      licenseStatus: hostLicenseStatus(logic, served),
      count: logic.countOf(id, nowMs),
      low: logic.isLow(id, nowMs),
      dlv,
      errors,
    });
  });
  return out;
}
