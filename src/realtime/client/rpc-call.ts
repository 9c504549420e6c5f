// One activation or renewal request over a fresh TCP connection (the default client
// mode): connect, send one frame, read one answer, close. Every way it can fail ends
// in an RpcCallError with a stable code; the client machine treats them all as "the
// host did not respond".

import { connect, type Socket } from "node:net";
import { FrameDecoder } from "../../core/protocol/decode.js";
import { encodeRequest } from "../../core/protocol/encode.js";
import { MessageType, type RequestMessage, type ResponseMessage } from "../../core/protocol/frame.js";

/** LOCAL: this machine ran out of something (descriptors, ports): not the host's failure. */
export type RpcFailure = "REFUSED" | "RESET" | "TIMEOUT" | "CLOSED" | "PROTOCOL" | "NO_ADDRESS" | "LOCAL";

/** Errors of the client's own machine, which would otherwise look like a host resetting connections (or DNS failing). */
export const LOCAL_ERRNO = new Set(["EMFILE", "ENFILE", "EADDRNOTAVAIL", "EADDRINUSE", "ENOBUFS", "ENOMEM"]);

export class RpcCallError extends Error {
  constructor(
    readonly code: RpcFailure,
    message: string,
    readonly errno?: string,
  ) {
    super(message);
    this.name = "RpcCallError";
  }
}

export interface RpcTarget {
  address: string;
  port: number;
}

/** How a request ended: an error, or the host's answer. Called once, never in the caller's turn. */
export type RpcDone = (error: RpcCallError | null, response: ResponseMessage | null) => void;

/** The request as a promise (tools and tests); the fleet uses sendRequest, one callback and no promise per request. */
export function callHost(target: RpcTarget, request: RequestMessage, timeoutMs: number, localAddress?: string): Promise<ResponseMessage> {
  return new Promise((resolve, reject) =>
    sendRequest(target, request, timeoutMs, localAddress, (error, response) => (error ? reject(error) : resolve(response!))),
  );
}

export function sendRequest(target: RpcTarget, request: RequestMessage, timeoutMs: number, localAddress: string | undefined, done: RpcDone): void {
  const decoder = new FrameDecoder();
  let settled = false;
  const socket: Socket = connect({ host: target.address, port: target.port, ...(localAddress ? { localAddress } : {}) });
  const finish = (error: RpcCallError | null, response?: ResponseMessage): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    // Giving up resets the connection, so the host can tell an answer came too late.
    // (Still connecting: resetAndDestroy would wait for the connect; destroy now.)
    if (error?.code === "TIMEOUT" && !socket.connecting && !socket.destroyed) socket.resetAndDestroy();
    else socket.destroy();
    done(error, response ?? null);
  };
  const timer = setTimeout(() => finish(new RpcCallError("TIMEOUT", `no answer within ${timeoutMs} ms`)), timeoutMs);
  socket.setNoDelay(true);
  socket.on("connect", () => socket.write(encodeRequest(request)));
  socket.on("data", (chunk: Buffer) => {
    try {
      decoder.push(chunk);
      for (let frame = decoder.next(); frame !== null; frame = decoder.next()) {
        if (frame.type === MessageType.ActivationResponse && frame.requestId === request.requestId) return finish(null, frame);
        if (frame.type === MessageType.Reject) return finish(new RpcCallError("PROTOCOL", `host rejected the request: ${frame.reason}`));
      }
    } catch (err) {
      finish(new RpcCallError("PROTOCOL", (err as Error).message));
    }
  });
  socket.on("error", (err: NodeJS.ErrnoException) => {
    const code: RpcFailure =
      err.code === "ECONNREFUSED"
        ? "REFUSED"
        : err.code === "ECONNRESET" || err.code === "EPIPE"
          ? "RESET"
          : err.code !== undefined && LOCAL_ERRNO.has(err.code)
            ? "LOCAL"
            : "CLOSED";
    finish(new RpcCallError(code, err.message, err.code));
  });
  // Every call ends in a close: build the error (a stack capture) only when it is one.
  socket.on("close", () => {
    if (!settled) finish(new RpcCallError("CLOSED", "connection closed before an answer"));
  });
}
