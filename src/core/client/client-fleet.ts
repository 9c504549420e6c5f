// The client state machine for a whole fleet, stored in typed memory (one 128-byte
// record per client) so a million clients fit in 128 MB. Inputs come in through `on*`
// calls with the time and an Rng; the next step comes out in a ClientAction (quinn-proto
// style: no clock, no sockets). Both the virtual engine and the realtime workers drive
// this one class.

import { Code } from "../errors.js";
import { DEFAULT_LICENSE_RULES, LicenseStatus, licenseStatusAt, type LicenseRules } from "../license.js";
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
/** A host failed this attempt: the next host chosen is a failover. */
const FLAG_FAILING_OVER = 4;

// One 128-byte record per client: the core's fields in the first 64 bytes, the driver's
// own per-client fields in the second 64 (DRIVER_AREA_OFFSET_BYTES). A timer firing for a random
// client then costs one memory miss instead of one per field. Offsets are in units of
// each view.
const RECORD_BYTES = 128;
/** Bytes 64..127 of every record belong to the driver. */
export const DRIVER_AREA_OFFSET_BYTES = 64;
const F64_PER_RECORD = RECORD_BYTES / 8;
const I32_PER_RECORD = RECORD_BYTES / 4;
// Float64 slots
const INSTALLED_AT = 0;
const VALID_UNTIL = 1;
const DUE_AT = 2;
const ANSWER_EXPIRES = 3;
const ACTIVATION_INTERVAL = 4;
const RENEWAL_INTERVAL = 5;
// Int32 slots (after the six doubles: bytes 48..63)
const REMOVED_MASK = 12;
const ANSWER_ID = 13;
const GROUP = 14;
// Byte slots (bytes 60..63)
const PHASE = 60;
const FLAGS = 61;
const CACHED_HOST = 62;
const TARGET_HOST = 63;

export class ClientFleet {
  readonly size: number;
  private readonly f64: Float64Array;
  private readonly i32: Int32Array;
  private readonly u8: Uint8Array;
  private readonly i8: Int8Array;

  constructor(
    size: number,
    private readonly groups: readonly ClientGroupConfig[],
    private readonly answers: AnswerBook,
  ) {
    this.size = size;
    const buffer = new ArrayBuffer(size * RECORD_BYTES);
    this.f64 = new Float64Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.u8 = new Uint8Array(buffer);
    this.i8 = new Int8Array(buffer);
    this.records = buffer;
    this.rulesOf = groups.map((g) => g.license ?? DEFAULT_LICENSE_RULES);
  }

  /** Each group's licence rules, defaults filled in (read on every request). */
  private readonly rulesOf: readonly LicenseRules[];

  /** The records, for a driver to lay its own views over (bytes 64..127 of each). */
  readonly records: ArrayBuffer;
  readonly recordBytes = RECORD_BYTES;

  group(i: number): number {
    return this.i32[i * I32_PER_RECORD + GROUP];
  }
  phase(i: number): Phase {
    return this.u8[i * RECORD_BYTES + PHASE];
  }
  /** Endpoint that answered last (used first next time), -1 none. */
  cachedHost(i: number): number {
    return this.i8[i * RECORD_BYTES + CACHED_HOST];
  }
  /** Endpoint of the request in flight. */
  targetHost(i: number): number {
    return this.i8[i * RECORD_BYTES + TARGET_HOST];
  }
  /** Endpoints that failed during the current attempt (bit h = endpoint h). */
  removedMask(i: number): number {
    return this.i32[i * I32_PER_RECORD + REMOVED_MASK] >>> 0;
  }
  installedAtMs(i: number): number {
    return this.f64[i * F64_PER_RECORD + INSTALLED_AT];
  }
  /** End of the current activation's validity; 0 = never activated. */
  validUntilMs(i: number): number {
    return this.f64[i * F64_PER_RECORD + VALID_UNTIL];
  }
  /** When the current request (or DNS query) was due: latency is measured from here. */
  dueAtMs(i: number): number {
    return this.f64[i * F64_PER_RECORD + DUE_AT];
  }
  /** A driver sets this when it sends a DNS query on the client's behalf. */
  markDue(i: number, nowMs: number): void {
    this.f64[i * F64_PER_RECORD + DUE_AT] = nowMs;
  }
  /** Intervals the last host answer set (they override the group defaults). */
  activationIntervalMs(i: number): number {
    return this.f64[i * F64_PER_RECORD + ACTIVATION_INTERVAL];
  }
  renewalIntervalMs(i: number): number {
    return this.f64[i * F64_PER_RECORD + RENEWAL_INTERVAL];
  }

  /**
   * Puts client i into its group, freshly installed at `installedAtMs`; its first timer is due then.
   * A client that starts licensed (`clients[].startLicensed`) gives `renewedAtMs`, its last renewal
   * before the run, and `renewedBy`, the endpoint that answered it (cached like any answer; -1 none);
   * `out` then carries Note.FirstActivation: it counts as activated from time 0.
   */
  install(i: number, groupIndex: number, installedAtMs: number, out: ClientAction, renewedAtMs = NaN, renewedBy = -1): ClientAction {
    const g = this.groups[groupIndex];
    const f = i * F64_PER_RECORD;
    this.f64[f + INSTALLED_AT] = installedAtMs;
    this.f64[f + VALID_UNTIL] = 0;
    this.f64[f + ACTIVATION_INTERVAL] = g.activationIntervalMs;
    this.f64[f + RENEWAL_INTERVAL] = g.renewalIntervalMs;
    this.i32[i * I32_PER_RECORD + GROUP] = groupIndex;
    this.i32[i * I32_PER_RECORD + ANSWER_ID] = -1;
    this.i32[i * I32_PER_RECORD + REMOVED_MASK] = 0;
    const b = i * RECORD_BYTES;
    this.u8[b + PHASE] = Phase.Idle;
    this.u8[b + FLAGS] = 0;
    this.i8[b + CACHED_HOST] = -1;
    this.i8[b + TARGET_HOST] = -1;
    out.reset();
    out.kind = ActionKind.Wait;
    out.atMs = installedAtMs;
    if (!Number.isNaN(renewedAtMs)) this.startLicensed(i, groupIndex, renewedAtMs, renewedBy, out);
    return out;
  }

  /** Its validity runs from its last renewal: it is an activated client from the start (noted for the driver's tally). */
  private startLicensed(i: number, groupIndex: number, renewedAtMs: number, renewedBy: number, out: ClientAction): void {
    this.f64[i * F64_PER_RECORD + VALID_UNTIL] = renewedAtMs + this.rulesOf[groupIndex].validityMs;
    if (this.groups[groupIndex].hostCaching) this.i8[i * RECORD_BYTES + CACHED_HOST] = renewedBy;
    out.notes |= Note.FirstActivation;
  }

  groupOf(i: number): ClientGroupConfig {
    return this.groups[this.group(i)];
  }

  statusAt(i: number, nowMs: number): LicenseStatus {
    const f = i * F64_PER_RECORD;
    return licenseStatusAt(nowMs, this.f64[f + INSTALLED_AT], this.f64[f + VALID_UNTIL], this.rulesOf[this.group(i)]);
  }

  isRenewal(i: number): boolean {
    return (this.u8[i * RECORD_BYTES + FLAGS] & FLAG_RENEWAL) !== 0;
  }

  /** A timer fired: start an activation or renewal attempt. */
  onTimer(i: number, nowMs: number, rng: Rng, out: ClientAction): ClientAction {
    out.reset();
    if (!this.accept(i, Input.Timer, out)) return out;
    const g = this.groupOf(i);
    const b = i * RECORD_BYTES;
    const renewal = this.statusAt(i, nowMs) === LicenseStatus.Licensed;
    this.u8[b + FLAGS] = renewal ? FLAG_RENEWAL : 0;
    this.i32[i * I32_PER_RECORD + REMOVED_MASK] = 0;
    if (g.pinnedHost >= 0) return this.send(i, g.pinnedHost, nowMs, out);
    const cached = this.i8[b + CACHED_HOST];
    if (g.hostCaching && cached >= 0) {
      this.u8[b + FLAGS] |= FLAG_USING_CACHE;
      return this.send(i, cached, nowMs, out);
    }
    return this.discover(i, nowMs, rng, out);
  }

  /** DNS answered; `answerId` names the candidate list, cached for `ttlMs`. */
  onDnsAnswer(i: number, nowMs: number, answerId: number, ttlMs: number, rng: Rng, out: ClientAction): ClientAction {
    out.reset();
    if (!this.accept(i, Input.DnsAnswer, out)) return out;
    this.i32[i * I32_PER_RECORD + ANSWER_ID] = answerId;
    this.f64[i * F64_PER_RECORD + ANSWER_EXPIRES] = nowMs + ttlMs;
    return this.chooseFromAnswer(i, nowMs, rng, out);
  }

  /**
   * DNS gave no usable answer: `serverSilent` when the server did not answer at all
   * (ERROR_TIMEOUT: look at the server), else the name does not exist (look at the records).
   */
  onDnsFailure(i: number, nowMs: number, out: ClientAction, serverSilent = false): ClientAction {
    out.reset();
    if (!this.accept(i, Input.DnsFailure, out)) return out;
    return this.failAttempt(i, nowMs, serverSilent ? Code.DnsServerSilent : Code.DnsNameDoesNotExist, out);
  }

  /** The host answered (success or a KMS error code). */
  onRpcAnswer(i: number, nowMs: number, answer: RpcAnswerView, out: ClientAction): ClientAction {
    out.reset();
    if (!this.accept(i, Input.RpcAnswer, out)) return out;
    // The host's intervals override the client's own, whatever the outcome.
    const f = i * F64_PER_RECORD;
    const b = i * RECORD_BYTES;
    this.f64[f + ACTIVATION_INTERVAL] = answer.activationIntervalMs;
    this.f64[f + RENEWAL_INTERVAL] = answer.renewalIntervalMs;
    this.u8[b + PHASE] = Phase.Idle;
    out.kind = ActionKind.Wait;
    if (answer.status !== 0) {
      out.atMs = nowMs + answer.activationIntervalMs;
      return out;
    }
    if (this.f64[f + VALID_UNTIL] === 0) out.notes |= Note.FirstActivation;
    this.f64[f + VALID_UNTIL] = nowMs + this.rulesOf[this.group(i)].validityMs;
    if (this.groupOf(i).hostCaching) this.i8[b + CACHED_HOST] = this.i8[b + TARGET_HOST];
    out.atMs = nowMs + answer.renewalIntervalMs;
    return out;
  }

  /** The host refused, reset or never answered within the RPC timeout. */
  onRpcUnreachable(i: number, nowMs: number, rng: Rng, out: ClientAction): ClientAction {
    out.reset();
    if (!this.accept(i, Input.RpcUnreachable, out)) return out;
    const g = this.groupOf(i);
    const b = i * RECORD_BYTES;
    this.i32[i * I32_PER_RECORD + REMOVED_MASK] |= 1 << this.i8[b + TARGET_HOST];
    if (g.pinnedHost >= 0) return this.failAttempt(i, nowMs, Code.NoHostReachable, out);
    // A failover is counted when another host is chosen, not when none is left.
    this.u8[b + FLAGS] |= FLAG_FAILING_OVER;
    if ((this.u8[b + FLAGS] & FLAG_USING_CACHE) !== 0) {
      // The cached host failed: back to DNS, without the host that just failed.
      this.u8[b + FLAGS] &= ~FLAG_USING_CACHE;
      out.notes |= Note.Rediscovery;
      return this.discover(i, nowMs, rng, out);
    }
    return this.chooseFromAnswer(i, nowMs, rng, out);
  }

  private discover(i: number, nowMs: number, rng: Rng, out: ClientAction): ClientAction {
    if (this.i32[i * I32_PER_RECORD + ANSWER_ID] >= 0 && nowMs < this.f64[i * F64_PER_RECORD + ANSWER_EXPIRES]) {
      return this.chooseFromAnswer(i, nowMs, rng, out);
    }
    this.u8[i * RECORD_BYTES + PHASE] = Phase.AwaitingDns;
    out.kind = ActionKind.QueryDns;
    out.domainId = this.groupOf(i).domainId;
    return out;
  }

  private chooseFromAnswer(i: number, nowMs: number, rng: Rng, out: ClientAction): ClientAction {
    const candidates = this.answers.candidatesOf(this.i32[i * I32_PER_RECORD + ANSWER_ID]);
    if (candidates.length === 0) return this.failAttempt(i, nowMs, Code.DnsNameDoesNotExist, out);
    const host = selectHost(this.groupOf(i).profile, candidates, this.removedMask(i), rng);
    if (host < 0) return this.failAttempt(i, nowMs, Code.NoHostReachable, out);
    const b = i * RECORD_BYTES;
    // Failed hosts are in the removed mask: the host chosen is another one.
    if ((this.u8[b + FLAGS] & FLAG_FAILING_OVER) !== 0) out.notes |= Note.Failover;
    this.u8[b + FLAGS] &= ~FLAG_FAILING_OVER;
    return this.send(i, host, nowMs, out);
  }

  private send(i: number, host: number, nowMs: number, out: ClientAction): ClientAction {
    const b = i * RECORD_BYTES;
    this.u8[b + PHASE] = Phase.AwaitingRpc;
    this.i8[b + TARGET_HOST] = host;
    this.f64[i * F64_PER_RECORD + DUE_AT] = nowMs;
    out.kind = ActionKind.SendRpc;
    out.host = host;
    out.renewal = (this.u8[b + FLAGS] & FLAG_RENEWAL) !== 0;
    return out;
  }

  /** The attempt failed as a whole: keep any validity, retry after the activation interval. */
  private failAttempt(i: number, nowMs: number, code: number, out: ClientAction): ClientAction {
    this.u8[i * RECORD_BYTES + PHASE] = Phase.Idle;
    out.kind = ActionKind.Wait;
    out.atMs = nowMs + this.f64[i * F64_PER_RECORD + ACTIVATION_INTERVAL];
    out.notes |= Note.AttemptFailed;
    out.attemptErrorCode = code;
    return out;
  }

  private accept(i: number, input: Input, out: ClientAction): boolean {
    const b = i * RECORD_BYTES;
    if (isLegal(this.u8[b + PHASE], input)) return true;
    this.u8[b + PHASE] = Phase.Error;
    out.kind = ActionKind.Halt;
    out.notes |= Note.IllegalInput;
    return false;
  }
}
