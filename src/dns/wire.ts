// DNS message header fields both the embedded server and the resolver read straight from
// the bytes (RFC 1035 §4.1.1), so a packet dns-packet cannot decode can still be answered.

export const HEADER_BYTES = 12;
/** Largest UDP answer to a client that did not offer EDNS (RFC 1035 §2.3.4). */
export const CLASSIC_UDP_MAX_BYTES = 512;
/** The 2-byte TCP length prefix caps every message here. */
export const MAX_MESSAGE_BYTES = 0xffff;

export const Opcode = { QUERY: 0, NOTIFY: 4, UPDATE: 5 } as const;

export const Rcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  /** RFC 2136 §2.2: a name that should not exist does. */
  YXDOMAIN: 6,
  /** RFC 2136 §2.2: an RRset that should not exist does. */
  YXRRSET: 7,
  /** RFC 2136 §2.2: an RRset that should exist does not. */
  NXRRSET: 8,
  NOTAUTH: 9,
  /** RFC 2136 §2.2: a name outside the zone named in the zone section. */
  NOTZONE: 10,
} as const;

const RCODE_NAMES = new Map<number, string>(Object.entries(Rcode).map(([name, code]) => [code, name]));

/** "NOERROR", "NOTAUTH", …; unknown codes as "RCODE<n>". */
export function rcodeName(rcode: number): string {
  return RCODE_NAMES.get(rcode) ?? `RCODE${rcode}`;
}

/** EDNS extended rcode BADVERS (16): upper 8 bits go in the OPT record (RFC 6891 §6.1.3). */
export const EXTENDED_RCODE_BADVERS = 1;

export const FLAG_QR = 0x8000;
export const FLAG_AA = 0x0400;
export const FLAG_TC = 0x0200;
export const FLAG_RD = 0x0100;

export interface Header {
  id: number;
  qr: boolean;
  opcode: number;
  tc: boolean;
  rd: boolean;
  rcode: number;
  qdcount: number;
  ancount: number;
  nscount: number;
  arcount: number;
}

/** The header of a message, or null when it is shorter than a header. */
export function readHeader(message: Buffer): Header | null {
  if (message.length < HEADER_BYTES) return null;
  const bits = message.readUInt16BE(2);
  return {
    id: message.readUInt16BE(0),
    qr: (bits & FLAG_QR) !== 0,
    opcode: (bits >> 11) & 0xf,
    tc: (bits & FLAG_TC) !== 0,
    rd: (bits & FLAG_RD) !== 0,
    rcode: bits & 0xf,
    qdcount: message.readUInt16BE(4),
    ancount: message.readUInt16BE(6),
    nscount: message.readUInt16BE(8),
    arcount: message.readUInt16BE(10),
  };
}

/**
 * False when the section counts promise more records than the bytes could hold (a question
 * takes at least 5 bytes, a record 11). Checked before decoding: dns-packet would first
 * allocate arrays of up to 65,535 entries per section for such a message.
 */
export function countsFit(header: Header, messageBytes: number): boolean {
  return HEADER_BYTES + header.qdcount * 5 + (header.ancount + header.nscount + header.arcount) * 11 <= messageBytes;
}

/**
 * The 15 flag bits dns-packet takes in `flags` (it adds QR itself from `type`): opcode,
 * AA, TC, RD and the 4-bit rcode.
 */
export function replyFlags(opcode: number, rcode: number, bits: { aa?: boolean; tc?: boolean; rd?: boolean }): number {
  return ((opcode & 0xf) << 11) | (bits.aa ? FLAG_AA : 0) | (bits.tc ? FLAG_TC : 0) | (bits.rd ? FLAG_RD : 0) | (rcode & 0xf);
}

/** A reply that is only a header (all counts 0): FORMERR for bytes that do not decode, NOTIMP. */
export function headerOnlyReply(request: Header, rcode: number): Buffer {
  const reply = Buffer.alloc(HEADER_BYTES);
  reply.writeUInt16BE(request.id, 0);
  reply.writeUInt16BE(FLAG_QR | replyFlags(request.opcode, rcode, { rd: request.rd }), 2);
  return reply;
}
