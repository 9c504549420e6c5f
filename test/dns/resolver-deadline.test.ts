// A DNS reply that reached this machine before the query's deadline is a reply, even when
// the resolver's event loop was too busy to read it until after the deadline (timers run
// before sockets are read in a loop turn). A server in a worker thread replies while the
// main thread is blocked across the deadline.
import { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SrvResolver } from "../../src/dns/resolver.js";
import { outcomeBlockedAcrossDeadline } from "../helpers/blocked-across-deadline.js";

const DNS_TIMEOUT_MS = 300;
const REPLY_AFTER_MS = 200;
const BLOCK_FROM_MS = 100;
const BLOCK_UNTIL_MS = DNS_TIMEOUT_MS + 150;

const SERVER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const dgram = require("node:dgram");
const dnsPacket = require("dns-packet");
const sentAt = new Float64Array(workerData.shared);
const socket = dgram.createSocket("udp4");
socket.on("message", (message, peer) => {
  const query = dnsPacket.decode(message);
  const q = query.questions[0];
  const answers = q.type === "SRV"
    ? [{ type: "SRV", name: q.name, ttl: 60, data: { priority: 0, weight: 1, port: 1688, target: "kms1.corp.example" } }]
    : [{ type: "A", name: q.name, ttl: 60, data: "127.0.0.2" }];
  const additionals = q.type === "SRV" ? [{ type: "A", name: "kms1.corp.example", ttl: 60, data: "127.0.0.2" }] : [];
  const reply = dnsPacket.encode({ type: "response", id: query.id, flags: dnsPacket.AUTHORITATIVE_ANSWER, questions: query.questions, answers, additionals });
  setTimeout(() => socket.send(reply, peer.port, peer.address, () => { sentAt[0] = performance.timeOrigin + performance.now(); }), workerData.replyAfterMs);
});
socket.bind(0, "127.0.0.1", () => parentPort.postMessage(socket.address().port));
`;

describe("DNS deadline on a busy resolver", () => {
  const shared = new SharedArrayBuffer(8);
  const sentAt = new Float64Array(shared);
  let server: Worker;
  let port: number;

  beforeAll(async () => {
    server = new Worker(SERVER_SOURCE, { eval: true, workerData: { shared, replyAfterMs: REPLY_AFTER_MS } });
    port = await new Promise<number>((resolve) => server.once("message", resolve));
  });
  afterAll(async () => {
    await server.terminate();
  });

  it("takes a reply that arrived before the deadline while the loop was blocked past it", async () => {
    const resolver = new SrvResolver({ server: { host: "127.0.0.1", port }, dnsTimeoutMs: DNS_TIMEOUT_MS, retries: 0, shareAnswers: false });
    try {
      const plan = { deadlineMs: DNS_TIMEOUT_MS, blockFromMs: BLOCK_FROM_MS, blockUntilMs: BLOCK_UNTIL_MS, answerSentAt: sentAt };
      const result = await outcomeBlockedAcrossDeadline(plan, (attempt) => {
        const timeoutsBefore = resolver.counters.timeouts;
        return resolver.resolveSrv(`_vlmcs._tcp.try${attempt}.corp.example`).then(
          (answer) => `records ${answer.records.length}, timeouts ${resolver.counters.timeouts - timeoutsBefore}`,
          (err: Error) => err.message,
        );
      });
      expect(result).toBe("records 1, timeouts 0");
    } finally {
      await resolver.close();
    }
  });
});
