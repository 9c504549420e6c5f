// RFC 8945 TSIG with HMAC-SHA256, the only algorithm kmssim supports. The MAC covers: the
// request's MAC (u16 length + MAC) when signing a reply, the message without its TSIG
// record (ARCOUNT − 1, original id), then the TSIG variables: key name (lower case,
// uncompressed), class ANY, TTL 0, algorithm name, 48-bit time signed, fudge, error,
// other length and other data. Checked against BIND 9.18 (see dns-notes.md).

import { createHmac, timingSafeEqual } from "node:crypto";
import { normaliseName } from "./names.js";
import { HEADER_BYTES, readHeader } from "./wire.js";
import { RRClass, RRType, WireFormatError, readName, readRecord, skipQuestion, writeName, writeRecord } from "./wire-records.js";

export interface TsigKey {
  /** e.g. "kmssim-key." in any case; compared case-insensitively, trailing dot optional. */
  name: string;
  algorithm: "hmac-sha256";
  secret: Buffer;
}

export const TsigErrorCode = { NOERROR: 0, BADSIG: 16, BADKEY: 17, BADTIME: 18 } as const;
export const DEFAULT_FUDGE_SECONDS = 300;

export const TSIG_ALGORITHM_NAME = "hmac-sha256";
const MAC_BYTES = 32;
const MAX_TIME_SIGNED = 2 ** 48 - 1;

const TSIG_ERROR_NAMES = new Map<number, string>(Object.entries(TsigErrorCode).map(([name, code]) => [code, name]));

/** "NOERROR", "BADSIG", …; unknown codes as "TSIGERR<n>". */
export function tsigErrorName(error: number): string {
  return TSIG_ERROR_NAMES.get(error) ?? `TSIGERR${error}`;
}

/** The TSIG record is there but cannot be read, or is not the last record: the answer is FORMERR. */
export class TsigFormatError extends Error {
  readonly code = "DNS_TSIG_FORMAT";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TsigFormatError";
  }
}

export interface SignOptions {
  timeSignedSec: number;
  fudgeSec?: number;
  /** Signing a reply: the MAC of the request it answers. */
  requestMac?: Buffer;
  error?: number;
  /** BADTIME replies carry the server's time here (6 bytes, RFC 8945 §5.2.3). */
  otherData?: Buffer;
}

/** Appends the TSIG record as the last additional record (ARCOUNT + 1). */
export function signMessage(message: Buffer, key: TsigKey, opts: SignOptions): { message: Buffer; mac: Buffer } {
  if (message.length < HEADER_BYTES) throw new RangeError("a DNS message is at least 12 bytes");
  if (key.algorithm !== TSIG_ALGORITHM_NAME) throw new RangeError(`TSIG algorithm ${String(key.algorithm)} is not supported (only hmac-sha256)`);
  const fields: TsigFields = {
    keyName: key.name,
    algorithm: TSIG_ALGORITHM_NAME,
    timeSignedSec: checkedTime(opts.timeSignedSec),
    fudgeSec: opts.fudgeSec ?? DEFAULT_FUDGE_SECONDS,
    error: opts.error ?? TsigErrorCode.NOERROR,
    otherData: opts.otherData ?? Buffer.alloc(0),
  };
  const hmac = createHmac("sha256", key.secret);
  if (opts.requestMac !== undefined) hmac.update(lengthPrefixed(opts.requestMac));
  hmac.update(message);
  hmac.update(tsigVariables(fields));
  const mac = hmac.digest();
  return { message: appendTsig(message, fields, mac), mac };
}

/**
 * Appends an unsigned TSIG record (MAC size 0): the answer to BADKEY and BADSIG, where the
 * server cannot or must not sign (RFC 8945 §5.3.2).
 */
export function appendUnsignedTsig(
  message: Buffer,
  fields: { keyName: string; algorithm: string; timeSignedSec: number; fudgeSec: number; error: number },
): Buffer {
  return appendTsig(message, { ...fields, timeSignedSec: checkedTime(fields.timeSignedSec), otherData: Buffer.alloc(0) }, Buffer.alloc(0));
}

export interface TsigVerdict {
  signed: boolean;
  /** Lower case with a trailing dot, as the message names it; null when unsigned. */
  keyName: string | null;
  /** The outcome of verification (TsigErrorCode): NOERROR only when the MAC is right and the time within fudge. */
  error: number;
  key: TsigKey | null;
  /** The MAC the message carries (empty for an unsigned error reply); null when unsigned. */
  mac: Buffer | null;
  /** The message without its TSIG RR, ARCOUNT − 1, original id restored. */
  unsigned: Buffer;
  timeSignedSec: number;
  fudgeSec: number;
  /** Algorithm name as the message names it (lower case, no trailing dot); null when unsigned. */
  algorithm: string | null;
  /** The error field inside the TSIG record (what a server reports to the client). */
  recordError: number;
  otherData: Buffer;
}

/**
 * Finds and checks the TSIG record: key (BADKEY), MAC (BADSIG), then time (BADTIME), in
 * the order RFC 8945 §5.2 gives. Throws only TsigFormatError, for bytes that do not form a
 * message or a TSIG record that cannot be read or is not last.
 */
export function verifyMessage(message: Buffer, keys: readonly TsigKey[], opts: { nowSec: number; requestMac?: Buffer }): TsigVerdict {
  const located = locateTsig(message);
  if (located === null) {
    return {
      signed: false,
      keyName: null,
      error: TsigErrorCode.NOERROR,
      key: null,
      mac: null,
      unsigned: message,
      timeSignedSec: 0,
      fudgeSec: 0,
      algorithm: null,
      recordError: 0,
      otherData: Buffer.alloc(0),
    };
  }
  const { fields, mac, originalId, start } = located;
  const unsigned = Buffer.from(message.subarray(0, start));
  unsigned.writeUInt16BE(originalId, 0);
  unsigned.writeUInt16BE(message.readUInt16BE(10) - 1, 10);
  const keyName = `${normaliseName(fields.keyName)}.`;
  const key = keys.find((k) => normaliseName(k.name) === normaliseName(fields.keyName)) ?? null;
  const verdict: TsigVerdict = {
    signed: true,
    keyName,
    error: TsigErrorCode.NOERROR,
    key: null,
    mac,
    unsigned,
    timeSignedSec: fields.timeSignedSec,
    fudgeSec: fields.fudgeSec,
    algorithm: fields.algorithm,
    recordError: fields.error,
    otherData: fields.otherData,
  };
  if (key === null || key.algorithm !== TSIG_ALGORITHM_NAME || fields.algorithm !== TSIG_ALGORITHM_NAME) {
    return { ...verdict, error: TsigErrorCode.BADKEY };
  }
  verdict.key = key;
  // kmssim does not accept truncated MACs (RFC 8945 §5.2.2.1 lets a server refuse them).
  if (mac.length !== MAC_BYTES) return { ...verdict, error: TsigErrorCode.BADSIG };
  const hmac = createHmac("sha256", key.secret);
  if (opts.requestMac !== undefined) hmac.update(lengthPrefixed(opts.requestMac));
  hmac.update(unsigned);
  hmac.update(tsigVariables(fields));
  if (!timingSafeEqual(hmac.digest(), mac)) return { ...verdict, error: TsigErrorCode.BADSIG };
  if (Math.abs(Math.floor(opts.nowSec) - fields.timeSignedSec) > fields.fudgeSec) return { ...verdict, error: TsigErrorCode.BADTIME };
  return verdict;
}

interface TsigFields {
  keyName: string;
  algorithm: string;
  timeSignedSec: number;
  fudgeSec: number;
  error: number;
  otherData: Buffer;
}

/** The TSIG record of a message (null when it has none); throws TsigFormatError. */
function locateTsig(message: Buffer): { fields: TsigFields; mac: Buffer; originalId: number; start: number } | null {
  const header = readHeader(message);
  if (header === null) throw new TsigFormatError("message shorter than a DNS header");
  try {
    let offset = HEADER_BYTES;
    for (let i = 0; i < header.qdcount; i++) offset = skipQuestion(message, offset);
    const records = header.ancount + header.nscount + header.arcount;
    let tsigAt: ReturnType<typeof readRecord> | null = null;
    for (let i = 0; i < records; i++) {
      const record = readRecord(message, offset);
      if (record.type === RRType.TSIG) {
        if (i !== records - 1 || header.arcount === 0) throw new TsigFormatError("the TSIG record is not the last record of the message");
        tsigAt = record;
      }
      offset = record.next;
    }
    if (offset !== message.length) throw new TsigFormatError(`${message.length - offset} bytes follow the last record`);
    if (tsigAt === null) return null;
    if (tsigAt.class !== RRClass.ANY || tsigAt.ttl !== 0) throw new TsigFormatError("the TSIG record must have class ANY and TTL 0");
    return { ...readTsigRdata(message, tsigAt.name, tsigAt.rdataStart, tsigAt.next), start: tsigAt.start };
  } catch (error) {
    if (error instanceof TsigFormatError) throw error;
    if (error instanceof WireFormatError) throw new TsigFormatError(`unreadable message: ${error.message}`, { cause: error });
    throw error;
  }
}

function readTsigRdata(message: Buffer, keyName: string, start: number, end: number): { fields: TsigFields; mac: Buffer; originalId: number } {
  const { name: algorithm, next } = readName(message, start);
  let at = next;
  const need = (bytes: number): number => {
    if (at + bytes > end) throw new TsigFormatError("the TSIG rdata is cut short");
    const here = at;
    at += bytes;
    return here;
  };
  const timeAt = need(6);
  const timeSignedSec = message.readUInt16BE(timeAt) * 2 ** 32 + message.readUInt32BE(timeAt + 2);
  const fudgeSec = message.readUInt16BE(need(2));
  const macSize = message.readUInt16BE(need(2));
  const mac = Buffer.from(message.subarray(need(macSize), at));
  const originalId = message.readUInt16BE(need(2));
  const error = message.readUInt16BE(need(2));
  const otherLength = message.readUInt16BE(need(2));
  const otherData = Buffer.from(message.subarray(need(otherLength), at));
  if (at !== end) throw new TsigFormatError("the TSIG rdata is longer than its fields");
  return { fields: { keyName, algorithm: normaliseName(algorithm), timeSignedSec, fudgeSec, error, otherData }, mac, originalId };
}

function tsigVariables(f: TsigFields): Buffer {
  const fixed = Buffer.alloc(6);
  fixed.writeUInt16BE(RRClass.ANY, 0);
  fixed.writeUInt32BE(0, 2);
  return Buffer.concat([writeName(normaliseName(f.keyName)), fixed, writeName(normaliseName(f.algorithm)), timersAndError(f)]);
}

/** Time signed (48 bits), fudge, error, other length, other data. */
function timersAndError(f: TsigFields): Buffer {
  const bytes = Buffer.alloc(12);
  writeTime(bytes, 0, f.timeSignedSec);
  bytes.writeUInt16BE(f.fudgeSec, 6);
  bytes.writeUInt16BE(f.error, 8);
  bytes.writeUInt16BE(f.otherData.length, 10);
  return Buffer.concat([bytes, f.otherData]);
}

function appendTsig(message: Buffer, f: TsigFields, mac: Buffer): Buffer {
  const middle = Buffer.alloc(10);
  writeTime(middle, 0, f.timeSignedSec);
  middle.writeUInt16BE(f.fudgeSec, 6);
  middle.writeUInt16BE(mac.length, 8);
  const tail = Buffer.alloc(6);
  tail.writeUInt16BE(message.readUInt16BE(0), 0); // original id
  tail.writeUInt16BE(f.error, 2);
  tail.writeUInt16BE(f.otherData.length, 4);
  const rdata = Buffer.concat([writeName(f.algorithm), middle, mac, tail, f.otherData]);
  const signed = Buffer.concat([message, writeRecord(f.keyName, RRType.TSIG, RRClass.ANY, 0, rdata)]);
  signed.writeUInt16BE(message.readUInt16BE(10) + 1, 10);
  return signed;
}

/** 6 bytes of `timeSec` as TSIG other data (BADTIME replies). */
export function timeAsOtherData(timeSec: number): Buffer {
  const bytes = Buffer.alloc(6);
  writeTime(bytes, 0, checkedTime(timeSec));
  return bytes;
}

function writeTime(bytes: Buffer, offset: number, timeSec: number): void {
  bytes.writeUInt16BE(Math.floor(timeSec / 2 ** 32), offset);
  bytes.writeUInt32BE(timeSec % 2 ** 32, offset + 2);
}

function checkedTime(timeSec: number): number {
  const t = Math.floor(timeSec);
  if (!Number.isFinite(t) || t < 0 || t > MAX_TIME_SIGNED) throw new RangeError(`TSIG time ${timeSec} does not fit 48 bits`);
  return t;
}

function lengthPrefixed(mac: Buffer): Buffer {
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(mac.length, 0);
  return Buffer.concat([prefix, mac]);
}
