// What the machine asks its driver to do next, written into one reusable object so
// the hot path allocates nothing.

export enum ActionKind {
  /** Set a timer: call `onTimer` at `atMs`. */
  Wait = 0,
  /** Query DNS for the SRV records of `domainId`. */
  QueryDns = 1,
  /** Send an activation (or renewal) request to endpoint `host`. */
  SendRpc = 2,
  /** The client is in Error and takes no further part. */
  Halt = 3,
}

/** Bit flags describing what the transition meant, for the metrics. */
export const Note = {
  /** A host did not respond and the client moved on to another one. */
  Failover: 1,
  /** The cached host failed, so the client went back to DNS. */
  Rediscovery: 2,
  /** First successful activation of this client. */
  FirstActivation: 4,
  /** A whole attempt failed; `attemptErrorCode` says why. */
  AttemptFailed: 8,
  /** An input arrived that the phase does not allow (driver bug). */
  IllegalInput: 16,
} as const;

export class ClientAction {
  kind: ActionKind = ActionKind.Wait;
  atMs = 0;
  host = -1;
  domainId = -1;
  renewal = false;
  notes = 0;
  attemptErrorCode = 0;

  reset(): this {
    this.kind = ActionKind.Wait;
    this.atMs = 0;
    this.host = -1;
    this.domainId = -1;
    this.renewal = false;
    this.notes = 0;
    this.attemptErrorCode = 0;
    return this;
  }
}
