// Timeline samples: every sample interval, how many clients have activated, how many
// are licensed, and how requests spread across hosts during the interval.

import type { TimelineSample } from "../results/result.js";
import type { SimHost } from "./sim-host.js";
import type { ExpectedShareLedger } from "../results/expected-share-ledger.js";
import type { ClientFleet } from "../core/client/client-fleet.js";
import type { LicensedTally } from "./licensed-tally.js";
import { TimelineRecorder } from "../results/timeline-recorder.js";
import type { IntervalTally } from "../results/interval-tally.js";
import type { ShardSpec } from "../core/shard/shard.js";

export interface SampleSource {
  readonly hosts: readonly SimHost[];
  readonly fleet: ClientFleet;
  readonly ledger: ExpectedShareLedger;
  readonly activatedClients: number;
  readonly licensedTally: LicensedTally;
  /** The clients' side of the interval; reset at each sample. */
  readonly interval: IntervalTally;
  readonly shard: ShardSpec;
  servingMask(): number;
}

export class SampleRecorder {
  private readonly recorder: TimelineRecorder;

  constructor(private readonly source: SampleSource) {
    // A shard keeps each interval's histograms so that merge computes exact percentiles.
    this.recorder = new TimelineRecorder(
      source.hosts.map((h) => (h.spec === null ? null : h.name)),
      source.shard.count > 1,
    );
  }

  get samples(): TimelineSample[] {
    return this.recorder.samples;
  }

  take(nowMs: number): void {
    const { hosts, ledger } = this.source;
    ledger.flush(this.source.servingMask());
    const licensed = this.source.licensedTally.licensedAtSample(this.recorder.samples.length);
    this.recorder.take(
      { nowMs, activated: this.source.activatedClients, licensed, lowCount: hosts.map((h) => h.logic.lowCountProducts(nowMs)) },
      hosts.map((h) => h.books.requests),
      ledger.takeInterval(),
      this.source.interval,
    );
    this.source.interval.reset();
  }
}
