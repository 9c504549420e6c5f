// A scenario host's KMS decision logic, as both drivers build it: the virtual engine's
// SimHost and the realtime TCP listener read the same settings from the same HostSpec.

import { KmsHostLogic } from "../core/host/host-logic.js";
import { BUILT_IN_PRODUCTS, type ProductRules } from "../core/product.js";
import { DEFAULTS } from "../scenario/defaults.js";
import type { HostSpec } from "../scenario/model.js";

/**
 * @param spec null for an SRV target that names no host (it serves nothing).
 * @param transitAllowanceMs simulated time a request may spend in transit on top of the
 *   host's skew window (realtime: a few wall ms are minutes under a compressed clock).
 * @param catalog the scenario's products (Scenario.products), index = ProductId.
 */
export function hostLogicFromSpec(spec: HostSpec | null, transitAllowanceMs = 0, catalog: readonly ProductRules[] = BUILT_IN_PRODUCTS): KmsHostLogic {
  return new KmsHostLogic({
    products: spec?.products ?? [],
    catalog,
    activated: spec?.activated ?? true,
    kmsEnabled: spec?.kmsEnabled ?? true,
    activationIntervalMs: spec?.activationIntervalMs ?? null,
    renewalIntervalMs: spec?.renewalIntervalMs ?? null,
    maxClockSkewMs: (spec?.maxClockSkewMs ?? DEFAULTS.host.maxClockSkewMs) + transitAllowanceMs,
  });
}
