// Accumulates what the SRV records promise, request by request: each request a host
// serves is charged to its client's selection context (profile + domain, or a pinned
// host); when the set of serving hosts changes, the pending counts are converted into
// expected shares with the vector valid until then.

import { expectedShares } from "../core/selection/expected-share.js";
import type { SelectionContext } from "../fleet-plan/fleet-plan.js";

export class ExpectedShareLedger {
  private readonly pending: Float64Array;
  /** Expected requests per endpoint accumulated since the last `takeInterval`. */
  private interval: Float64Array;
  readonly total: Float64Array;
  private readonly scratch: Float64Array;

  constructor(
    private readonly contexts: readonly SelectionContext[],
    private readonly endpointCount: number,
  ) {
    this.pending = new Float64Array(contexts.length);
    this.interval = new Float64Array(endpointCount);
    this.total = new Float64Array(endpointCount);
    this.scratch = new Float64Array(endpointCount);
  }

  charge(contextId: number): void {
    this.pending[contextId]++;
  }

  /** Converts pending charges with the serving set that was valid while they accrued. */
  flush(servingMask: number): void {
    for (let c = 0; c < this.contexts.length; c++) {
      const n = this.pending[c];
      if (n === 0) continue;
      const context = this.contexts[c];
      const shares = expectedShares(context.profile, context.candidates, servingMask, this.endpointCount, this.scratch);
      for (let h = 0; h < this.endpointCount; h++) this.interval[h] += n * shares[h];
      this.pending[c] = 0;
    }
  }

  /** Expected requests per endpoint since the previous call (flush first). */
  takeInterval(): Float64Array {
    const taken = this.interval;
    for (let h = 0; h < this.endpointCount; h++) this.total[h] += taken[h];
    this.interval = new Float64Array(this.endpointCount);
    return taken;
  }

  /** Expected requests per endpoint since the start, pending charges included: a running total to report. */
  totalSoFar(servingMask: number): number[] {
    this.flush(servingMask);
    this.takeInterval();
    return Array.from(this.total);
  }
}
