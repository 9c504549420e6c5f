// Byte-level reading and writing of domain names and resource-record framing (RFC 1035
// §3.1, §4.1.3, §4.1.4), for the messages dns-packet cannot handle: UPDATE with class NONE
// or empty rdata, and TSIG, whose MAC covers exact bytes. Reading never trusts a length:
// every read is bounds-checked and a bad message raises WireFormatError, nothing else.

import { HEADER_BYTES } from "./wire.js";

export class WireFormatError extends Error {
  readonly code = "DNS_WIRE_FORMAT";
  constructor(message: string) {
    super(message);
    this.name = "WireFormatError";
  }
}

export const RRType = { A: 1, NS: 2, SOA: 6, OPT: 41, SRV: 33, TSIG: 250, IXFR: 251, AXFR: 252, MAILB: 253, MAILA: 254, ANY: 255 } as const;
export const RRClass = { IN: 1, NONE: 254, ANY: 255 } as const;

const MAX_NAME_WIRE_BYTES = 255;
const MAX_LABEL_BYTES = 63;
/** Printable ASCII except the dot: what kmssim accepts inside a label. */
const LABEL_BYTE_MIN = 0x21;
const LABEL_BYTE_MAX = 0x7e;
const DOT = 0x2e;

/** Uncompressed wire form of `name` (case kept; one trailing dot ignored; "" or "." is the root). */
export function writeName(name: string): Buffer {
  const n = name.endsWith(".") ? name.slice(0, -1) : name;
  if (n.length === 0) return Buffer.from([0]);
  const parts: Buffer[] = [];
  for (const label of n.split(".")) {
    const bytes = Buffer.from(label, "latin1");
    if (bytes.length === 0) throw new RangeError(`name "${name}" has an empty label`);
    if (bytes.length > MAX_LABEL_BYTES) throw new RangeError(`name "${name}" has a label longer than ${MAX_LABEL_BYTES} bytes`);
    if (Buffer.from(label, "utf8").length !== bytes.length || !bytes.every(labelByte)) {
      throw new RangeError(`name "${name}" has a character kmssim does not write in a label`);
    }
    parts.push(Buffer.from([bytes.length]), bytes);
  }
  parts.push(Buffer.from([0]));
  const wire = Buffer.concat(parts);
  if (wire.length > MAX_NAME_WIRE_BYTES) throw new RangeError(`name "${name}" is longer than ${MAX_NAME_WIRE_BYTES} bytes on the wire`);
  return wire;
}

function labelByte(byte: number): boolean {
  return byte >= LABEL_BYTE_MIN && byte <= LABEL_BYTE_MAX && byte !== DOT;
}

/**
 * The name at `offset` (no trailing dot, case kept, "" for the root) and the offset after
 * it. Compression pointers must point backwards, so reading always ends.
 */
export function readName(message: Buffer, offset: number): { name: string; next: number } {
  const labels: string[] = [];
  let position = offset;
  let next = -1;
  let wireBytes = 0;
  // Each turn moves to a strictly smaller offset (pointer) or consumes bytes: bounded by the message length.
  for (let turns = 0; turns <= message.length; turns++) {
    if (position >= message.length) throw new WireFormatError(`name at offset ${offset} runs past the end of the message`);
    const length = message[position];
    if (length === 0) {
      wireBytes += 1;
      if (wireBytes > MAX_NAME_WIRE_BYTES) throw new WireFormatError(`name at offset ${offset} is longer than ${MAX_NAME_WIRE_BYTES} bytes`);
      return { name: labels.join("."), next: next === -1 ? position + 1 : next };
    }
    const kind = length & 0xc0;
    if (kind === 0xc0) {
      if (position + 1 >= message.length) throw new WireFormatError(`name at offset ${offset} has a cut compression pointer`);
      const target = ((length & 0x3f) << 8) | message[position + 1];
      if (target >= position || target < HEADER_BYTES) throw new WireFormatError(`name at offset ${offset} has a compression pointer that does not point back`);
      if (next === -1) next = position + 2;
      position = target;
      continue;
    }
    if (kind !== 0) throw new WireFormatError(`name at offset ${offset} uses an unknown label type`);
    const end = position + 1 + length;
    if (end > message.length) throw new WireFormatError(`name at offset ${offset} runs past the end of the message`);
    const label = message.subarray(position + 1, end);
    if (!label.every(labelByte)) throw new WireFormatError(`name at offset ${offset} has a label with bytes kmssim does not accept`);
    wireBytes += 1 + length;
    if (wireBytes > MAX_NAME_WIRE_BYTES) throw new WireFormatError(`name at offset ${offset} is longer than ${MAX_NAME_WIRE_BYTES} bytes`);
    labels.push(label.toString("latin1"));
    position = end;
  }
  throw new WireFormatError(`name at offset ${offset} does not end`);
}

/** Offset after the question at `offset`. */
export function skipQuestion(message: Buffer, offset: number): number {
  const { next } = readName(message, offset);
  if (next + 4 > message.length) throw new WireFormatError("question runs past the end of the message");
  return next + 4;
}

export interface RecordFrame {
  start: number;
  name: string;
  type: number;
  class: number;
  ttl: number;
  rdataStart: number;
  rdataLength: number;
  /** Offset after the record. */
  next: number;
}

export function readRecord(message: Buffer, offset: number): RecordFrame {
  const { name, next: fixed } = readName(message, offset);
  if (fixed + 10 > message.length) throw new WireFormatError(`record ${name || "."} is cut short`);
  const rdataLength = message.readUInt16BE(fixed + 8);
  const rdataStart = fixed + 10;
  if (rdataStart + rdataLength > message.length) throw new WireFormatError(`record ${name || "."} has rdata past the end of the message`);
  return {
    start: offset,
    name,
    type: message.readUInt16BE(fixed),
    class: message.readUInt16BE(fixed + 2),
    ttl: message.readUInt32BE(fixed + 4),
    rdataStart,
    rdataLength,
    next: rdataStart + rdataLength,
  };
}

/** One record in wire form (owner name uncompressed). */
export function writeRecord(name: string, type: number, klass: number, ttl: number, rdata: Buffer): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(type, 0);
  fixed.writeUInt16BE(klass, 2);
  fixed.writeUInt32BE(ttl, 4);
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([writeName(name), fixed, rdata]);
}
