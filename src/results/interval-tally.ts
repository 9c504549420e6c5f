// What the clients saw during one timeline interval, for both drivers: the latency of the
// RPCs that completed in it (per kind, as histograms: percentiles of the interval, not of
// the run) and the failed ones per endpoint. Recording allocates nothing; the driver
// hands the tally to the timeline recorder at each sample and resets it.

import { LatencyRecorder } from "./latency-recorder.js";

/** Structured-clone-friendly copy (sparse buckets) that a worker posts with its totals. */
export interface IntervalTallyWire {
  activation: number[];
  renewal: number[];
  failedActivations: number;
  failedRenewals: number;
  /** Failed RPCs per endpoint (refused, timed out, reset or answered with an error code). */
  failedBy: number[];
}

export class IntervalTally {
  readonly activation = new LatencyRecorder();
  readonly renewal = new LatencyRecorder();
  failedActivations = 0;
  failedRenewals = 0;
  /** Per endpoint; grows when a DNS answer names one the plan did not know. */
  failedBy: number[];

  constructor(endpoints: number) {
    this.failedBy = new Array<number>(endpoints).fill(0);
  }

  /** One completed RPC to `endpoint` (−1: none known); latency from when it was due. */
  record(renewal: boolean, endpoint: number, status: number, latencyMs: number): void {
    (renewal ? this.renewal : this.activation).recordMs(latencyMs);
    if (status === 0) return;
    if (renewal) this.failedRenewals++;
    else this.failedActivations++;
    if (endpoint < 0) return;
    while (this.failedBy.length <= endpoint) this.failedBy.push(0);
    this.failedBy[endpoint]++;
  }

  reset(): void {
    this.activation.reset();
    this.renewal.reset();
    this.failedActivations = 0;
    this.failedRenewals = 0;
    this.failedBy.fill(0);
  }

  /** Adds another tally (a copy for the recorder, or another thread's). */
  add(other: IntervalTally): void {
    this.activation.add(other.activation);
    this.renewal.add(other.renewal);
    this.addCounts(other.failedActivations, other.failedRenewals, other.failedBy);
  }

  addWire(wire: IntervalTallyWire): void {
    this.activation.addSparse(wire.activation);
    this.renewal.addSparse(wire.renewal);
    this.addCounts(wire.failedActivations, wire.failedRenewals, wire.failedBy);
  }

  toWire(): IntervalTallyWire {
    return {
      activation: this.activation.toSparse(),
      renewal: this.renewal.toSparse(),
      failedActivations: this.failedActivations,
      failedRenewals: this.failedRenewals,
      failedBy: [...this.failedBy],
    };
  }

  private addCounts(failedActivations: number, failedRenewals: number, failedBy: readonly number[]): void {
    this.failedActivations += failedActivations;
    this.failedRenewals += failedRenewals;
    while (this.failedBy.length < failedBy.length) this.failedBy.push(0);
    failedBy.forEach((n, k) => (this.failedBy[k] += n));
  }
}
