// Test kit for KmsHostServer over real loopback sockets: a host with test defaults
// (stopped after each test via cleanUp), request messages, and a client that records the
// frames it receives. Every wait is bounded by a timeout.

import net from "node:net";
import { performance } from "node:perf_hooks";
import { expect } from "vitest";
import { KmsHostLogic } from "../../src/core/host/host-logic.js";
import { LicenseStatus } from "../../src/core/license.js";
import {
  cmidFromIndex,
  cmidPrefix,
  encodeRequest,
  FrameDecoder,
  MessageType,
  type DecodedFrame,
  type RequestMessage,
  type ResponseFrame,
} from "../../src/core/protocol/index.js";
import { KmsHostServer, type KmsHostServerOptions } from "../../src/realtime/host/host-server.js";

export const SIM_NOW_MS = Date.UTC(2025, 0, 1);
export const PREFIX = cmidPrefix(42);
/** rng value whose exponential draw is exactly the mean. */
export const AT_MEAN = 1 - Math.exp(-1);

export const servers: KmsHostServer[] = [];
const sockets: net.Socket[] = [];

/** Call from afterEach: destroys the test clients' sockets and stops every host newHost made. */
export async function cleanUp(): Promise<void> {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => s.stop()));
}

export function newHost(options: Partial<KmsHostServerOptions> = {}): KmsHostServer {
  const host = new KmsHostServer({
    hostIndex: 3,
    address: "127.0.0.1",
    logic: new KmsHostLogic({
      products: ["windows-client", "windows-server"],
      activated: true,
      kmsEnabled: true,
      activationIntervalMs: null,
      renewalIntervalMs: null,
    }),
    concurrency: 4,
    serviceTimeMs: 0,
    simNow: () => SIM_NOW_MS,
    rng: () => AT_MEAN,
    cmidPrefix: PREFIX,
    ...options,
  });
  servers.push(host);
  return host;
}

export function request(client: number, overrides: Partial<RequestMessage> = {}): RequestMessage {
  return {
    requestId: client + 1,
    cmid: cmidFromIndex(PREFIX, client),
    product: 0,
    clientTimeMs: SIM_NOW_MS,
    renewal: false,
    status: LicenseStatus.InitialGrace,
    ...overrides,
  };
}

/** A test client: frames it received, and how its connection ended. */
export class Client {
  readonly frames: { frame: DecodedFrame; atMs: number }[] = [];
  readonly startedMs = performance.now();
  error: NodeJS.ErrnoException | null = null;
  ended = false;
  closed: Promise<void>;
  private readonly decoder = new FrameDecoder();
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: net.Socket) {
    sockets.push(socket);
    socket.on("data", (chunk: Buffer) => {
      this.decoder.push(chunk);
      for (const frame of this.decoder) this.frames.push({ frame, atMs: performance.now() - this.startedMs });
      this.wake();
    });
    socket.on("end", () => {
      this.ended = true;
      this.wake();
    });
    socket.on("error", (err) => {
      this.error = err;
      this.wake();
    });
    this.closed = new Promise((resolve) => socket.on("close", () => resolve()));
  }

  static connect(port: number, address = "127.0.0.1"): Promise<Client> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: address, port });
      socket.once("connect", () => resolve(new Client(socket)));
      socket.once("error", reject);
    });
  }

  send(...messages: RequestMessage[]): void {
    for (const m of messages) this.socket.write(encodeRequest(m));
  }

  /** Resolves once `n` frames arrived, or with what came within `timeoutMs`. */
  async waitFrames(n: number, timeoutMs = 5000): Promise<DecodedFrame[]> {
    const deadline = performance.now() + timeoutMs;
    while (this.frames.length < n && this.error === null && !this.ended && performance.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - performance.now());
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.frames.map((f) => f.frame);
  }

  /** Waits for the connection to end or fail. */
  async waitClosed(timeoutMs = 5000): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.closed, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("connection did not close")), timeoutMs)))]);
    clearTimeout(timer);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

/** One request on its own connection (the default client mode); the answer. */
export async function rpc(port: number, message: RequestMessage, address = "127.0.0.1"): Promise<ResponseFrame> {
  const client = await Client.connect(port, address);
  client.send(message);
  const [frame] = await client.waitFrames(1);
  client.socket.destroy();
  if (frame === undefined) throw new Error(`no answer (${client.error?.code ?? (client.ended ? "ended" : "timeout")})`);
  expect(frame.type).toBe(MessageType.ActivationResponse);
  return frame as ResponseFrame;
}

export function connectError(port: number, address = "127.0.0.1"): Promise<string> {
  return Client.connect(port, address).then(
    (c) => {
      c.socket.destroy();
      return "connected";
    },
    (err: NodeJS.ErrnoException) => err.code ?? String(err),
  );
}

export async function until(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
