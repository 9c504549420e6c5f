// The client-side counters both drivers keep: outcomes per RPC kind and DNS, and what
// the client machine's notes say happened (failovers, rediscoveries, first activations,
// failed attempts, illegal inputs).

import { Note, type ClientAction } from "../core/client/client-action.js";
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

  /** Counts what one transition of a client meant, at simulated `nowMs`. */
  note(action: ClientAction, nowMs: number): void {
    const notes = action.notes;
    if (notes === 0) return;
    if (notes & Note.Failover) this.failovers++;
    if (notes & Note.Rediscovery) this.rediscoveries++;
    if (notes & Note.FirstActivation) {
      this.activatedClients++;
      this.activationTimes.recordMs(nowMs / 1_000_000);
    }
    if (notes & Note.AttemptFailed) this.attemptErrors.set(action.attemptErrorCode, (this.attemptErrors.get(action.attemptErrorCode) ?? 0) + 1);
    if (notes & Note.IllegalInput) this.illegalInputs++;
  }

  rpc(renewal: boolean): OutcomeStats {
    return renewal ? this.renewal : this.activation;
  }
}
