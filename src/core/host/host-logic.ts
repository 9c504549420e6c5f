// The KMS host's decision for one request, and the counters it keeps (like
// `slmgr /dlv`). Pure and without queueing: the driver decides when a request is
// served (MultiServerQueue) and hands the host's clock in as `nowMs`.
//
// Checks, first failing one answers:
//   1. KMS not enabled                      → 0xC004F039
//   2. host's own license not activated     → 0xC004F041
//   3. product not served                   → 0xC004F042
//   4. |client clock − host clock| > 4 h    → 0xC004F06C
//   5. count the requester's CMID; count ≥ threshold → 0 (success), else 0xC004F038
// Rejected at 3 or 4, the CMID is not counted.

import type { Product } from "../vocabulary.js";
import { Code } from "../errors.js";
import { DEFAULT_ACTIVATION_INTERVAL_MS, DEFAULT_RENEWAL_INTERVAL_MS, LicenseStatus } from "../license.js";
import { CmidCounter, type Cmid } from "./cmid-counter.js";
import { ACTIVATION_THRESHOLD, CMID_MEMORY_MS, MAX_CLOCK_SKEW_MS } from "./thresholds.js";

export interface ActivationRequest {
  cmid: Cmid;
  product: Product;
  /** The client's clock when it sent the request. */
  clientTimeMs: number;
  /** Renewal of a valid activation (counted and decided exactly like an activation). */
  renewal: boolean;
  /** The client's license state, for the host's per-state counters. */
  status: LicenseStatus;
}

export interface ActivationAnswer {
  /** 0 = success, else an error code such as 0xC004F038. */
  status: number;
  /**
   * The host's current count for the product: after counting this request when it got
   * that far (success, 0xC004F038), without it after a clock-skew rejection, 0 when the
   * host refused before looking at the product (0xC004F039, 0xC004F041, 0xC004F042).
   */
  count: number;
  /** Sent in every answer; overrides the client's own intervals. */
  activationIntervalMs: number;
  renewalIntervalMs: number;
}

export interface HostConfig {
  products: readonly Product[];
  activated: boolean;
  kmsEnabled: boolean;
  /** null: answer with the client defaults (120 min, 7 days). */
  activationIntervalMs: number | null;
  renewalIntervalMs: number | null;
  /** Overrides of ACTIVATION_THRESHOLD per product. */
  thresholds?: Partial<Readonly<Record<Product, number>>>;
  /** Default CMID_MEMORY_MS (30 days). */
  cmidMemoryMs?: number;
  /** Default MAX_CLOCK_SKEW_MS (4 h). */
  maxClockSkewMs?: number;
}

/** Request counters like `slmgr /dlv` shows: total, failed, and by client license state. */
export interface HostCounters {
  total: number;
  failed: number;
  licensed: number;
  initialGrace: number;
  outOfToleranceGrace: number;
  notification: number;
}

/** The names of the counters, in the order `slmgr /dlv` shows them. */
export const HOST_COUNTER_KEYS = [
  "total",
  "failed",
  "licensed",
  "initialGrace",
  "outOfToleranceGrace",
  "notification",
] as const satisfies readonly (keyof HostCounters)[];

/** An all-zero set of counters. */
export function newHostCounters(): HostCounters {
  return { total: 0, failed: 0, licensed: 0, initialGrace: 0, outOfToleranceGrace: 0, notification: 0 };
}

/** Counts one handled request the way `slmgr /dlv` does: by the client's state, and failed when not answered 0. */
export function countRequest(dlv: HostCounters, clientStatus: LicenseStatus, answerStatus: number): void {
  dlv.total++;
  switch (clientStatus) {
    case LicenseStatus.Licensed:
      dlv.licensed++;
      break;
    case LicenseStatus.InitialGrace:
      dlv.initialGrace++;
      break;
    case LicenseStatus.OutOfToleranceGrace:
      dlv.outOfToleranceGrace++;
      break;
    case LicenseStatus.Notification:
      dlv.notification++;
      break;
  }
  if (answerStatus !== 0) dlv.failed++;
}

/** A reusable answer object for `handle`'s `out`. */
export function newActivationAnswer(): ActivationAnswer {
  return { status: 0, count: 0, activationIntervalMs: 0, renewalIntervalMs: 0 };
}

export class KmsHostLogic {
  /** Served products, config order, duplicates dropped. */
  readonly products: readonly Product[];
  readonly activationIntervalMs: number;
  readonly renewalIntervalMs: number;
  readonly maxClockSkewMs: number;
  readonly kmsEnabled: boolean;
  readonly activated: boolean;

  private readonly counterOf: Partial<Record<Product, CmidCounter>> = {};
  /** Products this host has ever counted a client for: one that lost them all is the worst low count. */
  private readonly everCounted = new Set<Product>();
  private readonly thresholdOf: Partial<Record<Product, number>> = {};
  private readonly dlv: HostCounters = newHostCounters();

  constructor(config: HostConfig) {
    // The config is read once; a host whose settings change gets a new KmsHostLogic.
    this.kmsEnabled = config.kmsEnabled;
    this.activated = config.activated;
    this.activationIntervalMs = intervalOrDefault(config.activationIntervalMs, DEFAULT_ACTIVATION_INTERVAL_MS, "activationIntervalMs");
    this.renewalIntervalMs = intervalOrDefault(config.renewalIntervalMs, DEFAULT_RENEWAL_INTERVAL_MS, "renewalIntervalMs");
    this.maxClockSkewMs = config.maxClockSkewMs ?? MAX_CLOCK_SKEW_MS;
    if (!(this.maxClockSkewMs >= 0)) throw new RangeError(`KmsHostLogic: maxClockSkewMs must be >= 0, got ${this.maxClockSkewMs}`);
    const products: Product[] = [];
    for (const product of config.products) {
      if (this.counterOf[product] !== undefined) continue;
      const threshold = config.thresholds?.[product] ?? ACTIVATION_THRESHOLD[product];
      if (threshold === undefined) throw new RangeError(`KmsHostLogic: unknown product ${String(product)}`);
      this.thresholdOf[product] = threshold;
      this.counterOf[product] = new CmidCounter(threshold, config.cmidMemoryMs ?? CMID_MEMORY_MS);
      products.push(product);
    }
    this.products = Object.freeze(products);
  }

  /** Live counters (read-only view; they change as requests are handled). */
  get counters(): Readonly<HostCounters> {
    return this.dlv;
  }

  /** Decide and count one request arriving at host time nowMs; writes into `out` and returns it. */
  handle(req: ActivationRequest, nowMs: number, out: ActivationAnswer): ActivationAnswer {
    let status: number;
    let count = 0;
    if (!this.kmsEnabled) {
      status = Code.NotEnabled;
    } else if (!this.activated) {
      status = Code.HostNotActivated;
    } else {
      const counter = this.counterOf[req.product];
      if (counter === undefined) {
        status = Code.ProductNotServed;
      } else if (!(Math.abs(req.clientTimeMs - nowMs) <= this.maxClockSkewMs)) {
        // Written so that a NaN clock is rejected too.
        status = Code.ClockSkew;
        count = counter.count(nowMs);
      } else {
        count = counter.observe(req.cmid, nowMs);
        this.everCounted.add(req.product);
        status = count >= (this.thresholdOf[req.product] as number) ? 0 : Code.CountInsufficient;
      }
    }
    countRequest(this.dlv, req.status, status);

    out.status = status;
    out.count = count;
    out.activationIntervalMs = this.activationIntervalMs;
    out.renewalIntervalMs = this.renewalIntervalMs;
    return out;
  }

  /** Activation threshold in force for `product` on this host (undefined if not served). */
  thresholdFor(product: Product): number | undefined {
    return this.thresholdOf[product];
  }

  /** Current count of distinct machines for `product` (0 if not served). */
  countOf(product: Product, nowMs: number): number {
    return this.counterOf[product]?.count(nowMs) ?? 0;
  }

  /** Current count per served product, keys in config order. */
  counts(nowMs: number): Record<string, number> {
    const result: Record<string, number> = {};
    for (const product of this.products) result[product] = this.countOf(product, nowMs);
    return result;
  }

  /**
   * Served products in use whose count is below their threshold (the monitoring pack's
   * alert): some clients counted, too few. A product no client asked for raises nothing.
   */
  lowCountProducts(nowMs: number): Product[] {
    return this.products.filter((p) => {
      const count = this.countOf(p, nowMs);
      // At 0 too (every client gone, the next one gets 0xC004F038), once the product was in use here.
      return (count > 0 || this.everCounted.has(p)) && count < (this.thresholdOf[p] as number);
    });
  }
}

function intervalOrDefault(value: number | null, fallback: number, key: string): number {
  if (value === null) return fallback;
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`KmsHostLogic: ${key} must be > 0, got ${value}`);
  return value;
}
