// RFC 2136 UPDATE messages, encoded and decoded here rather than by dns-packet, which
// cannot write class NONE or records with empty rdata (dns-notes.md). Sections: zone (the
// question section, exactly one SOA entry), prerequisites (answer section), updates
// (authority section), additional data (skipped). The forms (RFC 2136 §2.4, §2.5):
//
//   update      class IN + rdata: add          class ANY, type T, no rdata: delete RRset
//               class NONE + rdata: delete RR  class ANY, type ANY: delete every RRset at a name
//   prerequisite class ANY, type T: RRset exists     class IN + rdata: RRset exists with these values
//               class NONE, type T: RRset absent     class ANY / NONE, type ANY: name in use / not in use
//
// SRV and A records are understood; other types decode as `unsupported` with their raw
// rdata, so the server can refuse them cleanly. Malformed bytes raise UpdateFormatError only.

import { isIPv4 } from "node:net";
import { FLAG_QR, HEADER_BYTES, Opcode, readHeader } from "./wire.js";
import { RRClass, RRType, WireFormatError, readName, readRecord, writeName, writeRecord, type RecordFrame } from "./wire-records.js";

export type UpdateRecordType = "SRV" | "A";

export type UpdateRecord =
  { type: "SRV"; name: string; target: string; port: number; priority: number; weight: number } | { type: "A"; name: string; address: string };

export type UpdateChange =
  | { op: "add"; rr: UpdateRecord; ttlSeconds: number }
  /** Delete one RR (class NONE): every rdata field must match. */
  | { op: "delete"; rr: UpdateRecord }
  /** Class ANY, type T. */
  | { op: "deleteRRset"; name: string; type: UpdateRecordType }
  /** Class ANY, type ANY. */
  | { op: "deleteName"; name: string };

export type Prerequisite =
  | { kind: "rrsetExists"; name: string; type: UpdateRecordType }
  /** Value-dependent: all `rrsetMatches` of one name and type together must equal that RRset exactly. */
  | { kind: "rrsetMatches"; rr: UpdateRecord }
  | { kind: "rrsetAbsent"; name: string; type: UpdateRecordType }
  | { kind: "nameInUse"; name: string }
  | { kind: "nameNotInUse"; name: string };

/** A record of a type kmssim does not handle, kept as it came. */
export interface UnsupportedRecord {
  name: string;
  typeCode: number;
  classCode: number;
  ttlSeconds: number;
  rdata: Buffer;
}

export type DecodedChange = UpdateChange | { op: "unsupported"; record: UnsupportedRecord };
export type DecodedPrerequisite = Prerequisite | { kind: "unsupported"; record: UnsupportedRecord };

export interface DecodedUpdate {
  id: number;
  /** The zone section's name: no trailing dot, case kept. */
  zone: string;
  zoneClass: number;
  prerequisites: DecodedPrerequisite[];
  changes: DecodedChange[];
}

export class UpdateFormatError extends Error {
  readonly code = "DNS_UPDATE_FORMAT";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "UpdateFormatError";
  }
}

/** RFC 2181 §8: a TTL with the top bit set is treated as 0. */
const MAX_TTL_SECONDS = 0x7fff_ffff;
const META_TYPES: ReadonlySet<number> = new Set([RRType.AXFR, RRType.IXFR, RRType.MAILA, RRType.MAILB]);

export function encodeUpdate(id: number, zone: string, changes: readonly UpdateChange[], prerequisites: readonly Prerequisite[] = []): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(Opcode.UPDATE << 11, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(prerequisites.length, 6);
  header.writeUInt16BE(changes.length, 8);
  return Buffer.concat([header, zoneSection(zone), ...prerequisites.map(encodePrerequisite), ...changes.map(encodeChange)]);
}

/**
 * A reply to an UPDATE: the header with `rcode` and, when the zone is known, the zone
 * section echoed (as BIND does); no other records. The TSIG, if any, is added after.
 */
export function encodeUpdateReply(id: number, rcode: number, zone: string | null): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(FLAG_QR | (Opcode.UPDATE << 11) | (rcode & 0xf), 2);
  if (zone === null) return header;
  header.writeUInt16BE(1, 4);
  return Buffer.concat([header, zoneSection(zone)]);
}

function zoneSection(zone: string): Buffer {
  const fixed = Buffer.alloc(4);
  fixed.writeUInt16BE(RRType.SOA, 0);
  fixed.writeUInt16BE(RRClass.IN, 2);
  return Buffer.concat([writeName(zone), fixed]);
}

function encodeChange(change: UpdateChange): Buffer {
  switch (change.op) {
    case "add":
      return encodeRecord(change.rr, RRClass.IN, checkedTtl(change.ttlSeconds));
    case "delete":
      return encodeRecord(change.rr, RRClass.NONE, 0);
    case "deleteRRset":
      return writeRecord(change.name, typeCode(change.type), RRClass.ANY, 0, Buffer.alloc(0));
    case "deleteName":
      return writeRecord(change.name, RRType.ANY, RRClass.ANY, 0, Buffer.alloc(0));
  }
}

function encodePrerequisite(p: Prerequisite): Buffer {
  switch (p.kind) {
    case "rrsetExists":
      return writeRecord(p.name, typeCode(p.type), RRClass.ANY, 0, Buffer.alloc(0));
    case "rrsetMatches":
      return encodeRecord(p.rr, RRClass.IN, 0);
    case "rrsetAbsent":
      return writeRecord(p.name, typeCode(p.type), RRClass.NONE, 0, Buffer.alloc(0));
    case "nameInUse":
      return writeRecord(p.name, RRType.ANY, RRClass.ANY, 0, Buffer.alloc(0));
    case "nameNotInUse":
      return writeRecord(p.name, RRType.ANY, RRClass.NONE, 0, Buffer.alloc(0));
  }
}

function encodeRecord(rr: UpdateRecord, klass: number, ttl: number): Buffer {
  if (rr.type === "A") {
    if (!isIPv4(rr.address)) throw new RangeError(`A record for "${rr.name}": "${rr.address}" is not an IPv4 address`);
    return writeRecord(rr.name, RRType.A, klass, ttl, Buffer.from(rr.address.split(".").map(Number)));
  }
  const fixed = Buffer.alloc(6);
  fixed.writeUInt16BE(checkedU16(rr.priority, "SRV priority"), 0);
  fixed.writeUInt16BE(checkedU16(rr.weight, "SRV weight"), 2);
  fixed.writeUInt16BE(checkedU16(rr.port, "SRV port"), 4);
  return writeRecord(rr.name, RRType.SRV, klass, ttl, Buffer.concat([fixed, writeName(rr.target)]));
}

function typeCode(type: UpdateRecordType): number {
  return type === "A" ? RRType.A : RRType.SRV;
}

function checkedU16(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) throw new RangeError(`${what} must be a whole number from 0 to 65535, got ${value}`);
  return value;
}

function checkedTtl(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_TTL_SECONDS) {
    throw new RangeError(`ttlSeconds must be a whole number from 0 to ${MAX_TTL_SECONDS}, got ${value}`);
  }
  return value;
}

/** Decodes an UPDATE request (its TSIG already removed, or not: additional data is skipped). */
export function decodeUpdate(message: Buffer): DecodedUpdate {
  const header = readHeader(message);
  if (header === null) throw new UpdateFormatError("message shorter than a DNS header");
  if (header.opcode !== Opcode.UPDATE) throw new UpdateFormatError(`opcode ${header.opcode} is not UPDATE`);
  if (header.qdcount !== 1) throw new UpdateFormatError(`the zone section must have exactly 1 entry, it has ${header.qdcount}`);
  try {
    const { name: zone, next } = readName(message, HEADER_BYTES);
    if (next + 4 > message.length) throw new UpdateFormatError("the zone section is cut short");
    const zoneType = message.readUInt16BE(next);
    const zoneClass = message.readUInt16BE(next + 2);
    if (zoneType !== RRType.SOA) throw new UpdateFormatError(`the zone section must have type SOA, it has type ${zoneType}`);
    let offset = next + 4;
    const read = (): RecordFrame => {
      const frame = readRecord(message, offset);
      offset = frame.next;
      return frame;
    };
    const prerequisites: DecodedPrerequisite[] = [];
    for (let i = 0; i < header.ancount; i++) prerequisites.push(decodePrerequisite(message, read(), zoneClass));
    const changes: DecodedChange[] = [];
    for (let i = 0; i < header.nscount; i++) changes.push(decodeChange(message, read(), zoneClass));
    for (let i = 0; i < header.arcount; i++) read();
    if (offset !== message.length) throw new UpdateFormatError(`${message.length - offset} bytes follow the last record`);
    return { id: header.id, zone, zoneClass, prerequisites, changes };
  } catch (error) {
    if (error instanceof UpdateFormatError) throw error;
    if (error instanceof WireFormatError) throw new UpdateFormatError(error.message, { cause: error });
    throw error;
  }
}

function decodeChange(message: Buffer, f: RecordFrame, zoneClass: number): DecodedChange {
  if (META_TYPES.has(f.type)) throw new UpdateFormatError(`update for ${show(f)} has a meta type (${f.type})`);
  if (f.class === zoneClass) {
    if (f.type === RRType.ANY) throw new UpdateFormatError(`update adding type ANY at ${show(f)}`);
    const rr = decodeRdata(message, f);
    const ttlSeconds = f.ttl > MAX_TTL_SECONDS ? 0 : f.ttl;
    return rr === null ? unsupported(message, f) : { op: "add", rr, ttlSeconds };
  }
  if (f.class === RRClass.ANY) {
    if (f.ttl !== 0 || f.rdataLength !== 0) throw new UpdateFormatError(`delete of ${show(f)} (class ANY) must have TTL 0 and no rdata`);
    if (f.type === RRType.ANY) return { op: "deleteName", name: f.name };
    const type = knownType(f.type);
    return type === null ? unsupported(message, f) : { op: "deleteRRset", name: f.name, type };
  }
  if (f.class === RRClass.NONE) {
    if (f.ttl !== 0) throw new UpdateFormatError(`delete of one record at ${show(f)} (class NONE) must have TTL 0`);
    if (f.type === RRType.ANY) throw new UpdateFormatError(`delete of one record at ${show(f)} cannot have type ANY`);
    const rr = decodeRdata(message, f);
    return rr === null ? unsupported(message, f) : { op: "delete", rr };
  }
  throw new UpdateFormatError(`update at ${show(f)} has class ${f.class}, neither the zone's, ANY nor NONE`);
}

function decodePrerequisite(message: Buffer, f: RecordFrame, zoneClass: number): DecodedPrerequisite {
  if (f.ttl !== 0) throw new UpdateFormatError(`prerequisite at ${show(f)} must have TTL 0`);
  if (META_TYPES.has(f.type)) throw new UpdateFormatError(`prerequisite at ${show(f)} has a meta type (${f.type})`);
  if (f.class === RRClass.ANY || f.class === RRClass.NONE) {
    if (f.rdataLength !== 0) throw new UpdateFormatError(`prerequisite at ${show(f)} (class ANY or NONE) must have no rdata`);
    const inUse = f.class === RRClass.ANY;
    if (f.type === RRType.ANY) return inUse ? { kind: "nameInUse", name: f.name } : { kind: "nameNotInUse", name: f.name };
    const type = knownType(f.type);
    if (type === null) return unsupportedPrerequisite(message, f);
    return inUse ? { kind: "rrsetExists", name: f.name, type } : { kind: "rrsetAbsent", name: f.name, type };
  }
  if (f.class === zoneClass) {
    if (f.type === RRType.ANY) throw new UpdateFormatError(`prerequisite at ${show(f)} with rdata cannot have type ANY`);
    const rr = decodeRdata(message, f);
    return rr === null ? unsupportedPrerequisite(message, f) : { kind: "rrsetMatches", rr };
  }
  throw new UpdateFormatError(`prerequisite at ${show(f)} has class ${f.class}, neither the zone's, ANY nor NONE`);
}

/** SRV or A rdata; null for other types. */
function decodeRdata(message: Buffer, f: RecordFrame): UpdateRecord | null {
  const at = f.rdataStart;
  if (f.type === RRType.A) {
    if (f.rdataLength !== 4) throw new UpdateFormatError(`A record at ${show(f)} has ${f.rdataLength} bytes of rdata, not 4`);
    return { type: "A", name: f.name, address: [...message.subarray(at, at + 4)].join(".") };
  }
  if (f.type === RRType.SRV) {
    if (f.rdataLength < 7) throw new UpdateFormatError(`SRV record at ${show(f)} has ${f.rdataLength} bytes of rdata, fewer than 7`);
    const { name: target, next } = readName(message, at + 6);
    if (next !== f.next) throw new UpdateFormatError(`SRV record at ${show(f)}: the target does not end where the rdata does`);
    return {
      type: "SRV",
      name: f.name,
      priority: message.readUInt16BE(at),
      weight: message.readUInt16BE(at + 2),
      port: message.readUInt16BE(at + 4),
      target,
    };
  }
  return null;
}

function knownType(code: number): UpdateRecordType | null {
  return code === RRType.A ? "A" : code === RRType.SRV ? "SRV" : null;
}

function unsupportedRecord(message: Buffer, f: RecordFrame): UnsupportedRecord {
  return {
    name: f.name,
    typeCode: f.type,
    classCode: f.class,
    ttlSeconds: f.ttl,
    rdata: Buffer.from(message.subarray(f.rdataStart, f.next)),
  };
}

function unsupported(message: Buffer, f: RecordFrame): DecodedChange {
  return { op: "unsupported", record: unsupportedRecord(message, f) };
}

function unsupportedPrerequisite(message: Buffer, f: RecordFrame): DecodedPrerequisite {
  return { kind: "unsupported", record: unsupportedRecord(message, f) };
}

function show(f: RecordFrame): string {
  return `"${f.name || "."}" type ${f.type}`;
}
