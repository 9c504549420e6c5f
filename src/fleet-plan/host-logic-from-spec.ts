// A scenario host's KMS decision logic, as both drivers build it: the virtual engine's
// SimHost and the realtime TCP listener read the same settings from the same HostSpec.

import { KmsHostLogic } from "../core/host/host-logic.js";
import { MAX_CLOCK_SKEW_MS } from "../core/host/thresholds.js";
import type { HostSpec } from "../scenario/model.js";

/**
 * @param spec null for an SRV target that names no host (it serves nothing).
 * @param transitAllowanceMs simulated time a request may spend in transit on top of the
 *   4-hour skew window (realtime: a few wall ms are minutes under a compressed clock).
 */
export function hostLogicFromSpec(spec: HostSpec | null, transitAllowanceMs = 0): KmsHostLogic {
  return new KmsHostLogic({
    products: spec?.products ?? [],
    activated: spec?.activated ?? true,
    kmsEnabled: spec?.kmsEnabled ?? true,
    activationIntervalMs: spec?.activationIntervalMs ?? null,
    renewalIntervalMs: spec?.renewalIntervalMs ?? null,
    maxClockSkewMs: MAX_CLOCK_SKEW_MS + transitAllowanceMs,
  });
}
