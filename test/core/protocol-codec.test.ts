import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Code } from "../../src/core/errors.js";
import { KmsHostLogic, newActivationAnswer } from "../../src/core/host/host-logic.js";
import { DEFAULT_ACTIVATION_INTERVAL_MS, DEFAULT_RENEWAL_INTERVAL_MS, LicenseStatus } from "../../src/core/license.js";
import {
  cmidFromIndex,
  cmidKey,
  cmidPrefix,
  decodeFrame,
  encodeReject,
  encodeRequest,
  encodeResponse,
  FrameDecoder,
  HEADER_BYTES,
  LENGTH_PREFIX_BYTES,
  MAX_FRAME_BYTES,
  MessageType,
  REJECT_BODY_BYTES,
  REJECT_FRAME_BYTES,
  REQUEST_BODY_BYTES,
  REQUEST_FRAME_BYTES,
  RESPONSE_BODY_BYTES,
  RESPONSE_FRAME_BYTES,
  type RequestMessage,
  type ResponseMessage,
} from "../../src/core/protocol/index.js";
import { rejectArb, requestArb, responseArb } from "./protocol-helpers.js";

const DOC = readFileSync(new URL("../../docs/protocol.md", import.meta.url), "utf8");

function docExample(name: string): Uint8Array {
  const m = new RegExp("```hex " + name + "\\n([\\s\\S]*?)```").exec(DOC);
  if (!m) throw new Error(`no hex example "${name}" in docs/protocol.md`);
  return Uint8Array.from(m[1].trim().split(/\s+/), (h) => parseInt(h, 16));
}

/**
 * The layout table under `heading`: checks that each row starts where the previous one
 * ended, and returns the first offset and the number of bytes the sized rows cover.
 */
function docLayout(heading: string): { start: number; bytes: number } {
  const section = DOC.slice(DOC.indexOf(heading));
  const table = section.slice(0, section.indexOf("\n\n", section.indexOf("| offset")));
  const rows = table
    .split("\n")
    .filter((line) => /^\| +\d+ /.test(line))
    .map((line) => line.split("|").map((cell) => cell.trim()));
  const start = Number(rows[0][1]);
  let at = start;
  for (const [, offset, size] of rows) {
    expect(Number(offset), `${heading}: row at ${offset}`).toBe(at);
    if (size !== "…") at += Number(size);
  }
  return { start, bytes: at - start };
}

const REQUEST: RequestMessage = {
  requestId: 1,
  cmid: Uint8Array.from({ length: 16 }, (_, i) => i),
  product: 0, // windows-client
  clientTimeMs: 1_700_000_000_000,
  renewal: false,
  status: LicenseStatus.InitialGrace,
};
const RESPONSE: ResponseMessage = {
  requestId: 1,
  status: Code.CountInsufficient,
  hostId: 2,
  count: 24,
  activationIntervalMs: DEFAULT_ACTIVATION_INTERVAL_MS,
  renewalIntervalMs: DEFAULT_RENEWAL_INTERVAL_MS,
};

describe("protocol: sizes", () => {
  it("every encoded frame has the documented fixed size", () => {
    expect([REQUEST_FRAME_BYTES, RESPONSE_FRAME_BYTES, REJECT_FRAME_BYTES]).toEqual([39, 38, 13]);
    expect(REQUEST_FRAME_BYTES).toBe(LENGTH_PREFIX_BYTES + HEADER_BYTES + REQUEST_BODY_BYTES);
    expect(RESPONSE_FRAME_BYTES).toBe(LENGTH_PREFIX_BYTES + HEADER_BYTES + RESPONSE_BODY_BYTES);
    expect(REJECT_FRAME_BYTES).toBe(LENGTH_PREFIX_BYTES + HEADER_BYTES + REJECT_BODY_BYTES);
    expect(MAX_FRAME_BYTES).toBe(256);
    fc.assert(
      fc.property(requestArb, responseArb, rejectArb, (req, res, rej) => {
        expect(encodeRequest(req).length).toBe(REQUEST_FRAME_BYTES);
        expect(encodeResponse(res).length).toBe(RESPONSE_FRAME_BYTES);
        expect(encodeReject(rej).length).toBe(REJECT_FRAME_BYTES);
      }),
    );
  });

  it("the body tables in docs/protocol.md add up to the encoder's sizes", () => {
    const body = LENGTH_PREFIX_BYTES + HEADER_BYTES;
    expect(docLayout("## Frame")).toEqual({ start: 0, bytes: body }); // the "…" body row has no size
    expect(docLayout("## 1 — ActivationRequest")).toEqual({ start: body, bytes: REQUEST_BODY_BYTES });
    expect(docLayout("## 2 — ActivationResponse")).toEqual({ start: body, bytes: RESPONSE_BODY_BYTES });
    expect(docLayout("## 3 — Reject")).toEqual({ start: body, bytes: REJECT_BODY_BYTES });
    for (const [name, frame, body_] of [
      ["1 ActivationRequest", REQUEST_FRAME_BYTES, REQUEST_BODY_BYTES],
      ["2 ActivationResponse", RESPONSE_FRAME_BYTES, RESPONSE_BODY_BYTES],
      ["3 Reject", REJECT_FRAME_BYTES, REJECT_BODY_BYTES],
    ] as const) {
      expect(DOC).toMatch(new RegExp(`\\| ${name} +\\| ${body_} +\\| ${frame} +\\| ${frame - LENGTH_PREFIX_BYTES} +\\|`));
    }
    expect(DOC).toContain(`**Maximum frame size: ${MAX_FRAME_BYTES} bytes**`);
  });

  it("encodes the documented example frames byte for byte", () => {
    expect(encodeRequest(REQUEST)).toEqual(docExample("request"));
    expect(encodeResponse(RESPONSE)).toEqual(docExample("response"));
    expect(encodeReject({ requestId: 7, reason: "UNKNOWN_TYPE" })).toEqual(docExample("reject"));
    expect(decodeFrame(docExample("response"))).toEqual({ type: MessageType.ActivationResponse, ...RESPONSE });
  });
});

describe("protocol: round trips", () => {
  it("ActivationRequest: decode(encode(m)) = m for every field value", () => {
    fc.assert(
      fc.property(requestArb, (msg) => {
        expect(decodeFrame(encodeRequest(msg))).toEqual({ type: MessageType.ActivationRequest, ...msg });
      }),
      { numRuns: 500 },
    );
  });

  it("ActivationResponse: decode(encode(m)) = m for every field value", () => {
    fc.assert(
      fc.property(responseArb, (msg) => {
        expect(decodeFrame(encodeResponse(msg))).toEqual({ type: MessageType.ActivationResponse, ...msg });
      }),
      { numRuns: 500 },
    );
  });

  it("Reject: decode(encode(m)) = m for every reason", () => {
    fc.assert(
      fc.property(rejectArb, (msg) => {
        expect(decodeFrame(encodeReject(msg))).toEqual({ type: MessageType.Reject, ...msg });
      }),
    );
  });

  it("carries the extremes exactly: u32 ids and counts, u16 host ids, 180-day intervals, -0 and huge times", () => {
    const res: ResponseMessage = {
      requestId: 0xffff_ffff,
      status: 0xffff_ffff,
      hostId: 0xffff,
      count: 0xffff_ffff,
      activationIntervalMs: Number.MIN_VALUE,
      renewalIntervalMs: 259_200 * 60_000,
    };
    expect(decodeFrame(encodeResponse(res))).toEqual({ type: MessageType.ActivationResponse, ...res });
    for (const clientTimeMs of [-0, Number.MAX_VALUE, -Number.MAX_VALUE, 0.5, Number.MAX_SAFE_INTEGER]) {
      const frame = decodeFrame(encodeRequest({ ...REQUEST, clientTimeMs }));
      expect(frame.type === MessageType.ActivationRequest && Object.is(frame.clientTimeMs, clientTimeMs)).toBe(true);
    }
  });

  it("a signed HRESULT is sent and decoded as its unsigned code", () => {
    const frame = decodeFrame(encodeResponse({ ...RESPONSE, status: Code.CountInsufficient | 0 }));
    expect(frame).toMatchObject({ status: 0xc004f038 });
  });

  it("the decoded CMID is a copy, not a view of the input", () => {
    const bytes = encodeRequest(REQUEST);
    const frame = decodeFrame(bytes);
    bytes.fill(0xff);
    expect(frame).toMatchObject({ cmid: REQUEST.cmid });
  });
});

describe("protocol: encoders", () => {
  it("write into a caller's buffer at an offset and return a view of the frame", () => {
    const out = new Uint8Array(100).fill(0xaa);
    const a = encodeRequest(REQUEST, out, 3);
    const b = encodeResponse(RESPONSE, out, 3 + REQUEST_FRAME_BYTES);
    expect(a.buffer).toBe(out.buffer);
    expect([a.byteOffset, a.length, b.byteOffset, b.length]).toEqual([3, 39, 42, 38]);
    expect(out[2]).toBe(0xaa);
    expect(out[80]).toBe(0xaa);
    const decoder = new FrameDecoder();
    decoder.push(out.subarray(3, 80));
    expect([...decoder].map((f) => f.type)).toEqual([MessageType.ActivationRequest, MessageType.ActivationResponse]);
  });

  it("throw RangeError for values the wire cannot carry, and for no room", () => {
    // Each with the words a caller reads: the function, the field and what it got.
    const badRequests: [Partial<RequestMessage>, string][] = [
      [{ requestId: -1 }, "encodeRequest: requestId must be an integer 0..4294967295, got -1"],
      [{ requestId: 2 ** 32 }, "encodeRequest: requestId must be an integer 0..4294967295, got 4294967296"],
      [{ requestId: 1.5 }, "encodeRequest: requestId must be an integer 0..4294967295, got 1.5"],
      [{ cmid: new Uint8Array(15) }, "encodeRequest: cmid must be 16 bytes"],
      [{ product: "windows-phone" as never }, "encodeRequest: product must be a catalog id 0..254, got windows-phone"],
      [{ product: "toString" as never }, "encodeRequest: product must be a catalog id 0..254, got toString"],
      [{ product: -1 }, "encodeRequest: product must be a catalog id 0..254, got -1"],
      [{ product: 255 }, "encodeRequest: product must be a catalog id 0..254, got 255"],
      [{ clientTimeMs: NaN }, "encodeRequest: clientTimeMs must be finite, got NaN"],
      [{ clientTimeMs: Infinity }, "encodeRequest: clientTimeMs must be finite, got Infinity"],
      [{ renewal: 1 as never }, "encodeRequest: renewal must be a boolean"],
      [{ status: 4 as LicenseStatus }, "encodeRequest: status must be an integer 0..3, got 4"],
      [{ status: -1 as LicenseStatus }, "encodeRequest: status must be an integer 0..3, got -1"],
    ];
    for (const [bad, message] of badRequests) expect(() => encodeRequest({ ...REQUEST, ...bad }), JSON.stringify(bad)).toThrow(message);
    const badResponses: [Partial<ResponseMessage>, string][] = [
      [{ status: 2 ** 32 }, "encodeResponse: status must be a 32-bit code, got 4294967296"],
      [{ status: -(2 ** 31) - 1 }, "encodeResponse: status must be a 32-bit code, got -2147483649"],
      [{ status: 0.5 }, "encodeResponse: status must be a 32-bit code, got 0.5"],
      [{ hostId: 0x10000 }, "encodeResponse: hostId must be an integer 0..65535, got 65536"],
      [{ count: -1 }, "encodeResponse: count must be an integer 0..4294967295, got -1"],
      [{ count: 2 ** 32 }, "encodeResponse: count must be an integer 0..4294967295, got 4294967296"],
      [{ activationIntervalMs: 0 }, "encodeResponse: activationIntervalMs must be finite and > 0, got 0"],
      [{ activationIntervalMs: -60_000 }, "encodeResponse: activationIntervalMs must be finite and > 0, got -60000"],
      [{ renewalIntervalMs: Infinity }, "encodeResponse: renewalIntervalMs must be finite and > 0, got Infinity"],
      [{ renewalIntervalMs: NaN }, "encodeResponse: renewalIntervalMs must be finite and > 0, got NaN"],
    ];
    for (const [bad, message] of badResponses) expect(() => encodeResponse({ ...RESPONSE, ...bad }), JSON.stringify(bad)).toThrow(message);
    // The extremes of each range are carried.
    expect(() => encodeResponse({ ...RESPONSE, status: -(2 ** 31), hostId: 0xffff, count: 2 ** 32 - 1 })).not.toThrow();
    expect(() => encodeResponse({ ...RESPONSE, status: 2 ** 32 - 1, count: 0 })).not.toThrow();
    expect(() => encodeRequest({ ...REQUEST, requestId: 2 ** 32 - 1, product: 254, status: 3 as LicenseStatus })).not.toThrow();
    expect(() => encodeReject({ requestId: 0, reason: "NOPE" as never })).toThrow("encodeReject: unknown reason NOPE");
    expect(() => encodeRequest(REQUEST, new Uint8Array(38))).toThrow("encodeRequest: no room for 39 bytes at offset 0 of 38");
    expect(() => encodeRequest(REQUEST, new Uint8Array(40), 2)).toThrow("encodeRequest: no room for 39 bytes at offset 2 of 40");
    expect(() => encodeRequest(REQUEST, new Uint8Array(40), -1)).toThrow("encodeRequest: no room for 39 bytes at offset -1 of 40");
    expect(() => encodeRequest(REQUEST, new Uint8Array(40), 0.5)).toThrow("encodeRequest: no room for 39 bytes at offset 0.5 of 40");
    expect(encodeRequest(REQUEST, new Uint8Array(40), 1).length).toBe(39);
  });
});

describe("protocol: a host served through the codec", () => {
  it("counts wire CMIDs like the virtual engine counts client indexes (25th windows client succeeds)", () => {
    const kms = new KmsHostLogic({ products: ["windows-client"], activated: true, kmsEnabled: true, activationIntervalMs: null, renewalIntervalMs: null });
    const prefix = cmidPrefix(42);
    const answer = newActivationAnswer();
    const now = 1_700_000_000_000;
    const statuses: number[] = [];
    for (let client = 0; client < 25; client++) {
      const wire = encodeRequest({ ...REQUEST, requestId: 1000 + client, cmid: cmidFromIndex(prefix, client), clientTimeMs: now });
      const req = decodeFrame(wire);
      if (req.type !== MessageType.ActivationRequest) throw new Error("not a request");
      expect(cmidKey(req.cmid, prefix)).toBe(client);
      kms.handle({ ...req, cmid: cmidKey(req.cmid, prefix) }, now, answer);
      const res = decodeFrame(encodeResponse({ ...answer, requestId: req.requestId, hostId: 0 }));
      expect(res).toMatchObject({ requestId: 1000 + client, count: client + 1 });
      if (res.type === MessageType.ActivationResponse) statuses.push(res.status);
    }
    expect(statuses.slice(0, 24).every((s) => s === Code.CountInsufficient)).toBe(true);
    expect(statuses[24]).toBe(0);
  });
});
