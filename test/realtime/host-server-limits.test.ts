// KmsHostServer against peers that would hold it down: a client pipelining requests and
// never reading the answers, idle connections, and more connections than the cap. In
// each, a good client (one request per connection, as the fleet's) is still answered.
// Every wait is bounded; no wall duration is asserted.

import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { encodeRequest } from "../../src/core/protocol/index.js";
import { cleanUp, Client, newHost, request, rpc, until } from "./host-kit.js";

afterEach(cleanUp);

const sockets: net.Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
});

/** A peer that sends `count` requests in one go and never reads an answer. */
function pipeliner(port: number, count: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port }, () => {
      socket.pause();
      const frames = Array.from({ length: count }, (_, k) => encodeRequest(request(k % 1000, { requestId: k + 1 })));
      socket.write(Buffer.concat(frames));
      resolve(socket);
    });
    sockets.push(socket);
    socket.on("error", () => {});
    socket.once("error", reject);
  });
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("KmsHostServer: a client pipelining requests without reading", () => {
  it("has at most maxQueuedPerConnection requests queued and does not hold up a good client", async () => {
    const maxQueued = 8;
    const host = newHost({ concurrency: 2, serviceTimeMs: 5, limits: { maxQueuedPerConnection: maxQueued } });
    const { port } = await host.start();
    const flood = 20_000;
    await pipeliner(port, flood);
    await until("the pipeliner to be paused", () => host.pausedConnections === 1);
    let maxQueuedSeen = 0;
    const sample = setInterval(() => (maxQueuedSeen = Math.max(maxQueuedSeen, host.inService + host.waiting)), 2);
    try {
      // Unbounded, the good request would wait behind 20,000 × 5 ms / 2 = 50 s of work.
      const answer = await rpc(port, request(5000, { requestId: 777 }));
      expect(answer.requestId).toBe(777);
    } finally {
      clearInterval(sample);
    }
    // The good one may be queued beside the pipeliner's K.
    expect(maxQueuedSeen).toBeLessThanOrEqual(maxQueued + 1);
    expect(host.requests).toBeLessThan(flood);
  });

  it("stops reading a peer whose answers back up, instead of buffering them without bound", async () => {
    const host = newHost({ serviceTimeMs: 0 });
    const { port } = await host.start();
    const flood = 300_000;
    await pipeliner(port, flood);
    await until("the pipeliner to be paused", () => host.pausedConnections === 1, 10_000);
    const readAtPause = host.requests;
    await delay(200);
    // Paused means paused: nothing more is read while the peer reads nothing.
    expect(host.requests).toBe(readAtPause);
    expect(host.requests).toBeLessThan(flood);
    expect((await rpc(port, request(1, { requestId: 42 }))).requestId).toBe(42);
  });
});

describe("KmsHostServer: idle connections", () => {
  it("closes a connection with nothing pending and nothing received after idleTimeoutMs", async () => {
    const host = newHost({ limits: { idleTimeoutMs: 150 } });
    const { port } = await host.start();
    const idle = await Client.connect(port);
    await idle.waitClosed();
    expect(host.idleClosed).toBe(1);
    expect(idle.frames).toHaveLength(0);
    expect((await rpc(port, request(0))).requestId).toBe(1);
  });

  it("spares a connection waiting for its answer, from a slow host and from a hung one", async () => {
    const host = newHost({ serviceTimeMs: 600, limits: { idleTimeoutMs: 150 } });
    const { port } = await host.start();
    const slow = await Client.connect(port);
    slow.send(request(0));
    // Four idle periods pass before the answer; the connection must still get it.
    expect((await slow.waitFrames(1)).map((f) => f.requestId)).toEqual([1]);
    expect(slow.error).toBeNull();
    expect(host.idleClosed).toBe(0);
    slow.socket.destroy();
    await until("the slow client to be gone", () => host.openConnections === 0);

    host.hang();
    const waiting = await Client.connect(port);
    waiting.send(request(1));
    await until("the request to be held", () => host.unanswered === 1);
    // A hung host accepts and never answers: the client sees silence, not a close.
    expect(await waiting.waitFrames(1, 600)).toHaveLength(0);
    expect(waiting.ended || waiting.error !== null).toBe(false);
    expect(host.idleClosed).toBe(0);
    // Recovered, it never answers what it held: the connection may go idle now.
    await host.recover();
    await waiting.waitClosed();
    expect(host.idleClosed).toBeGreaterThanOrEqual(1);
  });
});

describe("KmsHostServer: connection cap", () => {
  it("at maxConnections a newcomer evicts the connection idle the longest and is served", async () => {
    const host = newHost({ limits: { maxConnections: 3 } });
    const { port } = await host.start();
    const first = await Client.connect(port);
    const second = await Client.connect(port);
    const third = await Client.connect(port);
    await until("three connections", () => host.openConnections === 3);
    // The first one is active again: the second is now idle the longest.
    first.send(request(0));
    await first.waitFrames(1);
    const answer = await rpc(port, request(1, { requestId: 99 }));
    expect(answer.requestId).toBe(99);
    await second.waitClosed();
    expect(host.evicted).toBe(1);
    expect(first.ended || first.error !== null).toBe(false);
    expect(third.ended || third.error !== null).toBe(false);
  });

  it("resets the newcomer when every connection awaits an answer", async () => {
    const host = newHost({ serviceTimeMs: 2000, limits: { maxConnections: 2 } });
    const { port } = await host.start();
    const busy = await Promise.all([Client.connect(port), Client.connect(port)]);
    busy.forEach((c, k) => c.send(request(k)));
    await until("both requests in service", () => host.requests === 2);
    // Reset at once: the connect itself may fail, or the connection right after it.
    const late = await Client.connect(port).then(
      async (c) => {
        await c.waitClosed();
        return c.error?.code ?? "closed";
      },
      (err: NodeJS.ErrnoException) => err.code,
    );
    expect(["ECONNRESET", "closed"]).toContain(late);
    expect(host.overCap).toBe(1);
    expect(host.evicted).toBe(0);
    expect(busy.every((c) => !c.ended && c.error === null)).toBe(true);
  });
});
