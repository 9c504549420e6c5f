import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LicenseStatus } from "../../src/core/license.js";
import {
  decodeFrame,
  encodeReject,
  encodeRequest,
  encodeResponse,
  FrameDecoder,
  MAX_FRAME_BYTES,
  MessageType,
  ProtocolError,
  PROTOCOL_ERROR_CODES,
  type ProtocolErrorCode,
  type RequestMessage,
  type ResponseMessage,
} from "../../src/core/protocol/index.js";
import { concat, encodedArb, runStream, split, thrown } from "./protocol-helpers.js";

const REQUEST: RequestMessage = {
  requestId: 0x01020304,
  cmid: new Uint8Array(16).fill(1),
  product: 1, // windows-server
  clientTimeMs: 1_700_000_000_000,
  renewal: false,
  status: LicenseStatus.InitialGrace,
};
const RESPONSE: ResponseMessage = { requestId: 5, status: 0, hostId: 1, count: 5, activationIntervalMs: 7_200_000, renewalIntervalMs: 604_800_000 };

/** decodeFrame's outcome: the frame, or the ProtocolError code. Anything else fails the test. */
function oneShot(bytes: Uint8Array): ProtocolErrorCode | "ok" {
  try {
    decodeFrame(bytes);
    return "ok";
  } catch (err) {
    if (err instanceof ProtocolError) return err.code;
    throw err;
  }
}

function codeOf(fn: () => unknown): string {
  const err = thrown(fn);
  if (!(err instanceof ProtocolError)) throw err;
  return err.code;
}

/** A request frame with bytes at `offset` replaced. */
function patched(base: Uint8Array, offset: number, ...values: number[]): Uint8Array {
  const bytes = base.slice();
  bytes.set(values, offset);
  return bytes;
}

/** A frame whose length prefix is `length`, with `body` after it. */
function withPrefix(length: number, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  const bytes = new Uint8Array(4 + body.length);
  new DataView(bytes.buffer).setUint32(0, length);
  bytes.set(body, 4);
  return bytes;
}

describe("protocol: garbage in, ProtocolError out", () => {
  it("random bytes, cut anywhere: only ProtocolErrors, and the same outcome however they are cut", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.array(fc.nat(), { maxLength: 30 }), (bytes, cuts) => {
        const whole = runStream([bytes]); // throws (fails) on anything but a ProtocolError
        expect(runStream(split(bytes, cuts))).toEqual(whole);
        oneShot(bytes);
      }),
      { numRuns: 1000 },
    );
  });

  it("random bytes behind a plausible header still fail only with ProtocolErrors", () => {
    const header = fc.tuple(fc.integer({ min: 0, max: 260 }), fc.constantFrom(0x4b53, 0x4b54), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 4 }));
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 10 }), ([length, magic, version, type], rest, cuts) => {
        const head = new Uint8Array(8);
        const view = new DataView(head.buffer);
        view.setUint32(0, length);
        view.setUint16(4, magic);
        head[6] = version;
        head[7] = type;
        const bytes = concat([head, rest]);
        expect(runStream(split(bytes, cuts))).toEqual(runStream([bytes]));
        oneShot(bytes);
      }),
      { numRuns: 1000 },
    );
  });

  it("valid streams with flipped bytes: frames before the damage survive, then at most a ProtocolError", () => {
    fc.assert(
      fc.property(
        fc.array(encodedArb, { minLength: 1, maxLength: 6 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (encoded, flips, cuts) => {
          const bytes = concat(encoded.map((e) => e.bytes));
          for (const [at, xor] of flips) bytes[at % bytes.length] ^= xor;
          const firstDamaged = Math.min(...flips.map(([at]) => at % bytes.length));
          let end = 0;
          const intact = encoded.filter((e) => (end += e.bytes.length) <= firstDamaged).map((e) => e.frame);
          const outcome = runStream(split(bytes, cuts));
          expect(outcome.frames.slice(0, intact.length)).toEqual(intact);
          expect(outcome).toEqual(runStream([bytes]));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("a valid frame cut short is SHORT_FRAME, one-shot and streamed", () => {
    fc.assert(
      fc.property(encodedArb, fc.nat(), (e, n) => {
        const cut = e.bytes.subarray(0, n % e.bytes.length);
        expect(oneShot(cut)).toBe("SHORT_FRAME");
        expect(runStream([cut]).error).toBe(cut.length === 0 ? null : "SHORT_FRAME");
      }),
    );
  });

  it("any length prefix over the limit is OVERSIZED_FRAME as soon as its 4 bytes arrive", () => {
    fc.assert(
      fc.property(fc.integer({ min: MAX_FRAME_BYTES - 3, max: 0xffff_ffff }), (length) => {
        const decoder = new FrameDecoder();
        decoder.push(withPrefix(length));
        expect(codeOf(() => decoder.next())).toBe("OVERSIZED_FRAME");
        expect(oneShot(withPrefix(length, new Uint8Array(8)))).toBe("OVERSIZED_FRAME");
      }),
    );
  });
});

describe("protocol: each error code from a crafted frame", () => {
  const request = encodeRequest(REQUEST);
  const response = encodeResponse(RESPONSE);

  const cases: [string, Uint8Array, ProtocolErrorCode][] = [
    ["3 bytes", new Uint8Array(3), "SHORT_FRAME"],
    ["length prefix 7 (no room for the header)", withPrefix(7, new Uint8Array(7)), "SHORT_FRAME"],
    ["length prefix 0", withPrefix(0), "SHORT_FRAME"],
    ["request missing its last byte", request.subarray(0, request.length - 1), "SHORT_FRAME"],
    ["length prefix 253 (frame of 257 bytes)", withPrefix(253, new Uint8Array(253)), "OVERSIZED_FRAME"],
    ["length prefix 0xFFFFFFFF", withPrefix(0xffff_ffff), "OVERSIZED_FRAME"],
    ['an HTTP request ("GET " read as a length)', new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n"), "OVERSIZED_FRAME"],
    ['magic "KT"', patched(request, 5, 0x54), "BAD_MAGIC"],
    ["magic 0x0000", patched(request, 4, 0, 0), "BAD_MAGIC"],
    ["version 0", patched(request, 6, 0), "UNSUPPORTED_VERSION"],
    ["version 2", patched(request, 6, 2), "UNSUPPORTED_VERSION"],
    ["type 0", patched(request, 7, 0), "UNKNOWN_TYPE"],
    ["type 4", patched(request, 7, 4), "UNKNOWN_TYPE"],
    ["type 255", patched(response, 7, 255), "UNKNOWN_TYPE"],
    ["request body labelled as a response", patched(request, 7, 2), "BAD_LENGTH"],
    ["response body labelled as a request", patched(response, 7, 1), "BAD_LENGTH"],
    ["request with one extra byte inside its length", concat([patched(request, 3, 36), Uint8Array.of(0)]), "BAD_LENGTH"],
    ["reject with an empty body", concat([withPrefix(8), encodeReject({ requestId: 1, reason: "BAD_FIELD" }).subarray(4, 12)]), "BAD_LENGTH"],
    ["trailing bytes after a frame (one-shot)", concat([request, Uint8Array.of(0)]), "BAD_LENGTH"],
    ["product 0", patched(request, 36, 0), "BAD_FIELD"],
    ["renewal flag 2", patched(request, 37, 2), "BAD_FIELD"],
    ["license status 4", patched(request, 38, 4), "BAD_FIELD"],
    ["client time NaN", patched(request, 28, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0), "BAD_FIELD"],
    ["client time +Infinity", patched(request, 28, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0), "BAD_FIELD"],
    ["activation interval 0", patched(response, 22, 0, 0, 0, 0, 0, 0, 0, 0), "BAD_FIELD"],
    ["activation interval -0", patched(response, 22, 0x80, 0, 0, 0, 0, 0, 0, 0), "BAD_FIELD"],
    ["renewal interval negative", patched(response, 30, 0xc1), "BAD_FIELD"],
    ["renewal interval -Infinity", patched(response, 30, 0xff, 0xf0, 0, 0, 0, 0, 0, 0), "BAD_FIELD"],
    ["reject reason 0", patched(encodeReject({ requestId: 1, reason: "SHORT_FRAME" }), 12, 0), "BAD_FIELD"],
    ["reject reason 8", patched(encodeReject({ requestId: 1, reason: "SHORT_FRAME" }), 12, 8), "BAD_FIELD"],
  ];

  it.each(cases.map(([name, bytes, code]) => ({ name, bytes, code })))("$name → $code", ({ name, bytes, code }) => {
    expect(oneShot(bytes)).toBe(code);
    // A stream gives the same code, except that bytes after a good frame start the next frame.
    if (name.startsWith("trailing")) expect(runStream([bytes]).error).toBe("SHORT_FRAME");
    else expect(runStream([bytes]).error).toBe(code);
  });

  it("covers every error code", () => {
    expect(new Set(cases.map(([, , code]) => code))).toEqual(new Set(PROTOCOL_ERROR_CODES));
  });

  it("reads every product byte 1..255 as catalog id byte − 1 (a scenario's own products are 4 and up)", () => {
    for (const code of [1, 3, 4, 255]) {
      const frame = decodeFrame(patched(request, 36, code));
      expect(frame.type === MessageType.ActivationRequest && frame.product).toBe(code - 1);
    }
  });

  it("reports the frame's request id once the header is readable, else null", () => {
    const err = thrown(() => decodeFrame(patched(request, 36, 0))) as ProtocolError;
    expect([err.name, err.code, err.requestId]).toEqual(["ProtocolError", "BAD_FIELD", 0x01020304]);
    expect(err.message).toMatch(/^BAD_FIELD: product 0/);
    expect((thrown(() => decodeFrame(patched(request, 7, 9))) as ProtocolError).requestId).toBe(0x01020304);
    expect((thrown(() => decodeFrame(patched(request, 4, 0))) as ProtocolError).requestId).toBeNull();
    expect((thrown(() => decodeFrame(withPrefix(300))) as ProtocolError).requestId).toBeNull();
  });
});
