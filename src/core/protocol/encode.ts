// Frame encoders (docs/protocol.md). Each writes one frame into `out` at `offset` (a new
// array when `out` is omitted) and returns a view of exactly the frame's bytes. A value
// the wire cannot carry is a caller bug: RangeError, never a silently clamped field.

import {
  CMID_BYTES,
  HEADER_BYTES,
  LENGTH_PREFIX_BYTES,
  MAGIC,
  MAX_LICENSE_STATUS,
  MessageType,
  MAX_PRODUCT_CODE,
  productCode,
  PROTOCOL_VERSION,
  REJECT_FRAME_BYTES,
  REQUEST_FRAME_BYTES,
  RESPONSE_FRAME_BYTES,
  type RejectMessage,
  type RequestMessage,
  type ResponseMessage,
} from "./frame.js";
import { PROTOCOL_ERROR_CODES, rejectReasonOf } from "./protocol-error.js";

const BODY = LENGTH_PREFIX_BYTES + HEADER_BYTES;

// Fields are written byte by byte, not through a DataView per frame: a view over the
// caller's bytes is an allocation per request, and over a fresh Uint8Array it also moves
// that array's bytes off the heap (~0.7 µs a frame on the realtime hot path).
const F64 = new Float64Array(1);
const F64_BYTES = new Uint8Array(F64.buffer);
/** Index of the most significant byte in F64_BYTES (the wire is big-endian): byte k of the wire is F64_BYTES[F64_TOP ^ k]. */
// Stryker disable next-line ConditionalExpression,EqualityOperator,ArrayDeclaration: on a little-endian machine (every one this runs on) F64_TOP is 7; the big-endian arm cannot be exercised here
const F64_TOP = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 7 : 0;

export function encodeRequest(msg: RequestMessage, out?: Uint8Array, offset = 0): Uint8Array {
  if (!(msg.cmid instanceof Uint8Array) || msg.cmid.length !== CMID_BYTES) {
    throw new RangeError(`encodeRequest: cmid must be ${CMID_BYTES} bytes`);
  }
  if (!Number.isInteger(msg.product) || msg.product < 0 || productCode(msg.product) > MAX_PRODUCT_CODE) {
    throw new RangeError(`encodeRequest: product must be a catalog id 0..${MAX_PRODUCT_CODE - 1}, got ${String(msg.product)}`);
  }
  if (!Number.isFinite(msg.clientTimeMs)) throw new RangeError(`encodeRequest: clientTimeMs must be finite, got ${msg.clientTimeMs}`);
  if (typeof msg.renewal !== "boolean") throw new RangeError(`encodeRequest: renewal must be a boolean`);
  checkUint("encodeRequest: status", msg.status, MAX_LICENSE_STATUS);

  const bytes = header("encodeRequest", msg.requestId, MessageType.ActivationRequest, REQUEST_FRAME_BYTES, out, offset);
  bytes.set(msg.cmid, BODY);
  writeFloat64(bytes, BODY + 16, msg.clientTimeMs);
  bytes[BODY + 24] = productCode(msg.product);
  bytes[BODY + 25] = msg.renewal ? 1 : 0;
  bytes[BODY + 26] = msg.status;
  return bytes;
}

export function encodeResponse(msg: ResponseMessage, out?: Uint8Array, offset = 0): Uint8Array {
  // Error codes are accepted signed (HRESULT as int32) or unsigned; the wire is unsigned.
  if (!Number.isInteger(msg.status) || msg.status < -0x8000_0000 || msg.status > 0xffff_ffff) {
    throw new RangeError(`encodeResponse: status must be a 32-bit code, got ${msg.status}`);
  }
  checkUint("encodeResponse: hostId", msg.hostId, 0xffff);
  checkUint("encodeResponse: count", msg.count, 0xffff_ffff);
  checkInterval("activationIntervalMs", msg.activationIntervalMs);
  checkInterval("renewalIntervalMs", msg.renewalIntervalMs);

  const bytes = header("encodeResponse", msg.requestId, MessageType.ActivationResponse, RESPONSE_FRAME_BYTES, out, offset);
  writeUint32(bytes, BODY, msg.status >>> 0);
  writeUint16(bytes, BODY + 4, msg.hostId);
  writeUint32(bytes, BODY + 6, msg.count);
  writeFloat64(bytes, BODY + 10, msg.activationIntervalMs);
  writeFloat64(bytes, BODY + 18, msg.renewalIntervalMs);
  return bytes;
}

export function encodeReject(msg: RejectMessage, out?: Uint8Array, offset = 0): Uint8Array {
  if (!PROTOCOL_ERROR_CODES.includes(msg.reason)) throw new RangeError(`encodeReject: unknown reason ${String(msg.reason)}`);
  const bytes = header("encodeReject", msg.requestId, MessageType.Reject, REJECT_FRAME_BYTES, out, offset);
  bytes[BODY] = rejectReasonOf(msg.reason);
  return bytes;
}

function header(fn: string, requestId: number, type: MessageType, frameBytes: number, out: Uint8Array | undefined, offset: number): Uint8Array {
  checkUint(`${fn}: requestId`, requestId, 0xffff_ffff);
  const target = out ?? new Uint8Array(frameBytes);
  if (!Number.isInteger(offset) || offset < 0 || offset + frameBytes > target.length) {
    throw new RangeError(`${fn}: no room for ${frameBytes} bytes at offset ${offset} of ${target.length}`);
  }
  const bytes = target.subarray(offset, offset + frameBytes);
  writeUint32(bytes, 0, frameBytes - LENGTH_PREFIX_BYTES);
  writeUint16(bytes, 4, MAGIC);
  bytes[6] = PROTOCOL_VERSION;
  bytes[7] = type;
  writeUint32(bytes, 8, requestId);
  return bytes;
}

function writeUint32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 24;
  bytes[at + 1] = value >>> 16;
  bytes[at + 2] = value >>> 8;
  bytes[at + 3] = value;
}

function writeUint16(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 8;
  bytes[at + 1] = value;
}

function writeFloat64(bytes: Uint8Array, at: number, value: number): void {
  F64[0] = value;
  for (let k = 0; k < 8; k++) bytes[at + k] = F64_BYTES[F64_TOP ^ k];
}

function checkUint(what: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`${what} must be an integer 0..${max}, got ${value}`);
}

function checkInterval(what: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`encodeResponse: ${what} must be finite and > 0, got ${value}`);
}
