// The host side of dynamic DNS: sends one RFC 2136 UPDATE, signed with TSIG when a key is
// given, over TCP (one fresh connection per update) and reads the server's answer. A
// reply to a signed request must verify with the same key, except NOTAUTH with BADSIG or
// BADKEY, which servers send unsigned by design (RFC 8945 §5.3.2).

import { randomInt } from "node:crypto";
import { tcpExchange, TcpExchangeError } from "./tcp-exchange.js";
import { signMessage, tsigErrorName, TsigErrorCode, TsigFormatError, verifyMessage, type TsigKey } from "./tsig.js";
import { encodeUpdate, type Prerequisite, type UpdateChange } from "./update-message.js";
import { Opcode, Rcode, rcodeName, readHeader } from "./wire.js";

export interface UpdateOutcome {
  rcode: number;
  /** "NOERROR", "NOTAUTH", … */
  rcodeName: string;
  /** The TSIG error the server reported (0 when none or unsigned). */
  tsigError: number;
  tsigErrorName: string;
  /** The reply's TSIG verified with our key. */
  verified: boolean;
}

export type DnsUpdateErrorCode = "DNS_UPDATE_TIMEOUT" | "DNS_UPDATE_UNREACHABLE" | "DNS_UPDATE_BAD_REPLY" | "DNS_UPDATE_ABORTED";

export class DnsUpdateError extends Error {
  constructor(
    readonly code: DnsUpdateErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "DnsUpdateError";
  }
}

export interface SendUpdateOptions {
  key: TsigKey | null;
  timeoutMs: number;
  /** Wall-clock seconds for TSIG. Default Date.now() / 1000. */
  wallNowSec?: () => number;
  /** Message id. Default random. */
  id?: number;
  signal?: AbortSignal;
  prerequisites?: readonly Prerequisite[];
}

export async function sendDnsUpdate(
  server: { host: string; port: number },
  zone: string,
  changes: readonly UpdateChange[],
  opts: SendUpdateOptions,
): Promise<UpdateOutcome> {
  const id = opts.id ?? randomInt(0, 0x10000);
  const nowSec = (): number => Math.floor((opts.wallNowSec ?? (() => Date.now() / 1000))());
  const unsigned = encodeUpdate(id, zone, changes, opts.prerequisites);
  const signed = opts.key === null ? null : signMessage(unsigned, opts.key, { timeSignedSec: nowSec() });
  const where = `${server.host}:${server.port}`;
  let reply: Buffer;
  try {
    reply = await tcpExchange(server.host, server.port, signed?.message ?? unsigned, opts.timeoutMs, opts.signal ?? new AbortController().signal);
  } catch (error) {
    if (!(error instanceof TcpExchangeError)) throw error;
    if (error.reason === "timeout")
      throw new DnsUpdateError("DNS_UPDATE_TIMEOUT", `no answer to the update of ${zone} from ${where} within ${opts.timeoutMs} ms`, { cause: error });
    if (error.reason === "aborted") throw new DnsUpdateError("DNS_UPDATE_ABORTED", `the update of ${zone} was cancelled`, { cause: error });
    throw new DnsUpdateError("DNS_UPDATE_UNREACHABLE", `could not update ${zone} at ${where}: ${error.message}`, { cause: error });
  }
  return readReply(reply, id, zone, where, opts.key, signed?.mac ?? null, nowSec());
}

function readReply(reply: Buffer, id: number, zone: string, where: string, key: TsigKey | null, requestMac: Buffer | null, nowSec: number): UpdateOutcome {
  const bad = (why: string, cause?: unknown): DnsUpdateError =>
    new DnsUpdateError("DNS_UPDATE_BAD_REPLY", `the reply from ${where} to the update of ${zone} ${why}`, cause === undefined ? undefined : { cause });
  const header = readHeader(reply);
  if (header === null) throw bad("is shorter than a DNS header");
  if (!header.qr || header.opcode !== Opcode.UPDATE || header.id !== id) {
    throw bad(`is not an answer to it (id ${header.id}, opcode ${header.opcode}, QR ${header.qr})`);
  }
  const outcome = (tsigError: number, verified: boolean): UpdateOutcome => ({
    rcode: header.rcode,
    rcodeName: rcodeName(header.rcode),
    tsigError,
    tsigErrorName: tsigErrorName(tsigError),
    verified,
  });
  let verdict;
  try {
    verdict = verifyMessage(reply, key === null ? [] : [key], { nowSec, ...(requestMac === null ? {} : { requestMac }) });
  } catch (error) {
    if (error instanceof TsigFormatError) throw bad(`cannot be read: ${error.message}`, error);
    throw error;
  }
  if (key === null) return outcome(verdict.signed ? verdict.recordError : 0, false);
  if (verdict.signed && verdict.error === TsigErrorCode.NOERROR) return outcome(verdict.recordError, true);
  const unsignedRefusal =
    verdict.signed && header.rcode === Rcode.NOTAUTH && (verdict.recordError === TsigErrorCode.BADSIG || verdict.recordError === TsigErrorCode.BADKEY);
  if (unsignedRefusal) return outcome(verdict.recordError, false);
  if (!verdict.signed) throw bad(`(${rcodeName(header.rcode)}) is not signed although the update was`);
  throw bad(`(${rcodeName(header.rcode)}) carries a TSIG that does not verify with key ${key.name} (${tsigErrorName(verdict.error)})`);
}

/** What a KMS host sends to publish itself in `domain`: its SRV record and, when known, its address. */
export function publishChanges(
  domain: string,
  host: { target: string; address: string | null; port: number; priority: number; weight: number; ttlSeconds: number },
): UpdateChange[] {
  const changes: UpdateChange[] = [
    {
      op: "add",
      rr: { type: "SRV", name: `_vlmcs._tcp.${domain}`, target: host.target, port: host.port, priority: host.priority, weight: host.weight },
      ttlSeconds: host.ttlSeconds,
    },
  ];
  if (host.address !== null) changes.push({ op: "add", rr: { type: "A", name: host.target, address: host.address }, ttlSeconds: host.ttlSeconds });
  return changes;
}

/**
 * Removes a host's SRV record from `domain` and its A records. Deleting one RR takes its
 * whole rdata, so the priority and weight it was published with are needed too.
 */
export function unpublishChanges(domain: string, target: string, port: number, rank: { priority: number; weight: number }): UpdateChange[] {
  return [
    { op: "delete", rr: { type: "SRV", name: `_vlmcs._tcp.${domain}`, target, port, priority: rank.priority, weight: rank.weight } },
    { op: "deleteRRset", name: target, type: "A" },
  ];
}
