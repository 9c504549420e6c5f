// Fuzzing KmsHostServer over real sockets on 127.0.0.1 (issue 7): random bytes, truncated
// frames, oversized length prefixes, valid requests with a flipped byte and slow-drip
// delivery. Whatever a connection sends, the host counts each bad stream once in
// badFrames, says why (a Reject naming the decoder's reason, when it gets there before the
// close) and closes that connection only; a well-behaved client on another connection is
// served during and after. The decoder itself is fuzzed in test/core/protocol-garbage.

import { productIdOf } from "../../src/core/product.js";
import net from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KmsHostLogic } from "../../src/core/host/host-logic.js";
import { LicenseStatus } from "../../src/core/license.js";
import {
  cmidFromIndex,
  cmidPrefix,
  encodeRequest,
  FrameDecoder,
  MAX_FRAME_BYTES,
  MessageType,
  ProtocolError,
  type DecodedFrame,
  type ProtocolErrorCode,
  type RequestMessage,
} from "../../src/core/protocol/index.js";
import { KmsHostServer } from "../../src/realtime/host/host-server.js";

const SIM_NOW_MS = Date.UTC(2025, 0, 1);
const PREFIX = cmidPrefix(7);
const HOST_INDEX = 5;

let host: KmsHostServer;
let port: number;
let good: Peer;
let nextClient = 0;

beforeAll(async () => {
  host = new KmsHostServer({
    hostIndex: HOST_INDEX,
    logic: new KmsHostLogic({
      products: ["windows-client", "windows-server", "office-2010"],
      activated: true,
      kmsEnabled: true,
      activationIntervalMs: null,
      renewalIntervalMs: null,
    }),
    concurrency: 4,
    serviceTimeMs: 0,
    simNow: () => SIM_NOW_MS,
    rng: () => 0.5,
    cmidPrefix: PREFIX,
  });
  port = (await host.start()).port;
  good = await Peer.connect();
});

afterAll(async () => {
  good.socket.destroy();
  await host.stop();
});

// ---- a test peer -----------------------------------------------------------------------

/** One connection: frames received (decoded with the protocol's own decoder) and its end. */
class Peer {
  readonly frames: DecodedFrame[] = [];
  closed = false;
  private readonly decoder = new FrameDecoder();
  private readonly whenClosed: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => {
      try {
        this.decoder.push(chunk);
        for (const frame of this.decoder) this.frames.push(frame);
      } catch {
        // The host only sends valid frames; a broken one fails the frame checks below.
      }
    });
    socket.on("error", () => undefined); // a reset after a Reject is fine: 'close' follows
    this.whenClosed = new Promise((resolve) =>
      socket.on("close", () => {
        this.closed = true;
        resolve();
      }),
    );
  }

  static connect(): Promise<Peer> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: "127.0.0.1", port, noDelay: true });
      socket.once("connect", () => resolve(new Peer(socket)));
      socket.once("error", reject);
    });
  }

  /** Resolves once closed; fails after `limitMs`. */
  async waitClosed(limitMs = 5000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.whenClosed,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("the host did not close the connection")), limitMs))),
    ]);
    clearTimeout(timer);
  }

  /** Waits (polling, at most `limitMs`) until `n` frames arrived; returns them. */
  async waitFrames(n: number, limitMs = 5000): Promise<DecodedFrame[]> {
    for (let waited = 0; this.frames.length < n && waited < limitMs; waited += 2) await sleep(2);
    return this.frames;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function request(requestId: number, overrides: Partial<RequestMessage> = {}): RequestMessage {
  return {
    requestId,
    cmid: cmidFromIndex(PREFIX, nextClient++),
    product: 0,
    clientTimeMs: SIM_NOW_MS,
    renewal: false,
    status: LicenseStatus.InitialGrace,
    ...overrides,
  };
}

/** The good client asks once; its answer must come back, for its id, from this host. */
async function goodClientServed(requestId: number): Promise<void> {
  const before = good.frames.length;
  good.socket.write(encodeRequest(request(requestId)));
  const frames = await good.waitFrames(before + 1);
  const answer = frames[before];
  expect(answer, "the well-behaved client got an answer").toBeDefined();
  expect(answer.type).toBe(MessageType.ActivationResponse);
  expect(answer.requestId).toBe(requestId);
  if (answer.type === MessageType.ActivationResponse) expect(answer.hostId).toBe(HOST_INDEX);
}

/** What the host must make of a whole stream: the requests before the first bad frame, and its code. */
function expected(bytes: Uint8Array): { requestIds: number[]; bad: ProtocolErrorCode | null } {
  const decoder = new FrameDecoder();
  const requestIds: number[] = [];
  try {
    decoder.push(bytes);
    for (const frame of decoder) {
      if (frame.type !== MessageType.ActivationRequest) return { requestIds, bad: "UNKNOWN_TYPE" };
      requestIds.push(frame.requestId);
    }
    decoder.end();
    decoder.next();
    return { requestIds, bad: null };
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
    return { requestIds, bad: err.code };
  }
}

/** Cuts `bytes` into chunks at the given fractions. */
function cut(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((f) => Math.floor(f * bytes.length)))].filter((k) => k > 0 && k < bytes.length).sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const k of [...at, bytes.length]) {
    chunks.push(bytes.subarray(from, k));
    from = k;
  }
  return chunks;
}

// ---- generators ------------------------------------------------------------------------

const validRequestBytes = fc.integer({ min: 1, max: 0xffffffff }).map((id) => encodeRequest(request(id)));

const randomBytes = fc.uint8Array({ minLength: 0, maxLength: 600 });

/** A valid request cut short: SHORT_FRAME once the stream ends. */
const truncated = fc.tuple(validRequestBytes, fc.integer({ min: 1, max: 38 })).map(([bytes, keep]) => bytes.slice(0, keep));

/** A length prefix past the 256-byte cap, and some bytes after it. */
const oversized = fc.tuple(fc.integer({ min: MAX_FRAME_BYTES - 3, max: 0xffffffff }), fc.uint8Array({ maxLength: 64 })).map(([length, rest]) => {
  const bytes = new Uint8Array(4 + rest.length);
  new DataView(bytes.buffer).setUint32(0, length);
  bytes.set(rest, 4);
  return bytes;
});

/** A valid request with one byte changed (it may still be a valid request). */
const flipped = fc.tuple(validRequestBytes, fc.integer({ min: 0, max: 38 }), fc.integer({ min: 1, max: 255 })).map(([bytes, at, mask]) => {
  const copy = bytes.slice();
  copy[at] ^= mask;
  return copy;
});

/** Valid requests, then one of the above: the host answers the first ones, then stops. */
const validThenBad = fc
  .tuple(fc.array(validRequestBytes, { minLength: 1, maxLength: 3 }), fc.oneof(randomBytes, truncated, oversized, flipped))
  .map(([valid, bad]) => {
    const parts = [...valid, bad];
    const bytes = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
    return bytes;
  });

const anyStream = fc
  .record({
    kind: fc.constantFrom("random", "truncated", "oversized", "flipped", "validThenBad"),
    cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }),
    pauseMs: fc.integer({ min: 0, max: 3 }),
  })
  .chain((shape) => ({ random: randomBytes, truncated, oversized, flipped, validThenBad })[shape.kind as "random"].map((bytes) => ({ ...shape, bytes })));

// ---- properties ------------------------------------------------------------------------

describe("KmsHostServer fuzzing over loopback", () => {
  it("property: any stream is answered up to its first bad frame, then counted once and closed; the good client is served before and after (200 runs)", async () => {
    let goodId = 1_000_000;
    await fc.assert(
      fc.asyncProperty(anyStream, async ({ kind, bytes, cuts, pauseMs }) => {
        const want = expected(bytes);
        const before = host.counters();
        await goodClientServed(++goodId);
        const peer = await Peer.connect();
        for (const chunk of cut(bytes, cuts)) {
          if (peer.closed) break;
          peer.socket.write(chunk);
          if (pauseMs > 0) await sleep(pauseMs);
        }
        // Served during: the good client asks while the bad stream is open.
        await goodClientServed(++goodId);
        if (!peer.closed) peer.socket.end();
        await peer.waitClosed();
        await goodClientServed(++goodId);

        const after = host.counters();
        expect(after.badFrames - before.badFrames, `${kind}: bad streams count once`).toBe(want.bad === null ? 0 : 1);
        expect(after.requests - before.requests, `${kind}: requests before the bad frame are read and decided`).toBe(3 + want.requestIds.length);
        if (kind === "oversized") expect(want.bad).toBe("OVERSIZED_FRAME");
        if (kind === "truncated") expect(want.bad).toBe("SHORT_FRAME");
        const answers = peer.frames.filter((f) => f.type === MessageType.ActivationResponse).map((f) => f.requestId);
        const rejects = peer.frames.filter((f) => f.type === MessageType.Reject);
        if (want.bad === null) {
          expect(answers.sort()).toEqual([...want.requestIds].sort());
          expect(rejects).toEqual([]);
        } else {
          // Answers may be cut off by the close; the Reject, when it arrives, says why, once.
          for (const id of answers) expect(want.requestIds).toContain(id);
          expect(rejects.length).toBeLessThanOrEqual(1);
          for (const r of rejects) if (r.type === MessageType.Reject) expect(r.reason).toBe(want.bad);
        }
        expect(host.state).toBe("up");
      }),
      { numRuns: 200, seed: 0x7e57 },
    );
    // No connection leaked: only the good client's is open.
    for (let waited = 0; host.openConnections > 1 && waited < 2000; waited += 5) await sleep(5);
    expect(host.openConnections).toBe(1);
  }, 60_000);

  it("property: a valid request dripped a few bytes at a time, on two connections at once, is answered correctly (30 runs)", async () => {
    const drip = fc.record({
      sizes: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 39, maxLength: 39 }),
      delaysMs: fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 39, maxLength: 39 }),
      product: fc.constantFrom("windows-client" as const, "windows-server" as const, "office-2010" as const),
      renewal: fc.boolean(),
    });
    let id = 2_000_000;
    await fc.assert(
      fc.asyncProperty(drip, drip, async (a, b) => {
        const badBefore = host.badFrames;
        const send = async (spec: typeof a): Promise<void> => {
          const requestId = ++id;
          const peer = await Peer.connect();
          const bytes = encodeRequest(
            request(requestId, {
              product: productIdOf(spec.product),
              renewal: spec.renewal,
              status: spec.renewal ? LicenseStatus.Licensed : LicenseStatus.InitialGrace,
            }),
          );
          for (let at = 0, k = 0; at < bytes.length; at += spec.sizes[k], k++) {
            peer.socket.write(bytes.subarray(at, at + spec.sizes[k]));
            await sleep(spec.delaysMs[k]);
          }
          const [answer] = await peer.waitFrames(1);
          peer.socket.destroy();
          expect(answer?.type).toBe(MessageType.ActivationResponse);
          expect(answer.requestId).toBe(requestId);
          if (answer.type === MessageType.ActivationResponse) {
            expect(answer.hostId).toBe(HOST_INDEX);
            // Below the threshold (25 / 5 / 5 machines) or activated: a decision, not an error of the wire.
            expect([0, 0xc004f038]).toContain(answer.status);
            expect(answer.renewalIntervalMs).toBeGreaterThan(0);
          }
        };
        await Promise.all([send(a), send(b), goodClientServed(++id)]);
        expect(host.badFrames).toBe(badBefore);
      }),
      { numRuns: 30, seed: 0xd819 },
    );
  }, 60_000);

  it("a burst of 30 garbage connections at once: each counted and closed, the good client served meanwhile", async () => {
    const streams = fc.sample(
      fc.oneof(
        randomBytes.filter((b) => expected(b).bad !== null),
        truncated,
        oversized,
      ),
      { numRuns: 30, seed: 31 },
    );
    const before = host.badFrames;
    const peers = await Promise.all(streams.map(() => Peer.connect()));
    peers.forEach((peer, k) => peer.socket.end(streams[k]));
    await goodClientServed(3_000_001);
    await Promise.all(peers.map((p) => p.waitClosed()));
    expect(host.badFrames - before).toBe(30);
    await goodClientServed(3_000_002);
  });

  it("a hung host reads bad bytes without answering or closing, counts them, and serves again after recover", async () => {
    const peer = await Peer.connect();
    const before = host.counters();
    host.hang();
    try {
      peer.socket.write(Buffer.from("\x00\x00\x10\x00not a kmssim frame"));
      for (let waited = 0; host.badFrames === before.badFrames && waited < 2000; waited += 2) await sleep(2);
      expect(host.badFrames - before.badFrames).toBe(1);
      peer.socket.write(encodeRequest(request(4_000_001)));
      await sleep(50);
      expect(peer.closed, "a hung host does not even close").toBe(false);
      expect(peer.frames).toEqual([]);
      expect(host.counters().requests).toBe(before.requests);
    } finally {
      await host.recover();
    }
    peer.socket.destroy();
    await goodClientServed(4_000_002);
  });
});
