// KmsHostServer over real sockets on loopback. Timing assertions are lower bounds and
// orderings only: the machine may be slow, never faster than the model.

import { productIdOf } from "../../src/core/product.js";
import net from "node:net";
import { performance } from "node:perf_hooks";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { Code } from "../../src/core/errors.js";
import { encodeRequest, encodeResponse, MessageType, type ResponseFrame } from "../../src/core/protocol/index.js";
import { hostServerFromSpec } from "../../src/realtime/host/host-from-spec.js";
import type { RequestKind } from "../../src/realtime/host/host-server.js";
import type { HostSpec } from "../../src/scenario/model.js";
import { AT_MEAN, cleanUp, Client, connectError, newHost, request, rpc, servers, SIM_NOW_MS, until } from "./host-kit.js";

let secondAddress = "127.0.0.1";
beforeAll(async () => {
  // Some machines only have 127.0.0.1 on lo; the tests then share it.
  secondAddress = await new Promise<string>((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve("127.0.0.1"));
    probe.listen(0, "127.0.0.2", () => probe.close(() => resolve("127.0.0.2")));
  });
});

afterEach(cleanUp);

// ---- tests ---------------------------------------------------------------------------

describe("KmsHostServer: answers", () => {
  it("answers 0xC004F038 to the first 24 distinct machines and activates the 25th", async () => {
    const host = newHost();
    const { address, port } = await host.start();
    expect(address).toBe("127.0.0.1");
    expect(port).toBeGreaterThan(0);
    for (let client = 0; client < 24; client++) {
      const answer = await rpc(port, request(client));
      expect(answer).toMatchObject({ requestId: client + 1, status: Code.CountInsufficient, hostId: 3, count: client + 1 });
    }
    const answer = await rpc(port, request(24));
    expect(answer).toMatchObject({ requestId: 25, status: 0, hostId: 3, count: 25, activationIntervalMs: 120 * 60_000, renewalIntervalMs: 10_080 * 60_000 });
    // The same machine again does not raise the count.
    expect((await rpc(port, request(24, { requestId: 99 }))).count).toBe(25);
    expect(host.counters()).toMatchObject({ requests: 26, activations: 26, renewals: 0, badFrames: 0, lost: 0, late: 0, connections: 26 });
    expect(host.logic.counters).toMatchObject({ total: 26, failed: 24, initialGrace: 26 });
    expect(host.snapshot()).toMatchObject({ state: "up", port, count: { "windows-client": 25, "windows-server": 0 } });
  });

  it("decides with the host's simulated clock: a client 4 h + 1 ms off is rejected", async () => {
    let simNowMs = SIM_NOW_MS;
    const host = newHost({ simNow: () => simNowMs });
    const { port } = await host.start();
    simNowMs += 4 * 3_600_000 + 1;
    expect((await rpc(port, request(0))).status).toBe(Code.ClockSkew);
    expect((await rpc(port, request(1, { product: productIdOf("office-2010") }))).status).toBe(Code.ProductNotServed);
  });

  it("serves several requests on one connection, however the bytes are cut", async () => {
    const served: [number, RequestKind, number][] = [];
    const host = newHost({ onServed: (index, kind, status) => served.push([index, kind, status]) });
    const { port } = await host.start();
    const client = await Client.connect(port);
    // Three frames in one write, then one frame a byte at a time.
    client.socket.write(Buffer.concat([request(0), request(1, { renewal: true }), request(2)].map((m) => encodeRequest(m))));
    const last = encodeRequest(request(3, { product: productIdOf("windows-server") }));
    for (const byte of last) {
      client.socket.write(Uint8Array.of(byte));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const frames = (await client.waitFrames(4)) as ResponseFrame[];
    expect(frames.map((f) => f.requestId).sort()).toEqual([1, 2, 3, 4]);
    expect(host.counters()).toMatchObject({ requests: 4, activations: 3, renewals: 1, connections: 1 });
    expect(served).toHaveLength(4);
    expect(served).toContainEqual([3, "renewal", Code.CountInsufficient]);
  });

  it("tells onServed each answer's residence: queue wait and service, growing down a FIFO queue", async () => {
    const residences: number[] = [];
    const host = newHost({ serviceTimeMs: 10, concurrency: 1, onServed: (_i, _kind, _status, residenceMs) => residences.push(residenceMs) });
    const { port } = await host.start();
    const client = await Client.connect(port);
    const sentAt = performance.now();
    // Five requests arrive together at one server: the k-th answered waited for the k-1 before it.
    client.socket.write(Buffer.concat([0, 1, 2, 3, 4].map((k) => encodeRequest(request(k)))));
    await client.waitFrames(5);
    const elapsedMs = performance.now() - sentAt;
    expect(residences).toHaveLength(5);
    expect(
      residences.every((r, k) => r >= 0 && (k === 0 || r >= residences[k - 1])),
      residences.join(", "),
    ).toBe(true);
    expect(residences[4]).toBeGreaterThan(residences[0]);
    expect(residences[4]).toBeLessThanOrEqual(elapsedMs);
  });

  it("answers a client that half-closes after sending, then ends the connection", async () => {
    const host = newHost({ serviceTimeMs: 20 });
    const { port } = await host.start();
    const client = await Client.connect(port);
    client.socket.end(encodeRequest(request(0)));
    const frames = await client.waitFrames(1);
    expect(frames).toHaveLength(1);
    await client.waitClosed();
    expect(client.ended).toBe(true);
    expect(client.error).toBeNull();
  });

  it("builds a host from its scenario spec, on a second loopback address when there is one", async () => {
    const spec: HostSpec = {
      name: "kms2",
      port: 0,
      priority: 0,
      weight: 100,
      products: ["windows-server"],
      serviceTimeMs: 0,
      concurrency: 8,
      publishDomains: [],
      publish: true,
      activationIntervalMs: 60_000,
      renewalIntervalMs: null,
      activated: true,
      kmsEnabled: true,
      maxClockSkewMs: 4 * 3_600_000,
    };
    const a = newHost();
    const b = hostServerFromSpec(spec, 7, { address: secondAddress, simNow: () => SIM_NOW_MS, rng: () => AT_MEAN });
    servers.push(b);
    const { port } = await a.start();
    const bound = await b.start();
    expect(bound.address).toBe(secondAddress);
    expect(b.name).toBe("kms2");
    const answer = await rpc(bound.port, request(0, { product: productIdOf("windows-server") }), secondAddress);
    expect(answer).toMatchObject({ hostId: 7, status: Code.CountInsufficient, count: 1, activationIntervalMs: 60_000 });
    expect((await rpc(port, request(0))).hostId).toBe(3);
  });
});

describe("KmsHostServer: concurrency and service time", () => {
  it("serves at most `concurrency` requests at once, the rest wait their turn", async () => {
    const serviceMs = 100;
    const host = newHost({ concurrency: 2, serviceTimeMs: serviceMs });
    const { port } = await host.start();
    const clients = await Promise.all(Array.from({ length: 6 }, () => Client.connect(port)));
    const sentMs = performance.now();
    clients.forEach((c, i) => c.send(request(i)));
    await until("all six requests to arrive", () => host.requests === 6);
    expect(host.inService).toBe(2);
    expect(host.waiting).toBe(4);
    await Promise.all(clients.map((c) => c.waitFrames(1)));
    const doneMs = clients.map((c) => c.frames[0].atMs + c.startedMs - sentMs).sort((x, y) => x - y);
    // Pairs finish one service time apart: ≈100, 200, 300 ms (never sooner; maybe later).
    const slackMs = 3;
    expect(doneMs[0]).toBeGreaterThanOrEqual(serviceMs - slackMs);
    expect(doneMs[2]).toBeGreaterThanOrEqual(2 * serviceMs - slackMs);
    expect(doneMs[4]).toBeGreaterThanOrEqual(3 * serviceMs - slackMs);
    expect(doneMs[5]).toBeGreaterThanOrEqual(3 * serviceMs - slackMs);
    expect(host.inService + host.waiting).toBe(0);
  });

  it("slow() stretches service time until recover() restores the normal one", async () => {
    const host = newHost({ serviceTimeMs: 0 });
    const { port } = await host.start();
    host.slow(150);
    expect(host.serviceTimeMs).toBe(150);
    const client = await Client.connect(port);
    client.send(request(0));
    await client.waitFrames(1);
    expect(client.frames[0].atMs).toBeGreaterThanOrEqual(150 - 3);
    await host.recover();
    expect(host.serviceTimeMs).toBe(0);
    expect(host.state).toBe("up");
    expect((await rpc(port, request(1))).requestId).toBe(2);
  });

  it("counts an answer ready after its client reset the connection as late", async () => {
    const host = newHost({ serviceTimeMs: 100 });
    const { port } = await host.start();
    const client = await Client.connect(port);
    client.send(request(0));
    await until("the request to arrive", () => host.requests === 1);
    client.socket.resetAndDestroy();
    await until("the late answer", () => host.late === 1);
    expect(host.lost).toBe(0);
  });
});

describe("KmsHostServer: faults", () => {
  it("crash: open connections are reset, new ones refused, held requests lost; recover listens on the same port", async () => {
    const host = newHost({ serviceTimeMs: 1000 });
    const { port } = await host.start();
    const busy = await Client.connect(port);
    const idle = await Client.connect(port);
    busy.send(request(0));
    await until("the request to arrive", () => host.requests === 1 && host.openConnections === 2);
    await host.crash();
    expect(host.state).toBe("down");
    await busy.waitClosed();
    await idle.waitClosed();
    expect(busy.error?.code).toBe("ECONNRESET");
    expect(idle.error?.code).toBe("ECONNRESET");
    expect(busy.frames).toHaveLength(0);
    expect(host.lost).toBe(1);
    expect(await connectError(port)).toBe("ECONNREFUSED");
    // Faults on a crashed host change nothing.
    host.hang();
    await host.crash();
    expect(host.state).toBe("down");

    await host.recover();
    expect(host.state).toBe("up");
    expect(host.port).toBe(port);
    host.slow(0);
    // The host kept its counts: this is the second machine it has seen.
    expect(await rpc(port, request(1))).toMatchObject({ count: 2, status: Code.CountInsufficient });
  });

  it("keeps the core's host books through a crash, as the virtual engine does: every request answered, late, lost or in service", async () => {
    const host = newHost({ serviceTimeMs: 1000 });
    const { port } = await host.start();
    const busy = await Client.connect(port);
    busy.send(request(0));
    busy.send(request(1));
    await until("both requests to arrive", () => host.requests === 2);
    expect(host.books.inService).toBe(2);
    await host.crash();
    expect([host.books.lost, host.books.inService, host.books.illegal]).toEqual([2, 0, 0]);
    await host.recover();
    host.slow(0);
    await rpc(port, request(2));
    await until("the answer to be booked", () => host.books.answered === 1);
    const b = host.books;
    expect(b.requests).toBe(b.answered + b.late + b.lost + b.unfinished + b.inService);
    expect(host.snapshot().dlv).toEqual(host.logic.counters);
    await host.stop();
  });

  it("crash and recover in a row, without waiting, end up listening", async () => {
    const host = newHost();
    const { port } = await host.start();
    void host.crash();
    void host.recover();
    void host.crash();
    await host.recover();
    expect((await rpc(port, request(0))).requestId).toBe(1);
  });

  it("decommission: gone for good, recover() does nothing", async () => {
    const host = newHost();
    const { port } = await host.start();
    await host.decommission();
    await host.recover();
    expect(host.state).toBe("decommissioned");
    expect(await connectError(port)).toBe("ECONNREFUSED");
  });

  it("hang: accepts and reads, never answers; held requests are lost; recover answers again", async () => {
    const host = newHost({ serviceTimeMs: 200 });
    const { port } = await host.start();
    const held = await Client.connect(port);
    held.send(request(0));
    await until("the request to arrive", () => host.requests === 1);
    host.hang();
    expect(host.state).toBe("hung");
    expect(host.lost).toBe(1);

    const waiting = await Client.connect(port);
    waiting.send(request(1));
    // The client's RPC timeout: nothing comes back, and the connection stays open.
    expect(await waiting.waitFrames(1, 300)).toHaveLength(0);
    expect(await held.waitFrames(1, 1)).toHaveLength(0);
    expect(waiting.ended || waiting.error !== null).toBe(false);
    expect(host.unanswered).toBe(1);
    expect(host.requests).toBe(1);

    await host.recover();
    host.slow(0);
    // Connections opened while hung are served once the host recovers.
    waiting.send(request(2));
    const frames = await waiting.waitFrames(1);
    expect(frames.map((f) => f.requestId)).toEqual([3]);
    expect(host.requests).toBe(2);
  });

  it("hang then crash before the clients time out: the requests it had read are reset after read, counted once (lost or unanswered)", async () => {
    const host = newHost({ serviceTimeMs: 10_000 });
    const { port } = await host.start();
    const queued = await Client.connect(port);
    queued.send(request(0));
    await until("the request to arrive", () => host.requests === 1);
    host.hang();
    const held = await Client.connect(port);
    held.send(request(1));
    const unread = await Client.connect(port);
    await until("the held request to arrive", () => host.unanswered === 1 && host.openConnections === 3);
    await host.crash();
    await Promise.all([queued, held, unread].map((c) => c.waitClosed()));
    for (const c of [queued, held, unread]) expect(c.error?.code).toBe("ECONNRESET");
    // Three resets: one request lost at the hang, one held unanswered, one connection never read.
    expect([host.lost, host.unanswered, host.resetAfterRead, host.resetUnread]).toEqual([1, 1, 2, 1]);
  });

  it("answered requests are not reset after read; a second crash finds nothing owed", async () => {
    const host = newHost();
    const { port } = await host.start();
    const client = await Client.connect(port);
    client.send(request(0));
    expect(await client.waitFrames(1)).toHaveLength(1);
    await host.crash();
    await client.waitClosed();
    await host.recover();
    await host.crash();
    expect([host.lost, host.resetAfterRead]).toEqual([0, 0]);
  });

  it("garbage bytes: that connection is closed and counted, other clients are still served", async () => {
    const host = newHost();
    const { port } = await host.start();
    const other = await Client.connect(port);
    const bad = await Client.connect(port);
    bad.socket.write(Buffer.from("GET / HTTP/1.1\r\nHost: kms\r\n\r\n"));
    await bad.waitClosed();
    expect(host.badFrames).toBe(1);
    // The host says why before closing (when the bytes get there before the close).
    for (const { frame } of bad.frames) expect(frame.type).toBe(MessageType.Reject);

    other.send(request(0));
    expect((await other.waitFrames(1)).map((f) => f.requestId)).toEqual([1]);

    // A frame that is valid but not a request (a response sent to a host) is refused too.
    const confused = await Client.connect(port);
    confused.socket.write(encodeResponse({ requestId: 9, status: 0, hostId: 0, count: 0, activationIntervalMs: 1, renewalIntervalMs: 1 }));
    await confused.waitClosed();
    expect(host.badFrames).toBe(2);
    // A stream cut inside a frame.
    const cut = await Client.connect(port);
    cut.socket.end(encodeRequest(request(5)).subarray(0, 10));
    await cut.waitClosed();
    expect(host.badFrames).toBe(3);
    expect(host.requests).toBe(1);
  });
});

describe("KmsHostServer: stop", () => {
  const handles = (): number => process.getActiveResourcesInfo().filter((r) => r === "TCPServerWrap" || r === "TCPSocketWrap" || r === "Timeout").length;

  it("closes the listener, every connection and every service timer", async () => {
    const before = handles();
    const host = newHost({ serviceTimeMs: 10_000, concurrency: 1 });
    const { port } = await host.start();
    const clients = await Promise.all([Client.connect(port), Client.connect(port), Client.connect(port)]);
    clients[0].send(request(0));
    clients[1].send(request(1));
    await until("requests in service and waiting", () => host.inService === 1 && host.waiting === 1);
    expect(handles()).toBeGreaterThan(before);
    await host.stop();
    await Promise.all(clients.map((c) => c.waitClosed()));
    expect(host.state).toBe("stopped");
    expect(host.openConnections).toBe(0);
    expect(host.inService + host.waiting).toBe(0);
    // Stopping is not a fault: nothing counted as lost.
    expect(host.lost).toBe(0);
    expect(await connectError(port)).toBe("ECONNREFUSED");
    await until("handles to close", () => handles() <= before);
    // stop() twice, or after a crash, is fine.
    await host.stop();
  });

  it("stops a hung host and a crashed one", async () => {
    const hung = newHost();
    const crashed = newHost();
    const hungAt = await hung.start();
    await crashed.start();
    const client = await Client.connect(hungAt.port);
    hung.hang();
    client.send(request(0));
    await until("the request to be read", () => hung.unanswered === 1);
    await crashed.crash();
    await Promise.all([hung.stop(), crashed.stop()]);
    await client.waitClosed();
    expect(hung.openConnections).toBe(0);
  });
});
