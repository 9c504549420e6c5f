import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LicenseStatus } from "../../src/core/license.js";
import {
  decodeFrame,
  encodeRequest,
  encodeResponse,
  FrameDecoder,
  MessageType,
  ProtocolError,
  REQUEST_FRAME_BYTES,
  type RequestMessage,
} from "../../src/core/protocol/index.js";
import { concat, encodedArb, runStream, split, thrown } from "./protocol-helpers.js";

const REQUEST: RequestMessage = {
  requestId: 9,
  cmid: new Uint8Array(16).fill(7),
  product: 2, // office-2010
  clientTimeMs: 1_700_000_000_000,
  renewal: true,
  status: LicenseStatus.Licensed,
};

describe("FrameDecoder: streaming", () => {
  it("any frame sequence, cut at any points, decodes to the same frames", () => {
    fc.assert(
      fc.property(fc.array(encodedArb, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 40 }), (encoded, cuts) => {
        const stream = concat(encoded.map((e) => e.bytes));
        const outcome = runStream(split(stream, cuts));
        expect(outcome).toEqual({ frames: encoded.map((e) => e.frame), error: null });
      }),
      { numRuns: 500 },
    );
  });

  it("one byte at a time, and everything in one chunk", () => {
    fc.assert(
      fc.property(fc.array(encodedArb, { minLength: 1, maxLength: 8 }), (encoded) => {
        const stream = concat(encoded.map((e) => e.bytes));
        const expected = { frames: encoded.map((e) => e.frame), error: null };
        expect(runStream(Array.from(stream, (b) => Uint8Array.of(b)))).toEqual(expected);
        expect(runStream([stream])).toEqual(expected);
      }),
    );
  });

  it("draining only after all chunks are pushed gives the same frames (the buffer grows)", () => {
    fc.assert(
      fc.property(fc.array(encodedArb, { maxLength: 60 }), fc.array(fc.nat(), { maxLength: 20 }), (encoded, cuts) => {
        const decoder = new FrameDecoder(16);
        for (const piece of split(concat(encoded.map((e) => e.bytes)), cuts)) decoder.push(piece);
        decoder.end();
        expect([...decoder]).toEqual(encoded.map((e) => e.frame));
        expect(decoder.bufferedBytes).toBe(0);
      }),
    );
  });

  it("returns null while a frame is incomplete, and keeps only the unfinished bytes", () => {
    const bytes = encodeRequest(REQUEST);
    const decoder = new FrameDecoder();
    decoder.push(bytes.subarray(0, 3));
    expect(decoder.next()).toBeNull();
    decoder.push(bytes.subarray(3, 20));
    expect(decoder.next()).toBeNull();
    expect(decoder.bufferedBytes).toBe(20);
    decoder.push(concat([bytes.subarray(20), bytes.subarray(0, 5)]));
    expect(decoder.next()).toEqual({ type: MessageType.ActivationRequest, ...REQUEST });
    expect(decoder.next()).toBeNull();
    expect(decoder.bufferedBytes).toBe(5);
    expect(decoder.state).toBe("open");
  });

  it("reads a whole frame in place until the drain ends; then the caller may reuse its buffer", () => {
    const two = concat([encodeRequest(REQUEST), encodeRequest({ ...REQUEST, requestId: 10 })]);
    const chunk = two.slice(0, REQUEST_FRAME_BYTES + 10);
    const decoder = new FrameDecoder();
    decoder.push(chunk);
    expect(decoder.next()).toEqual({ type: MessageType.ActivationRequest, ...REQUEST });
    expect(decoder.next()).toBeNull();
    chunk.fill(0);
    decoder.push(two.slice(REQUEST_FRAME_BYTES + 10));
    expect(decoder.next()).toEqual({ type: MessageType.ActivationRequest, ...REQUEST, requestId: 10 });
    expect(decoder.bufferedBytes).toBe(0);
  });

  it("copies a chunk without a whole frame: a caller may reuse its buffer after push", () => {
    const chunk = encodeRequest(REQUEST);
    const decoder = new FrameDecoder();
    decoder.push(chunk.subarray(0, 10));
    const rest = chunk.slice(10);
    chunk.fill(0);
    decoder.push(rest);
    expect(decoder.next()).toEqual({ type: MessageType.ActivationRequest, ...REQUEST });
  });

  it("end(): complete frames are still returned, then a cut frame is SHORT_FRAME", () => {
    const two = concat([encodeRequest(REQUEST), encodeRequest({ ...REQUEST, requestId: 10 })]);
    const decoder = new FrameDecoder();
    decoder.push(two.subarray(0, REQUEST_FRAME_BYTES + 30));
    decoder.end();
    expect(decoder.state).toBe("ended");
    expect(decoder.next()).toMatchObject({ requestId: 9 });
    const err = thrown(() => decoder.next());
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe("SHORT_FRAME");
    expect(decoder.state).toBe("error");
  });

  it("end() on a clean boundary: next() is null, and push afterwards is a caller error", () => {
    const decoder = new FrameDecoder();
    decoder.push(encodeResponse({ requestId: 1, status: 0, hostId: 0, count: 25, activationIntervalMs: 1, renewalIntervalMs: 1 }));
    decoder.end();
    expect(decoder.next()).toMatchObject({ type: MessageType.ActivationResponse, count: 25 });
    expect(decoder.next()).toBeNull();
    expect(() => decoder.push(new Uint8Array(1))).toThrow(/after end/);
  });

  it("after an error the decoder refuses everything with that same error (h11-style)", () => {
    const bad = encodeRequest(REQUEST);
    bad[6] = 2; // version
    const decoder = new FrameDecoder();
    decoder.push(concat([bad, encodeRequest(REQUEST)]));
    const err = thrown(() => decoder.next()) as ProtocolError;
    expect(err.code).toBe("UNSUPPORTED_VERSION");
    expect(err.requestId).toBe(9);
    expect(decoder.state).toBe("error");
    expect(decoder.error).toBe(err);
    expect(thrown(() => decoder.next())).toBe(err);
    expect(thrown(() => decoder.push(encodeRequest(REQUEST)))).toBe(err);
    expect(thrown(() => decoder.end())).toBe(err);
    expect(thrown(() => [...decoder])).toBe(err);
  });

  it("a frame stream decodes like decodeFrame on each frame", () => {
    fc.assert(
      fc.property(encodedArb, (e) => {
        expect(decodeFrame(e.bytes)).toEqual(runStream([e.bytes]).frames[0]);
      }),
    );
  });
});
