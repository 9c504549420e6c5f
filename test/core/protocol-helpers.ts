// Arbitraries and helpers shared by the protocol tests.
import fc from "fast-check";
import { LicenseStatus } from "../../src/core/license.js";
import {
  encodeReject,
  encodeRequest,
  encodeResponse,
  FrameDecoder,
  MAX_PRODUCT_CODE,
  MessageType,
  PROTOCOL_ERROR_CODES,
  ProtocolError,
  type DecodedFrame,
  type RejectMessage,
  type RequestMessage,
  type ResponseMessage,
} from "../../src/core/protocol/index.js";

export const u32 = fc.integer({ min: 0, max: 0xffff_ffff });

/** Any finite time, plus plenty of realistic epoch milliseconds. */
const timeMs = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 4_102_444_800_000 }));

/** Any finite positive interval, plus whole minutes up to 180 days. */
const intervalMs = fc.oneof(
  fc.double({ min: 0, minExcluded: true, noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: 1, max: 259_200 }).map((minutes) => minutes * 60_000),
);

export const requestArb: fc.Arbitrary<RequestMessage> = fc.record({
  requestId: u32,
  cmid: fc.uint8Array({ minLength: 16, maxLength: 16 }),
  // Any catalog id the wire's product byte carries (built-in 0..2, a scenario's own up to 254).
  product: fc.integer({ min: 0, max: MAX_PRODUCT_CODE - 1 }),
  clientTimeMs: timeMs,
  renewal: fc.boolean(),
  status: fc.constantFrom(LicenseStatus.InitialGrace, LicenseStatus.Licensed, LicenseStatus.OutOfToleranceGrace, LicenseStatus.Notification),
});

export const responseArb: fc.Arbitrary<ResponseMessage> = fc.record({
  requestId: u32,
  status: fc.oneof(u32, fc.constantFrom(0, 0xc004f038, 0xc004f06c, 0xffff_ffff)),
  hostId: fc.integer({ min: 0, max: 0xffff }),
  count: u32,
  activationIntervalMs: intervalMs,
  renewalIntervalMs: intervalMs,
});

export const rejectArb: fc.Arbitrary<RejectMessage> = fc.record({ requestId: u32, reason: fc.constantFrom(...PROTOCOL_ERROR_CODES) });

/** A frame as the decoder should return it, with its encoding. */
export interface Encoded {
  frame: DecodedFrame;
  bytes: Uint8Array;
}

export const encodedArb: fc.Arbitrary<Encoded> = fc.oneof(
  requestArb.map((m) => ({ frame: { type: MessageType.ActivationRequest, ...m }, bytes: encodeRequest(m) })),
  responseArb.map((m) => ({ frame: { type: MessageType.ActivationResponse, ...m }, bytes: encodeResponse(m) })),
  rejectArb.map((m) => ({ frame: { type: MessageType.Reject, ...m }, bytes: encodeReject(m) })),
);

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** `bytes` cut at the given positions (taken modulo its length, any order, repeats allowed). */
export function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % (bytes.length + 1))))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    pieces.push(bytes.slice(from, p));
    from = p;
  }
  return pieces;
}

export interface Outcome {
  frames: DecodedFrame[];
  /** Code of the error that stopped the stream, or null when it ended cleanly. */
  error: string | null;
}

/**
 * Feeds chunks to a FrameDecoder the way a socket handler does (drain after every
 * push, end() at the close). Rethrows anything that is not a ProtocolError.
 */
export function runStream(chunks: readonly Uint8Array[]): Outcome {
  const decoder = new FrameDecoder();
  const frames: DecodedFrame[] = [];
  try {
    for (const chunk of chunks) {
      decoder.push(chunk);
      for (const frame of decoder) frames.push(frame);
    }
    decoder.end();
    for (const frame of decoder) frames.push(frame);
    return { frames, error: null };
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
    return { frames, error: err.code };
  }
}

/** The error `fn` throws (failing the test when it throws nothing). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected a throw");
}
