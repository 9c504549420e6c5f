// DNS over TCP frames every message with a 2-byte big-endian length (RFC 1035 §4.2.2,
// RFC 7766). A reader gets bytes in arbitrary pieces: a frame may arrive split over
// several reads, or several frames in one.

import { MAX_MESSAGE_BYTES } from "./wire.js";

const PREFIX_BYTES = 2;

export function frameMessage(message: Buffer): Buffer {
  if (message.length > MAX_MESSAGE_BYTES) throw new RangeError(`DNS message of ${message.length} bytes does not fit a TCP frame`);
  const framed = Buffer.allocUnsafe(PREFIX_BYTES + message.length);
  framed.writeUInt16BE(message.length, 0);
  message.copy(framed, PREFIX_BYTES);
  return framed;
}

/** Collects bytes and hands out whole messages; holds at most one partial frame. */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  /** Complete messages now available, in order (a zero-length frame gives an empty buffer). */
  push(chunk: Buffer): Buffer[] {
    const bytes = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const messages: Buffer[] = [];
    let offset = 0;
    // Each turn consumes at least the 2-byte prefix, so this ends within bytes.length / 2 turns.
    while (bytes.length - offset >= PREFIX_BYTES) {
      const length = bytes.readUInt16BE(offset);
      if (bytes.length - offset - PREFIX_BYTES < length) break;
      messages.push(Buffer.from(bytes.subarray(offset + PREFIX_BYTES, offset + PREFIX_BYTES + length)));
      offset += PREFIX_BYTES + length;
    }
    this.pending = Buffer.from(bytes.subarray(offset));
    return messages;
  }

  /** Bytes of an unfinished frame waiting for the rest. */
  get bufferedBytes(): number {
    return this.pending.length;
  }
}
