// What a peer reads when a frame is refused: the ProtocolError's code, its words (the
// field and the value, or the sizes) and the request id when the header could be read.
import { describe, expect, it } from "vitest";
import { LicenseStatus } from "../../src/core/license.js";
import { decodeFrame, encodeReject, encodeRequest, encodeResponse, FrameDecoder, ProtocolError } from "../../src/core/protocol/index.js";

const REQUEST = encodeRequest({ requestId: 7, cmid: new Uint8Array(16), product: 0, clientTimeMs: 5, renewal: false, status: LicenseStatus.InitialGrace });
const RESPONSE = encodeResponse({ requestId: 7, status: 0, hostId: 1, count: 2, activationIntervalMs: 5, renewalIntervalMs: 6 });
const REJECT = encodeReject({ requestId: 7, reason: "BAD_MAGIC" });
/** Body offset: 4-byte length prefix + 8-byte header. */
const BODY = 12;

/** A copy of `frame` with one edit made through a DataView. */
function edited(frame: Uint8Array, edit: (view: DataView) => void): Uint8Array {
  const copy = frame.slice();
  edit(new DataView(copy.buffer));
  return copy;
}

function refusal(bytes: Uint8Array): ProtocolError {
  try {
    decodeFrame(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
    return error as ProtocolError;
  }
  throw new Error("decoded");
}

describe("decodeFrame refusals", () => {
  const extra = new Uint8Array(REQUEST.length + 2);
  extra.set(REQUEST);
  it.each<[string, Uint8Array, string, number | null]>([
    ["shorter than a length prefix", new Uint8Array(3), "SHORT_FRAME: 3 bytes, a frame's length prefix alone is 4", null],
    ["cut", REQUEST.slice(0, 20), "SHORT_FRAME: frame of 39 bytes cut after 20", null],
    ["bytes after the frame", extra, "BAD_LENGTH: 2 bytes after a frame of 39", 7],
    ["a prefix shorter than the header", edited(REQUEST, (v) => v.setUint32(0, 3)), "SHORT_FRAME: length prefix 3 is shorter than the 8-byte header", null],
    ["an oversized prefix", edited(REQUEST, (v) => v.setUint32(0, 253)), "OVERSIZED_FRAME: length prefix 253 exceeds the 256-byte frame limit", null],
    ["a frame of exactly the limit, cut", edited(REQUEST, (v) => v.setUint32(0, 252)), "SHORT_FRAME: frame of 256 bytes cut after 39", null],
    ["another magic", edited(REQUEST, (v) => v.setUint16(4, 0x1234)), 'BAD_MAGIC: magic 0x1234, expected 0x4B53 ("KS")', null],
    ["another version", edited(REQUEST, (v) => v.setUint8(6, 9)), "UNSUPPORTED_VERSION: version 9, this decoder speaks 1", 7],
    ["an unknown type", edited(REQUEST, (v) => v.setUint8(7, 77)), "UNKNOWN_TYPE: message type 77", 7],
    ["a type of another length", edited(RESPONSE, (v) => v.setUint8(7, 1)), "BAD_LENGTH: type 1 has a 35-byte frame after the prefix, got 34", 7],
    ["a NaN client time", edited(REQUEST, (v) => v.setFloat64(BODY + 16, NaN)), "BAD_FIELD: client time NaN is not valid", 7],
    ["product code 0", edited(REQUEST, (v) => v.setUint8(BODY + 24, 0)), "BAD_FIELD: product 0 is not valid", 7],
    ["renewal flag 2", edited(REQUEST, (v) => v.setUint8(BODY + 25, 2)), "BAD_FIELD: renewal flag 2 is not valid", 7],
    ["licence status 4", edited(REQUEST, (v) => v.setUint8(BODY + 26, 4)), "BAD_FIELD: license status 4 is not valid", 7],
    ["activation interval 0", edited(RESPONSE, (v) => v.setFloat64(BODY + 10, 0)), "BAD_FIELD: activation interval 0 is not valid", 7],
    ["renewal interval 0", edited(RESPONSE, (v) => v.setFloat64(BODY + 18, 0)), "BAD_FIELD: renewal interval 0 is not valid", 7],
    ["renewal interval Infinity", edited(RESPONSE, (v) => v.setFloat64(BODY + 18, Infinity)), "BAD_FIELD: renewal interval Infinity is not valid", 7],
    ["reject reason 200", edited(REJECT, (v) => v.setUint8(BODY, 200)), "BAD_FIELD: reject reason 200 is not valid", 7],
  ])("%s", (_label, bytes, message, requestId) => {
    const error = refusal(bytes);
    expect(error.message).toBe(message);
    expect(error.requestId).toBe(requestId);
  });

  it("a stream that ends inside a frame says how far it got", () => {
    const decoder = new FrameDecoder();
    decoder.push(REQUEST.slice(0, 10));
    decoder.end();
    expect(() => decoder.next()).toThrow("SHORT_FRAME: stream ended 10 bytes into a frame");
    // The failure stays: every later call gives the same error.
    expect(() => decoder.next()).toThrow("SHORT_FRAME: stream ended 10 bytes into a frame");
  });
});
