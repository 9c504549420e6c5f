// An answer that reached this machine before the RPC deadline is an answer, even when the
// client's event loop was too busy to read it until after the deadline: timers run before
// the sockets are read in a loop turn, so a naive timeout would win. A host in a worker
// thread answers while the main thread is blocked across the deadline.
import { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callHost, RpcCallError } from "../../src/realtime/client/rpc-call.js";
import type { RequestMessage } from "../../src/core/protocol/frame.js";
import { outcomeBlockedAcrossDeadline } from "../helpers/blocked-across-deadline.js";

const RPC_TIMEOUT_MS = 300;
/** The host answers this long after it reads the request: while the client is blocked. */
const ANSWER_AFTER_MS = 200;
const BLOCK_FROM_MS = 100;
const BLOCK_UNTIL_MS = RPC_TIMEOUT_MS + 150;

const HOST_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const net = require("node:net");
const sentAt = new Float64Array(workerData.shared);
const server = net.createServer((socket) => {
  socket.on("data", (chunk) => {
    const id = chunk.readUInt32BE(8);
    setTimeout(() => {
      const r = Buffer.alloc(38);
      r.writeUInt32BE(34, 0); r.write("KS", 4, "latin1"); r[6] = 1; r[7] = 2; r.writeUInt32BE(id, 8);
      r.writeUInt32BE(0, 12); r.writeUInt16BE(0, 16); r.writeUInt32BE(50, 18);
      r.writeDoubleBE(7200000, 22); r.writeDoubleBE(14400000, 30);
      socket.write(r, () => { sentAt[0] = performance.timeOrigin + performance.now(); });
    }, workerData.answerAfterMs);
  });
  socket.on("error", () => {});
});
server.listen(0, "127.0.0.1", () => parentPort.postMessage(server.address().port));
`;

describe("RPC deadline on a busy client", () => {
  const shared = new SharedArrayBuffer(8);
  const sentAt = new Float64Array(shared);
  let host: Worker;
  let port: number;

  beforeAll(async () => {
    host = new Worker(HOST_SOURCE, { eval: true, workerData: { shared, answerAfterMs: ANSWER_AFTER_MS } });
    port = await new Promise<number>((resolve) => host.once("message", resolve));
  });
  afterAll(async () => {
    await host.terminate();
  });

  it("takes an answer that arrived before the deadline while the loop was blocked past it", async () => {
    const plan = { deadlineMs: RPC_TIMEOUT_MS, blockFromMs: BLOCK_FROM_MS, blockUntilMs: BLOCK_UNTIL_MS, answerSentAt: sentAt };
    const result = await outcomeBlockedAcrossDeadline(plan, (attempt) => {
      const request: RequestMessage = { requestId: attempt, cmid: new Uint8Array(16), product: 0, clientTimeMs: 0, renewal: false, status: 0 };
      return callHost({ address: "127.0.0.1", port }, request, RPC_TIMEOUT_MS).then(
        () => "answered",
        (err: RpcCallError) => err.code,
      );
    });
    expect(result).toBe("answered");
  });

  it("still times out when no answer comes", async () => {
    const request: RequestMessage = { requestId: 99, cmid: new Uint8Array(16), product: 0, clientTimeMs: 0, renewal: false, status: 0 };
    // This listener never answers.
    const { createServer } = await import("node:net");
    const silent = createServer((socket) => socket.on("error", () => {}));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const silentPort = (silent.address() as { port: number }).port;
    try {
      const error = await callHost({ address: "127.0.0.1", port: silentPort }, request, 100).catch((err: RpcCallError) => err);
      expect(error).toBeInstanceOf(RpcCallError);
      expect((error as RpcCallError).code).toBe("TIMEOUT");
    } finally {
      silent.close();
    }
  });
});
