// Answers one RFC 2136 UPDATE message against a DnsZone. Pure: bytes, zone, keys and the
// wall-clock time in; reply bytes and a log entry out (the zone changes when the update is
// accepted). Order of checks, matching BIND 9.18 as observed (dns-notes.md):
//
//   TSIG unreadable → FORMERR          bad key / MAC / time → NOTAUTH with BADKEY / BADSIG / BADTIME
//   message unreadable → FORMERR       zone section names a zone not served → NOTAUTH
//   unsigned → REFUSED                 prerequisites (RFC 2136 §3.2) → NXDOMAIN, YXDOMAIN, NXRRSET, YXRRSET
//   name outside the zone → NOTZONE    type other than SRV / A → REFUSED (a kmssim limitation)
//
// then every change is applied, all or nothing. Replies to a validly signed request are
// signed; BADTIME replies are signed too; BADKEY and BADSIG replies carry an empty MAC.
// Any valid key may update any served zone (like `update-policy { grant KEY zonesub ANY; }`).
// Beyond BIND: with a ReplayGuard, a validly signed update seen before (same key and MAC,
// still inside its fudge window) is answered NOTAUTH with BADTIME, signed, as RFC 8945
// §5.2.3 suggests for a message that is not newer than one already seen.

import { isAtOrBelow, normaliseName, SRV_PREFIX } from "./names.js";
import { appendUnsignedTsig, DEFAULT_FUDGE_SECONDS, signMessage, timeAsOtherData, TsigErrorCode, TsigFormatError, verifyMessage } from "./tsig.js";
import type { TsigKey, TsigVerdict } from "./tsig.js";
import type { ReplayGuard } from "./replay-guard.js";
import { decodeUpdate, encodeUpdateReply, UpdateFormatError } from "./update-message.js";
import type { DecodedChange, DecodedPrerequisite, DecodedUpdate, UpdateRecord } from "./update-message.js";
import { HEADER_BYTES, Rcode, headerOnlyReply, type Header } from "./wire.js";
import { RRClass, readName } from "./wire-records.js";
import type { DnsZone } from "./zone.js";

export interface UpdateLogEntry {
  /** On the zone's clock (the simulated clock in a realtime run). */
  at: number;
  peer?: string;
  /** The zone section's name (normalised), "" when unreadable. */
  zone: string;
  keyName: string | null;
  rcode: number;
  tsigError: number;
  /** Records in the update section. */
  changes: number;
  reason: string;
}

export interface UpdateContext {
  zone: DnsZone;
  keys: readonly TsigKey[];
  /** Wall-clock seconds for the TSIG time check (not the zone's simulated clock). */
  wallNowSec: number;
  peer?: string;
  /** Refuses validly signed updates already seen; none: replays are accepted (as BIND does). */
  replays?: ReplayGuard;
}

export interface UpdateReply {
  message: Buffer;
  rcode: number;
  tsigError: number;
  log: UpdateLogEntry;
}

type Outcome = { rcode: number; reason: string };

export function handleUpdate(raw: Buffer, header: Header, ctx: UpdateContext): UpdateReply {
  const nowSec = Math.floor(ctx.wallNowSec);
  const zoneName = zoneNameOf(raw, header);
  const log = (rcode: number, tsigError: number, keyName: string | null, changes: number, reason: string): UpdateLogEntry => ({
    at: ctx.zone.nowMs(),
    ...(ctx.peer === undefined ? {} : { peer: ctx.peer }),
    zone: zoneName === null ? "" : normaliseName(zoneName),
    keyName,
    rcode,
    tsigError,
    changes,
    reason,
  });

  let verdict: TsigVerdict;
  try {
    verdict = verifyMessage(raw, ctx.keys, { nowSec });
  } catch (error) {
    if (!(error instanceof TsigFormatError)) throw error;
    return {
      message: headerOnlyReply(header, Rcode.FORMERR),
      rcode: Rcode.FORMERR,
      tsigError: 0,
      log: log(Rcode.FORMERR, 0, null, header.nscount, `unreadable message or TSIG record: ${error.message}`),
    };
  }

  // Replies name the key in lower case, as BIND does (the MAC is the same either way).
  const replyKey = verdict.key === null ? null : { ...verdict.key, name: verdict.keyName ?? verdict.key.name };
  const replayed =
    verdict.signed &&
    verdict.error === TsigErrorCode.NOERROR &&
    verdict.mac !== null &&
    ctx.replays !== undefined &&
    !ctx.replays.admit(verdict.keyName ?? "", verdict.mac, verdict.timeSignedSec, verdict.fudgeSec, nowSec);
  const tsigError = replayed ? TsigErrorCode.BADTIME : verdict.error;
  if (verdict.signed && tsigError !== TsigErrorCode.NOERROR) {
    const reply = encodeUpdateReply(header.id, Rcode.NOTAUTH, zoneName);
    const message =
      tsigError === TsigErrorCode.BADTIME && replyKey !== null && verdict.mac !== null
        ? signMessage(reply, replyKey, {
            timeSignedSec: verdict.timeSignedSec,
            fudgeSec: verdict.fudgeSec,
            requestMac: verdict.mac,
            error: TsigErrorCode.BADTIME,
            otherData: timeAsOtherData(nowSec),
          }).message
        : appendUnsignedTsig(reply, {
            keyName: verdict.keyName ?? ".",
            algorithm: verdict.algorithm ?? ".",
            timeSignedSec: verdict.timeSignedSec,
            fudgeSec: verdict.fudgeSec,
            error: tsigError,
          });
    const why = replayed
      ? `a replay: this update (key ${verdict.keyName}, same MAC) was already received within its fudge of ${verdict.fudgeSec} s (BADTIME)`
      : verdict.error === TsigErrorCode.BADKEY
        ? `unknown key ${verdict.keyName} or algorithm ${verdict.algorithm} (BADKEY)`
        : verdict.error === TsigErrorCode.BADSIG
          ? `the signature by key ${verdict.keyName} does not verify (BADSIG)`
          : `the request was signed at ${verdict.timeSignedSec}, ${verdict.timeSignedSec - nowSec} s from our clock, outside the fudge of ${verdict.fudgeSec} s (BADTIME)`;
    return { message, rcode: Rcode.NOTAUTH, tsigError, log: log(Rcode.NOTAUTH, tsigError, verdict.keyName, header.nscount, why) };
  }

  const sign = (reply: Buffer): Buffer =>
    replyKey === null || verdict.mac === null
      ? reply
      : signMessage(reply, replyKey, { timeSignedSec: nowSec, fudgeSec: DEFAULT_FUDGE_SECONDS, requestMac: verdict.mac }).message;

  let update: DecodedUpdate;
  try {
    update = decodeUpdate(verdict.unsigned);
  } catch (error) {
    if (!(error instanceof UpdateFormatError)) throw error;
    const message = sign(encodeUpdateReply(header.id, Rcode.FORMERR, zoneName));
    return { message, rcode: Rcode.FORMERR, tsigError: 0, log: log(Rcode.FORMERR, 0, verdict.keyName, header.nscount, `malformed update: ${error.message}`) };
  }

  const outcome = evaluate(update, verdict, ctx.zone);
  return {
    message: sign(encodeUpdateReply(header.id, outcome.rcode, zoneName)),
    rcode: outcome.rcode,
    tsigError: 0,
    log: log(outcome.rcode, 0, verdict.keyName, update.changes.length, outcome.reason),
  };
}

/** Zone, permission, prerequisites, prescan, then apply (RFC 2136 §3.1–§3.4). */
function evaluate(update: DecodedUpdate, verdict: TsigVerdict, zone: DnsZone): Outcome {
  const origin = normaliseName(update.zone);
  if (update.zoneClass !== RRClass.IN || !zone.origins().includes(origin)) {
    return { rcode: Rcode.NOTAUTH, reason: `zone "${update.zone || "."}" is not served here` };
  }
  if (!verdict.signed) return { rcode: Rcode.REFUSED, reason: "unsigned update refused: updates need a TSIG key" };
  const failedPrerequisite = checkPrerequisites(update.prerequisites, zone, origin);
  if (failedPrerequisite !== null) return failedPrerequisite;
  const refused = prescan(update.changes, origin);
  if (refused !== null) return refused;
  const applied = zone.atomically(() => update.changes.reduce((count, change) => count + apply(change as SupportedChange, zone), 0));
  return { rcode: Rcode.NOERROR, reason: `applied ${update.changes.length} change(s), ${applied} record(s) added, refreshed or removed` };
}

function checkPrerequisites(prerequisites: readonly DecodedPrerequisite[], zone: DnsZone, origin: string): Outcome | null {
  const wanted = new Map<string, { name: string; type: "SRV" | "A"; values: Set<string> }>();
  for (const p of prerequisites) {
    const name = p.kind === "rrsetMatches" ? p.rr.name : p.kind === "unsupported" ? p.record.name : p.name;
    if (!isAtOrBelow(normaliseName(name), origin)) return { rcode: Rcode.NOTZONE, reason: `prerequisite name "${name}" is outside zone "${origin}"` };
    switch (p.kind) {
      case "unsupported":
        return { rcode: Rcode.REFUSED, reason: `prerequisite on record type ${p.record.typeCode} at "${name}": kmssim only handles SRV and A records` };
      case "nameInUse":
        if (!zone.ownsRecords(name)) return { rcode: Rcode.NXDOMAIN, reason: `prerequisite failed: name "${name}" is not in use` };
        break;
      case "nameNotInUse":
        if (zone.ownsRecords(name)) return { rcode: Rcode.YXDOMAIN, reason: `prerequisite failed: name "${name}" is in use` };
        break;
      case "rrsetExists":
        if (rrsetAt(zone, name, p.type).size === 0) return { rcode: Rcode.NXRRSET, reason: `prerequisite failed: no ${p.type} records at "${name}"` };
        break;
      case "rrsetAbsent":
        if (rrsetAt(zone, name, p.type).size > 0) return { rcode: Rcode.YXRRSET, reason: `prerequisite failed: ${p.type} records exist at "${name}"` };
        break;
      case "rrsetMatches": {
        const key = `${p.rr.type} ${normaliseName(name)}`;
        const group = wanted.get(key) ?? { name, type: p.rr.type, values: new Set<string>() };
        group.values.add(valueOf(p.rr));
        wanted.set(key, group);
        break;
      }
    }
  }
  for (const group of wanted.values()) {
    const actual = rrsetAt(zone, group.name, group.type);
    if (actual.size !== group.values.size || [...group.values].some((v) => !actual.has(v))) {
      return { rcode: Rcode.NXRRSET, reason: `prerequisite failed: the ${group.type} records at "${group.name}" differ from the ones required` };
    }
  }
  return null;
}

/** The RRset's values in the form valueOf gives. */
function rrsetAt(zone: DnsZone, name: string, type: "SRV" | "A"): Set<string> {
  if (type === "A") {
    const entry = zone.aAt(name);
    return new Set(entry === undefined ? [] : [entry.address]);
  }
  return new Set(zone.srvAt(name).map((r) => `${r.priority} ${r.weight} ${r.port} ${r.target}`));
}

function valueOf(rr: UpdateRecord): string {
  return rr.type === "A" ? rr.address : `${rr.priority} ${rr.weight} ${rr.port} ${normaliseName(rr.target)}`;
}

type SupportedChange = Exclude<DecodedChange, { op: "unsupported" }>;

/** RFC 2136 §3.4.1: every name inside the zone, every type one kmssim can hold. */
function prescan(changes: readonly DecodedChange[], origin: string): Outcome | null {
  for (const c of changes) {
    const name = c.op === "unsupported" ? c.record.name : c.op === "add" || c.op === "delete" ? c.rr.name : c.name;
    if (!isAtOrBelow(normaliseName(name), origin)) return { rcode: Rcode.NOTZONE, reason: `update of "${name}" is outside zone "${origin}"` };
    if (c.op === "unsupported") {
      return { rcode: Rcode.REFUSED, reason: `update of record type ${c.record.typeCode} at "${name}": kmssim only handles SRV and A records` };
    }
    if ((c.op === "add" || c.op === "delete") && c.rr.type === "SRV") {
      const owner = normaliseName(name);
      if (!owner.startsWith(SRV_PREFIX) || owner.length === SRV_PREFIX.length) {
        return { rcode: Rcode.REFUSED, reason: `SRV record at "${name}": kmssim only holds ${SRV_PREFIX}<domain> SRV records` };
      }
      if (c.op === "add" && normaliseName(c.rr.target) === "")
        return { rcode: Rcode.REFUSED, reason: `SRV record at "${name}" with target ".": not held by kmssim` };
    }
  }
  return null;
}

/** Applies one change; returns how many records it added, refreshed or removed. */
function apply(change: SupportedChange, zone: DnsZone): number {
  switch (change.op) {
    case "add": {
      const rr = change.rr;
      if (rr.type === "A") zone.addA(rr.name, rr.address, change.ttlSeconds);
      else {
        const record = { target: rr.target, port: rr.port, priority: rr.priority, weight: rr.weight, ttlSeconds: change.ttlSeconds };
        zone.addSrv(rr.name, record, { serveDomain: false });
      }
      return 1;
    }
    case "delete": {
      const rr = change.rr;
      if (rr.type === "A") return zone.aAt(rr.name)?.address === rr.address && zone.removeA(rr.name) ? 1 : 0;
      const target = normaliseName(rr.target);
      const match = zone.srvAt(rr.name).find((r) => r.target === target && r.port === rr.port && r.priority === rr.priority && r.weight === rr.weight);
      return match === undefined ? 0 : zone.removeSrv(rr.name, match.target, match.port);
    }
    case "deleteRRset":
      return change.type === "A" ? (zone.removeA(change.name) ? 1 : 0) : removeSrvRRset(zone, change.name);
    case "deleteName":
      return (zone.removeA(change.name) ? 1 : 0) + removeSrvRRset(zone, change.name);
  }
}

function removeSrvRRset(zone: DnsZone, owner: string): number {
  if (!normaliseName(owner).startsWith(SRV_PREFIX)) return 0;
  return [...zone.srvAt(owner)].reduce((count, r) => count + zone.removeSrv(owner, r.target, r.port), 0);
}

/** The zone section's name when it can be read (to echo it and log it), else null. */
function zoneNameOf(raw: Buffer, header: Header): string | null {
  if (header.qdcount < 1) return null;
  try {
    return readName(raw, HEADER_BYTES).name;
  } catch {
    return null;
  }
}
