// One activation or renewal request over a fresh TCP connection (the default client
// mode): connect, send one frame, read one answer, close. Every way it can fail ends
// in an RpcCallError with a stable code; the client machine treats them all as "the
// host did not respond".

import { connect, type Socket, type TcpNetConnectOpts } from "node:net";
import { FrameDecoder } from "../../core/protocol/decode.js";
import { encodeRequest } from "../../core/protocol/encode.js";
import { setAnswerDeadline } from "../../net/answer-deadline.js";
import { MessageType, REQUEST_FRAME_BYTES, type RequestMessage, type ResponseMessage } from "../../core/protocol/frame.js";

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
  new RpcCall(target, request, timeoutMs, localAddress, done);
}

/** The call a socket carries, for the listeners below (shared by every call: no closures per request). */
const CALL = Symbol("kmssim.rpcCall");
type CallSocket = Socket & { [CALL]: RpcCall };

/**
 * One request on its own connection. The listeners are shared functions that find the
 * call on the socket: thousands of requests a second each allocating six closures was a
 * measurable share of the generator's time.
 */
class RpcCall {
  private readonly decoder = new FrameDecoder();
  private readonly socket: CallSocket;
  private readonly timer: ReturnType<typeof setTimeout>;
  private readonly requestId: number;
  /** Encoded now, into a slice of Node's buffer pool (a fresh Uint8Array would need an ArrayBuffer of its own). */
  private readonly frame: Buffer;
  private settled = false;

  constructor(
    target: RpcTarget,
    request: RequestMessage,
    private readonly timeoutMs: number,
    localAddress: string | undefined,
    private readonly done: RpcDone,
  ) {
    this.requestId = request.requestId;
    this.frame = encodeRequest(request, Buffer.allocUnsafe(REQUEST_FRAME_BYTES)) as Buffer;
    const options: TcpNetConnectOpts = { host: target.address, port: target.port };
    if (localAddress) options.localAddress = localAddress;
    const socket = connect(options) as CallSocket;
    socket[CALL] = this;
    this.socket = socket;
    // Judged after the socket reads a late loop has pending: an answer already here is an answer.
    this.timer = setAnswerDeadline(onTimeout, timeoutMs, this);
    socket.setNoDelay(true);
    socket.on("connect", onConnect);
    socket.on("data", onData);
    socket.on("error", onError);
    socket.on("close", onClose);
  }

  finish(error: RpcCallError | null, response?: ResponseMessage): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    const socket = this.socket;
    // Giving up resets the connection, so the host can tell an answer came too late.
    // (Still connecting: resetAndDestroy would wait for the connect; destroy now.)
    if (error?.code === "TIMEOUT" && !socket.connecting && !socket.destroyed) socket.resetAndDestroy();
    else socket.destroy();
    this.done(error, response ?? null);
  }

  send(): void {
    this.socket.write(this.frame);
  }

  read(chunk: Buffer): void {
    try {
      this.decoder.push(chunk);
      for (let frame = this.decoder.next(); frame !== null; frame = this.decoder.next()) {
        if (frame.type === MessageType.ActivationResponse && frame.requestId === this.requestId) return this.finish(null, frame);
        if (frame.type === MessageType.Reject) return this.finish(new RpcCallError("PROTOCOL", `host rejected the request: ${frame.reason}`));
      }
    } catch (err) {
      this.finish(new RpcCallError("PROTOCOL", (err as Error).message));
    }
  }

  timedOut(): void {
    this.finish(new RpcCallError("TIMEOUT", `no answer within ${this.timeoutMs} ms`));
  }

  closed(): void {
    // Every call ends in a close: build the error (a stack capture) only when it is one.
    if (!this.settled) this.finish(new RpcCallError("CLOSED", "connection closed before an answer"));
  }
}

function onTimeout(call: RpcCall): void {
  call.timedOut();
}

function onConnect(this: CallSocket): void {
  this[CALL].send();
}

function onData(this: CallSocket, chunk: Buffer): void {
  this[CALL].read(chunk);
}

function onClose(this: CallSocket): void {
  this[CALL].closed();
}

function onError(this: CallSocket, err: NodeJS.ErrnoException): void {
  const code: RpcFailure =
    err.code === "ECONNREFUSED"
      ? "REFUSED"
      : err.code === "ECONNRESET" || err.code === "EPIPE"
        ? "RESET"
        : err.code !== undefined && LOCAL_ERRNO.has(err.code)
          ? "LOCAL"
          : "CLOSED";
  this[CALL].finish(new RpcCallError(code, err.message, err.code));
}
