// What a host counts about the requests that reach it, the same in both drivers: every
// arrival is served (requests), refused (nothing listens) or held by a hung host
// (unanswered); every served request ends answered, late (after the client gave up), lost
// (a fault dropped it) or unfinished (the run stopped), or is still in service.
// A settling call with nothing in service is an illegal input: ignored and counted.

import type { LicenseStatus } from "../license.js";
import { PRODUCTS } from "../vocabulary.js";
import type { ProductId } from "../product.js";
import type { Admission } from "./host-lifecycle.js";
import { countRequest, newHostCounters, type HostCounters } from "./host-logic.js";
import { ProductBooks } from "./product-books.js";

export class HostBooks {
  requests = 0;
  activations = 0;
  renewals = 0;
  /** Arrived while nothing listened: connection refused. */
  refused = 0;
  /** Arrived while the host was hung: accepted, never answered. */
  unanswered = 0;
  /** Queued or in service when the host crashed, hung or was decommissioned. */
  lost = 0;
  /** Answered after the client's RPC timeout had already expired. */
  late = 0;
  answered = 0;
  /** In service when the run stopped (not a fault). */
  unfinished = 0;
  /** Settling calls with nothing in service (a driver bug, never a throw). */
  illegal = 0;
  /** Requests decided, like `slmgr /dlv`. */
  readonly dlv: HostCounters = newHostCounters();
  /** The same per product (`slmgr /dlv <Activation ID>`), with the failures' reasons. */
  readonly byProduct: ProductBooks;

  /** `productCount`: the scenario's catalog size (default: the built-in products). */
  constructor(productCount: number = PRODUCTS.length) {
    this.byProduct = new ProductBooks(productCount);
  }

  /** Served requests not yet answered, late, lost or unfinished. */
  get inService(): number {
    return this.requests - this.answered - this.late - this.lost - this.unfinished;
  }

  /** Arrivals of every kind: requests + refused + unanswered. */
  get arrivals(): number {
    return this.requests + this.refused + this.unanswered;
  }

  /** Counts one arrival by what it met; a served one is in service until settled. */
  arrive(admission: Admission, renewal: boolean): void {
    if (admission === "refuse") {
      this.refused++;
    } else if (admission === "hold") {
      this.unanswered++;
    } else {
      this.requests++;
      if (renewal) this.renewals++;
      else this.activations++;
    }
  }

  /** The host logic's decision for a served request for `product`, counted like `slmgr /dlv`. */
  decided(clientStatus: LicenseStatus, answerStatus: number, product: ProductId): void {
    countRequest(this.dlv, clientStatus, answerStatus);
    this.byProduct.count(product, clientStatus, answerStatus);
  }

  answer(): void {
    if (this.canSettle(1)) this.answered++;
  }

  answerLate(): void {
    if (this.canSettle(1)) this.late++;
  }

  /** `count` requests in service dropped by a fault. */
  lose(count = 1): void {
    if (this.canSettle(count)) this.lost += count;
  }

  /** `count` requests in service dropped because the run stopped. */
  discard(count: number): void {
    if (this.canSettle(count)) this.unfinished += count;
  }

  private canSettle(count: number): boolean {
    if (Number.isInteger(count) && count >= 0 && count <= this.inService) return true;
    this.illegal++;
    return false;
  }
}
