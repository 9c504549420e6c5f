// License states of a client and the time rules between them (design.md, "Activation
// and renewal"). A client's status is a pure function of its history and "now", so
// no timer is needed to move it from one state to the next.

export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;

/** An activation is valid for 180 days. */
export const ACTIVATION_VALIDITY_MS = 180 * DAY_MS;
/** Fresh install grace period. */
export const INITIAL_GRACE_MS = 30 * DAY_MS;
/** Out-of-tolerance grace after validity lapses without a renewal. */
export const OUT_OF_TOLERANCE_GRACE_MS = 30 * DAY_MS;
/** Client default: retry a failed activation every 120 minutes. */
export const DEFAULT_ACTIVATION_INTERVAL_MS = 120 * MINUTE_MS;
/** Client default: attempt renewal every 10080 minutes (7 days). */
export const DEFAULT_RENEWAL_INTERVAL_MS = 10_080 * MINUTE_MS;

/** Request counters on a host are kept by these states (like `slmgr /dlv`). */
export enum LicenseStatus {
  InitialGrace = 0,
  Licensed = 1,
  OutOfToleranceGrace = 2,
  /** Past every grace: unlicensed, in notification mode. */
  Notification = 3,
}

/** The client side's numbers of one product's licence (each a scenario setting per product). */
export interface LicenseRules {
  validityMs: number;
  initialGraceMs: number;
  outOfToleranceGraceMs: number;
}

export const DEFAULT_LICENSE_RULES: LicenseRules = Object.freeze({
  validityMs: ACTIVATION_VALIDITY_MS,
  initialGraceMs: INITIAL_GRACE_MS,
  outOfToleranceGraceMs: OUT_OF_TOLERANCE_GRACE_MS,
});

export const LICENSE_STATUS_NAMES = ["initialGrace", "licensed", "outOfToleranceGrace", "notification"] as const;

/**
 * Status at `nowMs` of a client installed at `installedAtMs` whose activation is valid
 * until `validUntilMs` (0 = never activated), under its product's grace periods.
 */
export function licenseStatusAt(nowMs: number, installedAtMs: number, validUntilMs: number, rules: LicenseRules = DEFAULT_LICENSE_RULES): LicenseStatus {
  if (validUntilMs === 0) {
    return nowMs < installedAtMs + rules.initialGraceMs ? LicenseStatus.InitialGrace : LicenseStatus.Notification;
  }
  if (nowMs < validUntilMs) return LicenseStatus.Licensed;
  if (nowMs < validUntilMs + rules.outOfToleranceGraceMs) return LicenseStatus.OutOfToleranceGrace;
  return LicenseStatus.Notification;
}
