// The client-side counters both drivers keep: outcomes per RPC kind and DNS, and what
// the client machine's notes say happened (failovers, rediscoveries, first activations,
// failed attempts, illegal inputs); the whole fleet's, and each client group's
// (`groups[g]`, by the group's index in the scenario: no lookup by name on the hot path).

import { Note, type ClientAction } from "../core/client/client-action.js";
import { GroupTally } from "./group-tally.js";
import { LatencyRecorder } from "./latency-recorder.js";
import { OutcomeStats } from "./outcome-stats.js";

export class ClientTally {
  readonly activation = new OutcomeStats();
  readonly renewal = new OutcomeStats();
  readonly dns = new OutcomeStats();
  readonly attemptErrors = new Map<number, number>();
  /**
   * When each client first activated, in whole simulated seconds (the recorder's µs unit
   * holds seconds here): the activation curve at any zoom, whatever the sample interval.
   */
  readonly activationTimes = new LatencyRecorder();
  activatedClients = 0;
  failovers = 0;
  rediscoveries = 0;
  illegalInputs = 0;
  readonly groups: GroupTally[];

  constructor(groupCount: number) {
    this.groups = Array.from({ length: groupCount }, () => new GroupTally());
  }

  /** Counts what one transition of a client of group `group` meant, at simulated `nowMs`. */
  note(group: number, action: ClientAction, nowMs: number): void {
    const notes = action.notes;
    if (notes === 0) return;
    const g = this.groups[group];
    if (notes & Note.Failover) {
      this.failovers++;
      g.failovers++;
    }
    if (notes & Note.Rediscovery) {
      this.rediscoveries++;
      g.rediscoveries++;
    }
    if (notes & Note.FirstActivation) {
      this.activatedClients++;
      g.activatedClients++;
      this.activationTimes.recordMs(nowMs / 1_000_000);
    }
    if (notes & Note.AttemptFailed) this.attemptErrors.set(action.attemptErrorCode, (this.attemptErrors.get(action.attemptErrorCode) ?? 0) + 1);
    if (notes & Note.IllegalInput) this.illegalInputs++;
  }

  /** A client of group `group` sent an RPC. */
  sentRpc(group: number, renewal: boolean): void {
    this.rpc(renewal).sent++;
    this.groups[group].rpc(renewal).sent++;
  }

  /** The outcome of an RPC of a client of group `group`; latency from when it was due. */
  recordRpc(group: number, renewal: boolean, status: number, latencyMs: number): void {
    this.rpc(renewal).record(status, latencyMs);
    this.groups[group].rpc(renewal).record(status, latencyMs);
  }

  /** A client of group `group` sent a DNS query. */
  sentDns(group: number): void {
    this.dns.sent++;
    this.groups[group].dns.sent++;
  }

  /** The outcome of a DNS query of a client of group `group`. */
  recordDns(group: number, status: number, latencyMs: number): void {
    this.dns.record(status, latencyMs);
    this.groups[group].dns.record(status, latencyMs);
  }

  rpc(renewal: boolean): OutcomeStats {
    return renewal ? this.renewal : this.activation;
  }
}
