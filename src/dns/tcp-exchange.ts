// One DNS question over a fresh TCP connection: connect, send one framed message, read
// one framed reply, close. Used by the resolver after a truncated UDP answer.

import net from "node:net";
import { setAnswerDeadline } from "../net/answer-deadline.js";
import { FrameDecoder, frameMessage } from "./tcp-framing.js";

export class TcpExchangeError extends Error {
  constructor(
    readonly reason: "timeout" | "closed" | "aborted" | "socket",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "TcpExchangeError";
  }
}

export function tcpExchange(host: string, port: number, message: Buffer, timeoutMs: number, signal: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new TcpExchangeError("aborted", "the resolver was closed"));
      return;
    }
    const socket = net.connect({ host, port, noDelay: true });
    const frames = new FrameDecoder();
    let settled = false;
    const finish = (error: Error | null, reply?: Buffer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      socket.destroy();
      if (error === null && reply !== undefined) resolve(reply);
      else reject(error ?? new TcpExchangeError("closed", "no reply"));
    };
    const onAbort = (): void => finish(new TcpExchangeError("aborted", "the resolver was closed"));
    // Judged after the socket reads a late loop has pending: a reply already here is a reply.
    const timer = setAnswerDeadline(() => finish(new TcpExchangeError("timeout", `no reply over TCP from ${host}:${port} within ${timeoutMs} ms`)), timeoutMs);
    signal.addEventListener("abort", onAbort, { once: true });
    socket.on("connect", () => socket.write(frameMessage(message)));
    socket.on("data", (chunk: Buffer) => {
      const [reply] = frames.push(chunk);
      if (reply !== undefined) finish(null, reply);
    });
    socket.on("error", (error) => finish(new TcpExchangeError("socket", `TCP to ${host}:${port}: ${error.message}`, { cause: error })));
    socket.on("close", () => finish(new TcpExchangeError("closed", `${host}:${port} closed the TCP connection before replying`)));
  });
}
