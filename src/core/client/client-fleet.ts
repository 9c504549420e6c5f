// The client state machine for a whole fleet, stored as struct-of-arrays so a million
// clients fit in tens of megabytes. Inputs come in through `on*` calls with the time and
// an Rng; the next step comes out in a ClientAction (quinn-proto style: no clock, no
// sockets). Both the virtual engine and the realtime workers drive this one class.

import { Code } from "../errors.js";
import {
  ACTIVATION_VALIDITY_MS,
  LicenseStatus,
  licenseStatusAt,
} from "../license.js";
import type { Rng } from "../rng.js";
import { selectHost } from "../selection/select-host.js";
import type { SrvCandidate } from "../selection/srv-candidate.js";
import { ActionKind, ClientAction, Note } from "./client-action.js";
import type { ClientGroupConfig } from "./client-group.js";
import { Input, Phase, isLegal } from "./transitions.js";

export { MAX_ENDPOINTS } from "../selection/srv-candidate.js";

/** The driver's view of DNS answers a client may have cached, by answer id. */
export interface AnswerBook {
  candidatesOf(answerId: number): readonly SrvCandidate[];
}

/** The parts of a host's answer the client acts on. */
export interface RpcAnswerView {
  status: number;
  activationIntervalMs: number;
  renewalIntervalMs: number;
}

const FLAG_RENEWAL = 1;
const FLAG_USING_CACHE = 2;

export class ClientFleet {
  readonly size: number;
  readonly group: Uint16Array;
  readonly phase: Uint8Array;
  private readonly flags: Uint8Array;
  /** Endpoint that answered last (used first next time), -1 none. */
  readonly cachedHost: Int8Array;
  /** Endpoint of the request in flight. */
  readonly targetHost: Int8Array;
  /** Endpoints that failed during the current attempt. */
  readonly removedMask: Uint32Array;
  readonly installedAtMs: Float64Array;
  /** End of the current activation's validity; 0 = never activated. */
  readonly validUntilMs: Float64Array;
  /** When the current request was due: latency is measured from here. */
  readonly dueAtMs: Float64Array;
  private readonly answerId: Int32Array;
  private readonly answerExpiresMs: Float64Array;
  /** Intervals the last host answer set (they override the group defaults). */
  readonly activationIntervalMs: Float64Array;
  readonly renewalIntervalMs: Float64Array;

  constructor(
    size: number,
    private readonly groups: readonly ClientGroupConfig[],
    private readonly answers: AnswerBook,
  ) {
    this.size = size;
    this.group = new Uint16Array(size);
    this.phase = new Uint8Array(size);
    this.flags = new Uint8Array(size);
    this.cachedHost = new Int8Array(size).fill(-1);
    this.targetHost = new Int8Array(size).fill(-1);
    this.removedMask = new Uint32Array(size);
    this.installedAtMs = new Float64Array(size);
    this.validUntilMs = new Float64Array(size);
    this.dueAtMs = new Float64Array(size);
    this.answerId = new Int32Array(size).fill(-1);
    this.answerExpiresMs = new Float64Array(size);
    this.activationIntervalMs = new Float64Array(size);
    this.renewalIntervalMs = new Float64Array(size);
  }

  /** Puts client i into its group, freshly installed at `installedAtMs`; its first timer is due then. */
  install(i: number, groupIndex: number, installedAtMs: number, out: ClientAction): ClientAction {
    const g = this.groups[groupIndex];
    this.group[i] = groupIndex;
    this.phase[i] = Phase.Idle;
    this.installedAtMs[i] = installedAtMs;
    this.activationIntervalMs[i] = g.activationIntervalMs;
    this.renewalIntervalMs[i] = g.renewalIntervalMs;
    out.reset();
    out.kind = ActionKind.Wait;
    out.atMs = installedAtMs;
    return out;
  }

  groupOf(i: number): ClientGroupConfig {
    return this.groups[this.group[i]];
  }

  statusAt(i: number, nowMs: number): LicenseStatus {
    return licenseStatusAt(nowMs, this.installedAtMs[i], this.validUntilMs[i]);
  }

  isRenewal(i: number): boolean {
    return (this.flags[i] & FLAG_RENEWAL) !== 0;
  }

  /** A timer fired: start an activation or renewal attempt. */
  onTimer(i: number, nowMs: number, rng: Rng, out: ClientAction): ClientAction {
    out.reset();
    if (!this.accept(i, Input.Timer, out)) return out;
    const g = this.groups[this.group[i]];
    const renewal = this.statusAt(i, nowMs) === LicenseStatus.Licensed;
    this.flags[i] = renewal ? FLAG_RENEWAL : 0;
    this.removedMask[i] = 0;
    if (g.pinnedHost >= 0) return this.send(i, g.pinnedHost, nowMs, out);
    if (g.hostCaching && this.cachedHost[i] >= 0) {
      this.flags[i] |= FLAG_USING_CACHE;
      return this.send(i, this.cachedHost[i], nowMs, out);
    }
    return this.discover(i, nowMs, rng, out);
  }

  /** DNS answered; `answerId` names the candidate list, cached for `ttlMs`. */
  onDnsAnswer(i: number, nowMs: number, answerId: number, ttlMs: number, rng: Rng, out: ClientAction): ClientAction {
    out.reset();
    if (!this.accept(i, Input.DnsAnswer, out)) return out;
    this.answerId[i] = answerId;
    this.answerExpiresMs[i] = nowMs + ttlMs;
    return this.chooseFromAnswer(i, nowMs, rng, out, false);
  }

  /** DNS did not answer or the name does not exist. */
  onDnsFailure(i: number, nowMs: number, out: ClientAction): ClientAction {
    out.reset();
    if (!this.accept(i, Input.DnsFailure, out)) return out;
    return this.failAttempt(i, nowMs, Code.DnsNameDoesNotExist, out);
  }

  /** The host answered (success or a KMS error code). */
  onRpcAnswer(i: number, nowMs: number, answer: RpcAnswerView, out: ClientAction): ClientAction {
    out.reset();
    if (!this.accept(i, Input.RpcAnswer, out)) return out;
    // The host's intervals override the client's own, whatever the outcome.
    this.activationIntervalMs[i] = answer.activationIntervalMs;
    this.renewalIntervalMs[i] = answer.renewalIntervalMs;
    this.phase[i] = Phase.Idle;
    out.kind = ActionKind.Wait;
    if (answer.status !== 0) {
      out.atMs = nowMs + answer.activationIntervalMs;
      return out;
    }
    if (this.validUntilMs[i] === 0) out.notes |= Note.FirstActivation;
    this.validUntilMs[i] = nowMs + ACTIVATION_VALIDITY_MS;
    if (this.groups[this.group[i]].hostCaching) this.cachedHost[i] = this.targetHost[i];
    out.atMs = nowMs + answer.renewalIntervalMs;
    return out;
  }

  /** The host refused, reset or never answered within the RPC timeout. */
  onRpcUnreachable(i: number, nowMs: number, rng: Rng, out: ClientAction): ClientAction {
    out.reset();
    if (!this.accept(i, Input.RpcUnreachable, out)) return out;
    const g = this.groups[this.group[i]];
    this.removedMask[i] |= 1 << this.targetHost[i];
    if (g.pinnedHost >= 0) return this.failAttempt(i, nowMs, Code.NoHostReachable, out);
    if ((this.flags[i] & FLAG_USING_CACHE) !== 0) {
      // The cached host failed: back to DNS, without the host that just failed.
      this.flags[i] &= ~FLAG_USING_CACHE;
      out.notes |= Note.Rediscovery;
      return this.discover(i, nowMs, rng, out);
    }
    return this.chooseFromAnswer(i, nowMs, rng, out, true);
  }

  private discover(i: number, nowMs: number, rng: Rng, out: ClientAction): ClientAction {
    if (this.answerId[i] >= 0 && nowMs < this.answerExpiresMs[i]) {
      return this.chooseFromAnswer(i, nowMs, rng, out, false);
    }
    this.phase[i] = Phase.AwaitingDns;
    out.kind = ActionKind.QueryDns;
    out.domainId = this.groups[this.group[i]].domainId;
    return out;
  }

  private chooseFromAnswer(i: number, nowMs: number, rng: Rng, out: ClientAction, failingOver: boolean): ClientAction {
    const candidates = this.answers.candidatesOf(this.answerId[i]);
    if (candidates.length === 0) return this.failAttempt(i, nowMs, Code.DnsNameDoesNotExist, out);
    const host = selectHost(this.groups[this.group[i]].profile, candidates, this.removedMask[i], rng);
    if (host < 0) return this.failAttempt(i, nowMs, Code.NoHostReachable, out);
    if (failingOver) out.notes |= Note.Failover;
    return this.send(i, host, nowMs, out);
  }

  private send(i: number, host: number, nowMs: number, out: ClientAction): ClientAction {
    this.phase[i] = Phase.AwaitingRpc;
    this.targetHost[i] = host;
    this.dueAtMs[i] = nowMs;
    out.kind = ActionKind.SendRpc;
    out.host = host;
    out.renewal = (this.flags[i] & FLAG_RENEWAL) !== 0;
    return out;
  }

  /** The attempt failed as a whole: keep any validity, retry after the activation interval. */
  private failAttempt(i: number, nowMs: number, code: number, out: ClientAction): ClientAction {
    this.phase[i] = Phase.Idle;
    out.kind = ActionKind.Wait;
    out.atMs = nowMs + this.activationIntervalMs[i];
    out.notes |= Note.AttemptFailed;
    out.attemptErrorCode = code;
    return out;
  }

  private accept(i: number, input: Input, out: ClientAction): boolean {
    if (isLegal(this.phase[i] as Phase, input)) return true;
    this.phase[i] = Phase.Error;
    out.kind = ActionKind.Halt;
    out.notes |= Note.IllegalInput;
    return false;
  }
}
