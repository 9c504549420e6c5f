// One client group's part of the client-side counters (k6's tags, for a fleet): what its
// clients sent and saw, so thresholds can judge `groups.legacy.rpc.activation.latencyMs.p99`.
// ClientTally records into it beside the whole fleet's counters, in the same call.

import { OutcomeStats, type OutcomeStatsWire } from "./outcome-stats.js";

export interface GroupTallyWire {
  activation: OutcomeStatsWire;
  renewal: OutcomeStatsWire;
  dns: OutcomeStatsWire;
  activatedClients: number;
  failovers: number;
  rediscoveries: number;
}

export class GroupTally {
  readonly activation = new OutcomeStats();
  readonly renewal = new OutcomeStats();
  readonly dns = new OutcomeStats();
  activatedClients = 0;
  failovers = 0;
  rediscoveries = 0;

  rpc(renewal: boolean): OutcomeStats {
    return renewal ? this.renewal : this.activation;
  }

  /** A structured-clone-friendly copy, for a worker to send to the main thread. */
  toWire(): GroupTallyWire {
    return {
      activation: this.activation.toWire(),
      renewal: this.renewal.toWire(),
      dns: this.dns.toWire(),
      activatedClients: this.activatedClients,
      failovers: this.failovers,
      rediscoveries: this.rediscoveries,
    };
  }

  /** Adds another part of the group's counts (another worker's clients of the group). */
  addWire(wire: GroupTallyWire): void {
    this.activation.addWire(wire.activation);
    this.renewal.addWire(wire.renewal);
    this.dns.addWire(wire.dns);
    this.activatedClients += wire.activatedClients;
    this.failovers += wire.failovers;
    this.rediscoveries += wire.rediscoveries;
  }
}
