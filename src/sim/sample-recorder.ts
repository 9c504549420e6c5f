// Timeline samples: every sample interval, how many clients have activated, how many
// are licensed, and how requests spread across hosts during the interval.

import { spreadOfCounts } from "../core/metrics/spread.js";
import type { TimelineSample } from "../output/result.js";
import type { SimHost } from "./sim-host.js";
import type { ExpectedShareLedger } from "../run/expected-share-ledger.js";
import type { ClientFleet } from "../core/client/client-fleet.js";
import type { LicensedTally } from "./licensed-tally.js";

export interface SampleSource {
  readonly hosts: readonly SimHost[];
  readonly fleet: ClientFleet;
  readonly ledger: ExpectedShareLedger;
  readonly activatedClients: number;
  readonly licensedTally: LicensedTally;
  servingMask(): number;
}

export class SampleRecorder {
  readonly samples: TimelineSample[] = [];
  private readonly lastRequests: number[];

  constructor(private readonly source: SampleSource) {
    this.lastRequests = source.hosts.map(() => 0);
  }

  take(nowMs: number): void {
    const { hosts, ledger } = this.source;
    ledger.flush(this.source.servingMask());
    const expected = ledger.takeInterval();
    const requests = hosts.map((h, k) => h.books.requests - this.lastRequests[k]);
    hosts.forEach((h, k) => (this.lastRequests[k] = h.books.requests));
    const hostRequests: Record<string, number> = {};
    const hostExpected: Record<string, number> = {};
    hosts.forEach((h, k) => {
      if (h.spec === null) return;
      hostRequests[h.name] = requests[k];
      hostExpected[h.name] = expected[k];
    });
    const licensed = this.source.licensedTally.licensedAtSample(this.samples.length);
    this.samples.push({
      t: nowMs / 1000,
      activated: this.source.activatedClients,
      licensed,
      hostRequests,
      hostExpected,
      spread: spreadOfCounts(requests, expected),
    });
  }
}
