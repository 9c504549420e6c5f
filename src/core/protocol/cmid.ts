// Client machine ids on the wire: 16 bytes. A simulated client's CMID is a fixed
// 12-byte prefix derived from the run seed followed by its client index (u32, big
// endian), laid out as an RFC 9562 version-8 ("custom") UUID so it prints like a real
// CMID. The same seed gives every process of a run (workers, hosts, shards) the same
// ids, and a host turns an id back into the client index the virtual engine counts by.

import type { Cmid } from "../host/cmid-counter.js";
import { deriveSeed } from "../rng.js";
import { CMID_BYTES } from "./frame.js";

export const CMID_PREFIX_BYTES = 12;

/** Stream ids for deriveSeed: "CMI" then 0, 1, 2 (one per 32-bit word of the prefix). */
const PREFIX_STREAM = 0x434d4900;

/** The run's 12-byte CMID prefix. */
export function cmidPrefix(seed: number): Uint8Array {
  const prefix = new Uint8Array(CMID_PREFIX_BYTES);
  const view = new DataView(prefix.buffer);
  for (let word = 0; word < 3; word++) view.setUint32(4 * word, deriveSeed(seed, PREFIX_STREAM + word));
  prefix[6] = (prefix[6] & 0x0f) | 0x80; // UUID version 8
  prefix[8] = (prefix[8] & 0x3f) | 0x80; // RFC 9562 variant
  return prefix;
}

/** Client `index`'s CMID under `prefix`, written into `out` (16 bytes) when given. */
export function cmidFromIndex(prefix: Uint8Array, index: number, out: Uint8Array = new Uint8Array(CMID_BYTES)): Uint8Array {
  if (prefix.length !== CMID_PREFIX_BYTES) throw new RangeError(`cmidFromIndex: prefix must be ${CMID_PREFIX_BYTES} bytes`);
  if (!Number.isInteger(index) || index < 0 || index > 0xffff_ffff) throw new RangeError(`cmidFromIndex: index must be a u32, got ${index}`);
  if (out.length !== CMID_BYTES) throw new RangeError(`cmidFromIndex: out must be ${CMID_BYTES} bytes`);
  out.set(prefix);
  out[12] = index >>> 24;
  out[13] = (index >>> 16) & 0xff;
  out[14] = (index >>> 8) & 0xff;
  out[15] = index & 0xff;
  return out;
}

/** The client index in `cmid` if it carries `prefix`, else -1. */
export function cmidIndex(prefix: Uint8Array, cmid: Uint8Array): number {
  if (cmid.length !== CMID_BYTES || prefix.length !== CMID_PREFIX_BYTES) return -1;
  for (let i = 0; i < CMID_PREFIX_BYTES; i++) if (cmid[i] !== prefix[i]) return -1;
  return ((cmid[12] << 24) | (cmid[13] << 16) | (cmid[14] << 8) | cmid[15]) >>> 0;
}

/**
 * The host's counting key for a CMID: the client index (a number, as the virtual engine
 * counts) when the id carries the run's prefix, else its 32 hex digits. Distinct CMIDs
 * get distinct keys, since CmidCounter never takes a number for a string.
 */
export function cmidKey(cmid: Uint8Array, prefix?: Uint8Array): Cmid {
  const index = prefix === undefined ? -1 : cmidIndex(prefix, cmid);
  return index >= 0 ? index : cmidToHex(cmid);
}

/** 32 lower-case hex digits, no dashes. */
export function cmidToHex(cmid: Uint8Array): string {
  if (cmid.length !== CMID_BYTES) throw new RangeError(`cmidToHex: a CMID is ${CMID_BYTES} bytes, got ${cmid.length}`);
  let text = "";
  for (let i = 0; i < CMID_BYTES; i++) text += HEX[cmid[i]];
  return text;
}

/** UUID form for logs: 8-4-4-4-12 hex digits. */
export function formatCmid(cmid: Uint8Array): string {
  const h = cmidToHex(cmid);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Reads 32 hex digits, or the dashed UUID form; null for anything else. */
export function parseCmid(text: string): Uint8Array | null {
  const trimmed = text.trim();
  // Dashes all present (36 characters) or all absent (32).
  const m = /^([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})$/i.exec(trimmed);
  if (!m || (trimmed.length !== 32 && trimmed.length !== 36)) return null;
  const digits = m.slice(1).join("");
  const cmid = new Uint8Array(CMID_BYTES);
  for (let i = 0; i < CMID_BYTES; i++) cmid[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return cmid;
}

const HEX: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));
