// The KMS host's decision for one request, and the counters it keeps (like
// `slmgr /dlv`). Pure and without queueing: the driver decides when a request is
// served (MultiServerQueue) and hands the host's clock in as `nowMs`.
//
// Checks, first failing one answers:
//   1. KMS not enabled                      → 0xC004F039
//   2. host's own license not activated     → 0xC004F041
//   3. product not served                   → 0xC004F042
//   4. |client clock − host clock| > 4 h    → 0xC004F06C  (the host's maxClockSkewMs)
//   5. count the requester's CMID; count ≥ threshold → 0 (success), else 0xC004F038
// Rejected at 3 or 4, the CMID is not counted.

import type { Product } from "../vocabulary.js";
import { Code } from "../errors.js";
import { DEFAULT_ACTIVATION_INTERVAL_MS, DEFAULT_RENEWAL_INTERVAL_MS, LicenseStatus } from "../license.js";
import { BUILT_IN_PRODUCTS, type ProductId, type ProductRules } from "../product.js";
import { CmidCounter, type Cmid } from "./cmid-counter.js";
import { MAX_CLOCK_SKEW_MS } from "./thresholds.js";

export interface ActivationRequest {
  cmid: Cmid;
  /** The product's id in the scenario's catalog (core/product.ts); an id outside it is not served. */
  product: ProductId;
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
  /** The host's licence pack: names of the catalog's products it serves. */
  products: readonly Product[];
  /** Every product of the scenario, indexed by ProductId. Default: the built-in three. */
  catalog?: readonly ProductRules[];
  activated: boolean;
  kmsEnabled: boolean;
  /** null: answer with the client defaults (120 min, 7 days). */
  activationIntervalMs: number | null;
  renewalIntervalMs: number | null;
  /** Overrides of the catalog's threshold per product. */
  thresholds?: Partial<Readonly<Record<Product, number>>>;
  /** Overrides every product's cmidMemoryMs (the catalog's, 30 days by default). */
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
  /** Served products' names, config order, duplicates dropped. */
  readonly products: readonly Product[];
  /** The same products' ids in the catalog. */
  readonly productIds: readonly ProductId[];
  readonly catalog: readonly ProductRules[];
  readonly activationIntervalMs: number;
  readonly renewalIntervalMs: number;
  readonly maxClockSkewMs: number;
  readonly kmsEnabled: boolean;
  readonly activated: boolean;

  // Indexed by ProductId: the hot path never looks a product up by name.
  private readonly counterOf: (CmidCounter | undefined)[];
  /** Products this host has ever counted a client for (1): one that lost them all is the worst low count. */
  private readonly everCounted: Uint8Array;
  private readonly thresholdOf: number[];
  private readonly dlv: HostCounters = newHostCounters();

  constructor(config: HostConfig) {
    // The config is read once; a host whose settings change gets a new KmsHostLogic.
    this.kmsEnabled = config.kmsEnabled;
    this.activated = config.activated;
    this.activationIntervalMs = intervalOrDefault(config.activationIntervalMs, DEFAULT_ACTIVATION_INTERVAL_MS, "activationIntervalMs");
    this.renewalIntervalMs = intervalOrDefault(config.renewalIntervalMs, DEFAULT_RENEWAL_INTERVAL_MS, "renewalIntervalMs");
    this.maxClockSkewMs = config.maxClockSkewMs ?? MAX_CLOCK_SKEW_MS;
    if (!(this.maxClockSkewMs >= 0)) throw new RangeError(`KmsHostLogic: maxClockSkewMs must be >= 0, got ${this.maxClockSkewMs}`);
    const catalog = config.catalog ?? BUILT_IN_PRODUCTS;
    this.catalog = catalog;
    this.counterOf = new Array<CmidCounter | undefined>(catalog.length).fill(undefined);
    this.thresholdOf = new Array<number>(catalog.length).fill(0);
    this.everCounted = new Uint8Array(catalog.length);
    const products: Product[] = [];
    const ids: ProductId[] = [];
    for (const product of config.products) {
      const id = catalog.findIndex((p) => p.name === product);
      if (id === -1) throw new RangeError(`KmsHostLogic: unknown product ${String(product)}`);
      if (this.counterOf[id] !== undefined) continue;
      const rules = catalog[id];
      const override = config.thresholds?.[product];
      const threshold = override ?? rules.threshold;
      // A threshold override without its own cache size keeps the 2 × threshold rule.
      const cacheSize = override === undefined ? rules.cmidCacheSize : 2 * threshold;
      this.thresholdOf[id] = threshold;
      this.counterOf[id] = new CmidCounter(threshold, config.cmidMemoryMs ?? rules.cmidMemoryMs, cacheSize);
      products.push(product);
      ids.push(id);
    }
    this.products = Object.freeze(products);
    this.productIds = Object.freeze(ids);
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
      // An id outside the catalog reads undefined: not served.
      const counter = this.counterOf[req.product];
      if (counter === undefined) {
        status = Code.ProductNotServed;
      } else if (!(Math.abs(req.clientTimeMs - nowMs) <= this.maxClockSkewMs)) {
        // Written so that a NaN clock is rejected too.
        status = Code.ClockSkew;
        count = counter.count(nowMs);
      } else {
        count = counter.observe(req.cmid, nowMs);
        this.everCounted[req.product] = 1;
        status = count >= this.thresholdOf[req.product] ? 0 : Code.CountInsufficient;
      }
    }
    countRequest(this.dlv, req.status, status);

    out.status = status;
    out.count = count;
    out.activationIntervalMs = this.activationIntervalMs;
    out.renewalIntervalMs = this.renewalIntervalMs;
    return out;
  }

  /**
   * The host saw machine `cmid` ask for product `id` at `atMs`, before the run (a client that
   * starts licensed): it counts toward the host's count like any request, but is no request
   * of the run's, so the `/dlv` counters do not move. Call in time order, before the run's requests.
   */
  remember(id: ProductId, cmid: Cmid, atMs: number): void {
    const counter = this.counterOf[id];
    if (counter === undefined) return;
    counter.observe(cmid, atMs);
    this.everCounted[id] = 1;
  }

  /** Whether the host's licence pack covers product `id`. */
  serves(id: ProductId): boolean {
    return this.counterOf[id] !== undefined;
  }

  /** Activation threshold in force for product `id` on this host (undefined if not served). */
  thresholdFor(id: ProductId): number | undefined {
    return this.counterOf[id] === undefined ? undefined : this.thresholdOf[id];
  }

  /** Most machine ids kept for product `id` (undefined if not served). */
  cacheSizeFor(id: ProductId): number | undefined {
    return this.counterOf[id]?.capacity;
  }

  /** Current count of distinct machines for product `id` (0 if not served). */
  countOf(id: ProductId, nowMs: number): number {
    return this.counterOf[id]?.count(nowMs) ?? 0;
  }

  /** Current count per served product, by name, keys in config order. */
  counts(nowMs: number): Record<string, number> {
    const result: Record<string, number> = {};
    for (let k = 0; k < this.productIds.length; k++) result[this.products[k]] = this.countOf(this.productIds[k], nowMs);
    return result;
  }

  /** Whether product `id` is in use here and below its threshold (the monitoring pack's alert). */
  isLow(id: ProductId, nowMs: number): boolean {
    if (this.counterOf[id] === undefined) return false;
    const count = this.countOf(id, nowMs);
    // At 0 too (every client gone, the next one gets 0xC004F038), once the product was in use here.
    return (count > 0 || this.everCounted[id] === 1) && count < this.thresholdOf[id];
  }

  /**
   * Served products in use whose count is below their threshold (the monitoring pack's
   * alert): some clients counted, too few. A product no client asked for raises nothing.
   */
  lowCountProducts(nowMs: number): Product[] {
    return this.products.filter((_, k) => this.isLow(this.productIds[k], nowMs));
  }
}

function intervalOrDefault(value: number | null, fallback: number, key: string): number {
  if (value === null) return fallback;
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`KmsHostLogic: ${key} must be > 0, got ${value}`);
  return value;
}
