// Room for a burst of datagrams. Linux's default UDP receive buffer (~208 KiB) holds a
// couple of hundred small replies; when a busy thread reads a burst (a fleet slice's
// clients answered at once, every worker asking the one DNS server) the kernel drops the
// rest, and a query the server did answer times out. The kernel caps the size at
// net.core.rmem_max, so asking is best effort.

import type dgram from "node:dgram";

/** Enough for thousands of small DNS messages. */
export const BURST_RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

/** Asks for at least `bytes` of receive buffer on a bound socket; keeps the default when refused. */
export function enlargeReceiveBuffer(socket: dgram.Socket, bytes: number): void {
  try {
    if (socket.getRecvBufferSize() < bytes) socket.setRecvBufferSize(bytes);
  } catch {
    // Not allowed here: the default buffer stands, as before.
  }
}
