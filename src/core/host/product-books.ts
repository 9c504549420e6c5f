// A host's request counters per product, the numbers `slmgr /dlv <Activation ID>` shows
// for one product: requests by client state, failed, and why they failed. One flat
// Float64Array indexed by ProductId, so counting a request allocates nothing.

import { Code, formatCode } from "../errors.js";
import { LicenseStatus } from "../license.js";
import type { ProductId } from "../product.js";
import { newHostCounters, type HostCounters } from "./host-logic.js";

/** The codes the host logic answers with: a failure's reason is one of them. */
export const HOST_REFUSALS = [Code.NotEnabled, Code.HostNotActivated, Code.ProductNotServed, Code.ClockSkew, Code.CountInsufficient] as const;

const TOTAL = 0;
const FAILED = 1;
/** Requests by client state start here, in LicenseStatus order. */
const BY_STATE = 2;
const REASONS = 6;
const FIELDS = REASONS + HOST_REFUSALS.length;

/** One product's counters on one host. */
export interface ProductCounters {
  dlv: HostCounters;
  /** Failed requests by the code the host answered, "0xC004F038" → count; keys sorted, zeros left out. */
  errors: Record<string, number>;
}

function reasonIndex(status: number): number {
  switch (status) {
    case Code.NotEnabled:
      return 0;
    case Code.HostNotActivated:
      return 1;
    case Code.ProductNotServed:
      return 2;
    case Code.ClockSkew:
      return 3;
    case Code.CountInsufficient:
      return 4;
    // Stryker disable next-line ConditionalExpression: without the default case the function returns undefined, and undefined >= 0 is false like -1
    default:
      return -1;
  }
}

export class ProductBooks {
  private readonly cells: Float64Array;

  constructor(readonly productCount: number) {
    if (!Number.isInteger(productCount) || productCount < 0) throw new RangeError(`ProductBooks: productCount must be an integer >= 0, got ${productCount}`);
    this.cells = new Float64Array(productCount * FIELDS);
  }

  /** Counts one decided request for `id`; an id outside the catalog is not counted here. */
  count(id: ProductId, clientStatus: LicenseStatus, answerStatus: number): void {
    // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: a typed-array write outside the array is dropped, so without the guard nothing is counted either
    if (!(id >= 0 && id < this.productCount)) return;
    const base = id * FIELDS;
    const cells = this.cells;
    // Stryker disable next-line ArithmeticOperator: the offset is 0, so + and - name the same slot
    cells[base + TOTAL]++;
    cells[base + BY_STATE + clientStatus]++;
    if (answerStatus !== 0) {
      cells[base + FAILED]++;
      const reason = reasonIndex(answerStatus);
      if (reason >= 0) cells[base + REASONS + reason]++;
    }
  }

  /** Requests counted for `id`. */
  requests(id: ProductId): number {
    return id >= 0 && id < this.productCount ? this.cells[id * FIELDS + TOTAL] : 0;
  }

  /** A copy of `id`'s counters. */
  of(id: ProductId): ProductCounters {
    const dlv = newHostCounters();
    const errors: Record<string, number> = {};
    if (!(id >= 0 && id < this.productCount)) return { dlv, errors };
    const base = id * FIELDS;
    const c = this.cells;
    // Stryker disable next-line ArithmeticOperator: the offset is 0, so + and - name the same slot
    dlv.total = c[base + TOTAL];
    dlv.failed = c[base + FAILED];
    dlv.initialGrace = c[base + BY_STATE + LicenseStatus.InitialGrace];
    dlv.licensed = c[base + BY_STATE + LicenseStatus.Licensed];
    dlv.outOfToleranceGrace = c[base + BY_STATE + LicenseStatus.OutOfToleranceGrace];
    dlv.notification = c[base + BY_STATE + LicenseStatus.Notification];
    const codes = HOST_REFUSALS.map((code, k) => [formatCode(code), c[base + REASONS + k]] as const).filter(([, n]) => n > 0);
    for (const [hex, n] of codes.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) errors[hex] = n;
    return { dlv, errors };
  }
}
