// Products as data (design.md, "Activation and renewal"): each has a name, an Activation ID
// (what `slmgr /dlv <Activation ID>` selects), an activation threshold and the numbers of
// its counting and licence rules. A scenario's catalog is the three built-in products
// (ids 0, 1, 2, in this order: the wire's product codes 1, 2, 3) with the file's settings
// applied, then the products the file adds. Hot paths index arrays by ProductId.

import { ACTIVATION_VALIDITY_MS, INITIAL_GRACE_MS, OUT_OF_TOLERANCE_GRACE_MS, type LicenseRules } from "./license.js";
import { CMID_CAPACITY_FACTOR, CMID_MEMORY_MS } from "./host/thresholds.js";

/** Index of a product in its scenario's catalog; the wire carries it + 1. */
export type ProductId = number;

/** Products one scenario may know: the wire's product byte holds ids 0..254 as 1..255. */
export const MAX_PRODUCTS = 255;

export interface ProductRules extends LicenseRules {
  name: string;
  /** The GUID `slmgr /dlv` takes; null when the scenario sets none (kmssim needs none to count). */
  activationId: string | null;
  /** Distinct machines a host must count before it activates the product. */
  threshold: number;
  /** A host remembers a machine id this long after its last request. */
  cmidMemoryMs: number;
  /** At most this many machine ids are kept (the least recently seen is evicted). */
  cmidCacheSize: number;
}

function builtIn(name: string, activationId: string | null, threshold: number): ProductRules {
  return Object.freeze({
    name,
    activationId,
    threshold,
    cmidMemoryMs: CMID_MEMORY_MS,
    cmidCacheSize: CMID_CAPACITY_FACTOR * threshold,
    validityMs: ACTIVATION_VALIDITY_MS,
    initialGraceMs: INITIAL_GRACE_MS,
    outOfToleranceGraceMs: OUT_OF_TOLERANCE_GRACE_MS,
  });
}

/** Windows' own Activation IDs differ per edition, so the built-in Windows products carry none unless a scenario sets one. */
export const BUILT_IN_PRODUCTS: readonly ProductRules[] = Object.freeze([
  builtIn("windows-client", null, 25),
  builtIn("windows-server", null, 5),
  // The KMS article's own example: Office 2010's Activation ID.
  builtIn("office-2010", "bfe7a195-4f8f-4f0b-a622-cf13c7d16864", 5),
]);

/** The id of `name` in `catalog`, or -1. */
export function productIdOf(name: string, catalog: readonly ProductRules[] = BUILT_IN_PRODUCTS): ProductId {
  return catalog.findIndex((p) => p.name === name);
}
