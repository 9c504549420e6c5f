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

  const { bytes, view } = header("encodeRequest", msg.requestId, MessageType.ActivationRequest, REQUEST_FRAME_BYTES, out, offset);
  bytes.set(msg.cmid, BODY);
  view.setFloat64(BODY + 16, msg.clientTimeMs);
  view.setUint8(BODY + 24, productCode(msg.product));
  view.setUint8(BODY + 25, msg.renewal ? 1 : 0);
  view.setUint8(BODY + 26, msg.status);
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

  const { bytes, view } = header("encodeResponse", msg.requestId, MessageType.ActivationResponse, RESPONSE_FRAME_BYTES, out, offset);
  view.setUint32(BODY, msg.status >>> 0);
  view.setUint16(BODY + 4, msg.hostId);
  view.setUint32(BODY + 6, msg.count);
  view.setFloat64(BODY + 10, msg.activationIntervalMs);
  view.setFloat64(BODY + 18, msg.renewalIntervalMs);
  return bytes;
}

export function encodeReject(msg: RejectMessage, out?: Uint8Array, offset = 0): Uint8Array {
  if (!PROTOCOL_ERROR_CODES.includes(msg.reason)) throw new RangeError(`encodeReject: unknown reason ${String(msg.reason)}`);
  const { bytes, view } = header("encodeReject", msg.requestId, MessageType.Reject, REJECT_FRAME_BYTES, out, offset);
  view.setUint8(BODY, rejectReasonOf(msg.reason));
  return bytes;
}

function header(
  fn: string,
  requestId: number,
  type: MessageType,
  frameBytes: number,
  out: Uint8Array | undefined,
  offset: number,
): { bytes: Uint8Array; view: DataView } {
  checkUint(`${fn}: requestId`, requestId, 0xffff_ffff);
  const target = out ?? new Uint8Array(frameBytes);
  if (!Number.isInteger(offset) || offset < 0 || offset + frameBytes > target.length) {
    throw new RangeError(`${fn}: no room for ${frameBytes} bytes at offset ${offset} of ${target.length}`);
  }
  const bytes = target.subarray(offset, offset + frameBytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, frameBytes);
  view.setUint32(0, frameBytes - LENGTH_PREFIX_BYTES);
  view.setUint16(4, MAGIC);
  view.setUint8(6, PROTOCOL_VERSION);
  view.setUint8(7, type);
  view.setUint32(8, requestId);
  return { bytes, view };
}

function checkUint(what: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`${what} must be an integer 0..${max}, got ${value}`);
}

function checkInterval(what: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`encodeResponse: ${what} must be finite and > 0, got ${value}`);
}
