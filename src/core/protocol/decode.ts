// Frame decoding (docs/protocol.md): `decodeFrame` for exactly one frame in hand, and
// `FrameDecoder` for a byte stream cut into arbitrary chunks. Bad bytes raise a
// ProtocolError, nothing else; the checks run in the documented order, the first failing
// one wins, so a stream gives the same frames and the same error however it is cut.

import type { LicenseStatus } from "../license.js";
import {
  BODY_BYTES,
  CMID_BYTES,
  HEADER_BYTES,
  LENGTH_PREFIX_BYTES,
  MAGIC,
  MAX_FRAME_BYTES,
  MAX_LICENSE_STATUS,
  MessageType,
  productOfCode,
  PROTOCOL_VERSION,
  type DecodedFrame,
} from "./frame.js";
import { codeOfRejectReason, ProtocolError } from "./protocol-error.js";

/** Decodes `bytes` holding exactly one frame, length prefix included. */
export function decodeFrame(bytes: Uint8Array): DecodedFrame {
  if (bytes.length < LENGTH_PREFIX_BYTES) {
    throw new ProtocolError("SHORT_FRAME", `${bytes.length} bytes, a frame's length prefix alone is ${LENGTH_PREFIX_BYTES}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = checkLengthPrefix(view.getUint32(0));
  const frameBytes = LENGTH_PREFIX_BYTES + length;
  if (bytes.length < frameBytes) throw new ProtocolError("SHORT_FRAME", `frame of ${frameBytes} bytes cut after ${bytes.length}`);
  // The frame is checked before the excess, so the error is the one a stream would give.
  const frame = parseFrame(view, LENGTH_PREFIX_BYTES, length);
  if (bytes.length > frameBytes) {
    throw new ProtocolError("BAD_LENGTH", `${bytes.length - frameBytes} bytes after a frame of ${frameBytes}`, frame.requestId);
  }
  return frame;
}

export type DecoderState = "open" | "ended" | "error";

const NO_BYTES = new Uint8Array(0);
/** Read by nobody (no bytes are available): shared, so a drained decoder allocates nothing. */
const NO_BYTES_VIEW = new DataView(NO_BYTES.buffer);

/**
 * Streaming decoder: `push` each chunk as it arrives, then drain with `next()` (or
 * iterate) until it returns null; call `end()` when the stream closes. A bad frame makes
 * `next()` throw a ProtocolError, and from then on the decoder is in the "error" state:
 * `push` and `next` throw that same error again (h11-style: the connection is done).
 * Only the bytes of one unfinished frame stay buffered between drains.
 *
 * A chunk that brings a whole frame with nothing buffered is read in place, not copied:
 * on loopback a frame almost always arrives whole, and a per-connection buffer would be an
 * off-heap allocation per request. Such a chunk must stay unchanged until the drain that
 * follows ends (next() returns null) or the next push; what is left of it is copied then.
 * Any other chunk is copied at once.
 */
export class FrameDecoder implements Iterable<DecodedFrame> {
  /** The bytes being read: the decoder's own buffer, or a chunk read in place. */
  private buf: Uint8Array = NO_BYTES;
  private view: DataView = NO_BYTES_VIEW;
  /** The decoder's own buffer, made the first time bytes must wait for the next chunk. */
  private owned: Uint8Array | null = null;
  private start = 0;
  private end_ = 0;
  private ended = false;
  private failure: ProtocolError | null = null;

  constructor(private readonly initialCapacity = 2 * MAX_FRAME_BYTES) {}

  get state(): DecoderState {
    return this.failure !== null ? "error" : this.ended ? "ended" : "open";
  }

  /** The error that stopped the decoder, or null. */
  get error(): ProtocolError | null {
    return this.failure;
  }

  /** Bytes received and not yet returned as frames. */
  get bufferedBytes(): number {
    return this.end_ - this.start;
  }

  /** Appends a chunk (a whole frame is read in place until the drain ends; see the class comment). */
  push(chunk: Uint8Array): void {
    if (this.failure !== null) throw this.failure;
    if (this.ended) throw new Error("FrameDecoder: push after end()");
    if (chunk.length === 0) return;
    if (this.start === this.end_ && holdsWholeFrame(chunk)) {
      this.readInPlace(chunk);
      return;
    }
    const own = this.ownBuffer(this.end_ - this.start + chunk.length);
    own.set(chunk, this.end_);
    this.end_ += chunk.length;
  }

  /** No more input will come: an unfinished frame left after the last full one is SHORT_FRAME. */
  end(): void {
    if (this.failure !== null) throw this.failure;
    this.ended = true;
  }

  /** The next complete frame, or null until more bytes arrive (or, after end(), when all are read). */
  next(): DecodedFrame | null {
    if (this.failure !== null) throw this.failure;
    const available = this.end_ - this.start;
    try {
      if (available < LENGTH_PREFIX_BYTES) return this.partial(available);
      const length = checkLengthPrefix(this.view.getUint32(this.start));
      if (available < LENGTH_PREFIX_BYTES + length) return this.partial(available);
      const frame = parseFrame(this.view, this.start + LENGTH_PREFIX_BYTES, length);
      this.start += LENGTH_PREFIX_BYTES + length;
      if (this.start === this.end_) this.drained();
      return frame;
    } catch (err) {
      if (err instanceof ProtocolError) this.failure = err;
      throw err;
    }
  }

  *[Symbol.iterator](): Iterator<DecodedFrame> {
    for (let frame = this.next(); frame !== null; frame = this.next()) yield frame;
  }

  private partial(available: number): null {
    if (this.ended && available > 0) {
      throw new ProtocolError("SHORT_FRAME", `stream ended ${available} bytes into a frame`);
    }
    // The drain ends: the rest of a chunk read in place must not depend on the caller's bytes.
    if (available > 0 && this.buf !== this.owned) this.ownBuffer(available);
    return null;
  }

  /** Every byte read: let go of a chunk read in place (the own buffer, if any, stays in `owned`). */
  private drained(): void {
    this.buf = NO_BYTES;
    this.view = NO_BYTES_VIEW;
    this.start = this.end_ = 0;
  }

  private readInPlace(bytes: Uint8Array): void {
    this.buf = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.start = 0;
    this.end_ = bytes.length;
  }

  /**
   * Moves the unread bytes to the front of the decoder's own buffer, with room for
   * `needed` bytes in all, and reads from there on; returns the buffer.
   */
  private ownBuffer(needed: number): Uint8Array {
    const live = this.end_ - this.start;
    let own = this.owned;
    if (own === null || own.length < needed) {
      own = new Uint8Array(Math.max(this.initialCapacity, 2 * (own?.length ?? 0), needed));
      this.owned = own;
    }
    // copyWithin when the bytes are in the own buffer already (the ranges may overlap).
    if (this.buf === own) own.copyWithin(0, this.start, this.end_);
    else own.set(this.buf.subarray(this.start, this.end_));
    this.buf = own;
    this.view = new DataView(own.buffer);
    this.start = 0;
    this.end_ = live;
    return own;
  }
}

/** Whether `chunk` starts with a whole frame by its length prefix (the prefix is checked when it is read). */
function holdsWholeFrame(chunk: Uint8Array): boolean {
  if (chunk.length < LENGTH_PREFIX_BYTES) return false;
  const length = ((chunk[0] << 24) | (chunk[1] << 16) | (chunk[2] << 8) | chunk[3]) >>> 0;
  return chunk.length >= LENGTH_PREFIX_BYTES + length;
}

/** Checks the u32 after-prefix length before any of it is buffered; returns it. */
function checkLengthPrefix(length: number): number {
  if (length < HEADER_BYTES) {
    throw new ProtocolError("SHORT_FRAME", `length prefix ${length} is shorter than the ${HEADER_BYTES}-byte header`);
  }
  if (LENGTH_PREFIX_BYTES + length > MAX_FRAME_BYTES) {
    throw new ProtocolError("OVERSIZED_FRAME", `length prefix ${length} exceeds the ${MAX_FRAME_BYTES}-byte frame limit`);
  }
  return length;
}

/** Parses the `length` bytes after a frame's length prefix, starting at `at`. */
function parseFrame(view: DataView, at: number, length: number): DecodedFrame {
  const magic = view.getUint16(at);
  if (magic !== MAGIC) throw new ProtocolError("BAD_MAGIC", `magic 0x${hex(magic, 4)}, expected 0x${hex(MAGIC, 4)} ("KS")`);
  const version = view.getUint8(at + 2);
  if (version !== PROTOCOL_VERSION) {
    throw new ProtocolError("UNSUPPORTED_VERSION", `version ${version}, this decoder speaks ${PROTOCOL_VERSION}`, view.getUint32(at + 4));
  }
  const type = view.getUint8(at + 3);
  const requestId = view.getUint32(at + 4);
  const bodyBytes = BODY_BYTES[type];
  if (bodyBytes === undefined) throw new ProtocolError("UNKNOWN_TYPE", `message type ${type}`, requestId);
  if (length !== HEADER_BYTES + bodyBytes) {
    throw new ProtocolError("BAD_LENGTH", `type ${type} has a ${HEADER_BYTES + bodyBytes}-byte frame after the prefix, got ${length}`, requestId);
  }
  const body = at + HEADER_BYTES;
  switch (type) {
    case MessageType.ActivationRequest: {
      const clientTimeMs = view.getFloat64(body + 16);
      if (!Number.isFinite(clientTimeMs)) throw badField("client time", clientTimeMs, requestId);
      const code = view.getUint8(body + 24);
      if (code === 0) throw badField("product", code, requestId);
      const product = productOfCode(code);
      const renewal = view.getUint8(body + 25);
      if (renewal > 1) throw badField("renewal flag", renewal, requestId);
      const status = view.getUint8(body + 26);
      if (status > MAX_LICENSE_STATUS) throw badField("license status", status, requestId);
      const cmid = new Uint8Array(view.buffer, view.byteOffset + body, CMID_BYTES).slice();
      return { type, requestId, cmid, product, clientTimeMs, renewal: renewal === 1, status: status as LicenseStatus };
    }
    case MessageType.ActivationResponse: {
      const activationIntervalMs = view.getFloat64(body + 10);
      if (!(activationIntervalMs > 0) || !Number.isFinite(activationIntervalMs)) throw badField("activation interval", activationIntervalMs, requestId);
      const renewalIntervalMs = view.getFloat64(body + 18);
      if (!(renewalIntervalMs > 0) || !Number.isFinite(renewalIntervalMs)) throw badField("renewal interval", renewalIntervalMs, requestId);
      return {
        type,
        requestId,
        status: view.getUint32(body),
        hostId: view.getUint16(body + 4),
        count: view.getUint32(body + 6),
        activationIntervalMs,
        renewalIntervalMs,
      };
    }
    default: {
      const reason = codeOfRejectReason(view.getUint8(body));
      if (reason === null) throw badField("reject reason", view.getUint8(body), requestId);
      return { type: MessageType.Reject, requestId, reason };
    }
  }
}

function badField(field: string, value: number, requestId: number): ProtocolError {
  return new ProtocolError("BAD_FIELD", `${field} ${value} is not valid`, requestId);
}

function hex(value: number, digits: number): string {
  return value.toString(16).toUpperCase().padStart(digits, "0");
}
