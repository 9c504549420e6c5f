// Answers one QUERY message from the zone: SRV (with the targets' A records as additional
// data), A, NXDOMAIN for unknown names in a served zone, REFUSED outside every served
// zone (as BIND does with recursion off), REFUSED for zone transfers (AXFR, IXFR). Pure: bytes and a zone in, bytes out.
//
// Size rules (RFC 2181 §9): the answer RRset goes whole or not at all. When it does not
// fit the UDP limit the reply carries only the question and sets TC, and the client asks
// again over TCP. Additional A records are added while they fit, without TC.

import dnsPacket from "dns-packet";
import type { Answer, DecodedPacket, OptAnswer, Packet } from "dns-packet";
import type { DnsZone } from "./zone.js";
import {
  CLASSIC_UDP_MAX_BYTES,
  EXTENDED_RCODE_BADVERS,
  HEADER_BYTES,
  countsFit,
  MAX_MESSAGE_BYTES,
  Rcode,
  headerOnlyReply,
  replyFlags,
  type Header,
} from "./wire.js";

const TYPE_A = 1;
const TYPE_SRV = 33;
const TYPE_ANY = 255;
const TYPE_IXFR = 251;
const TYPE_AXFR = 252;
const CLASS_IN = 1;
const CLASS_ANY = 255;

export interface AnswerLimits {
  transport: "udp" | "tcp";
  /** Our EDNS UDP payload size: the most a UDP reply may carry for a client that offers EDNS. */
  maxUdpPayloadBytes: number;
}

export interface QueryReply {
  message: Buffer;
  rcode: number;
  truncated: boolean;
}

export function answerQuery(raw: Buffer, header: Header, zone: DnsZone, limits: AnswerLimits): QueryReply {
  if (!countsFit(header, raw.length)) return headerOnly(header, Rcode.FORMERR);
  let query: DecodedPacket;
  try {
    query = dnsPacket.decode(raw);
  } catch {
    return headerOnly(header, Rcode.FORMERR);
  }
  if (header.qdcount !== 1 || query.questions === undefined || query.questions.length !== 1) {
    return headerOnly(header, Rcode.FORMERR);
  }
  const question = readQuestion(raw, query.questions[0].name);
  if (question === null) return headerOnly(header, Rcode.FORMERR);

  const opts = (query.additionals ?? []).filter((rr): rr is OptAnswer => rr.type === "OPT");
  if (opts.length > 1) return headerOnly(header, Rcode.FORMERR);
  const edns = opts[0];
  const reply: Packet = {
    type: "response",
    id: header.id,
    questions: [query.questions[0]],
    answers: [],
    additionals: edns === undefined ? [] : [ourOpt(limits.maxUdpPayloadBytes, 0)],
  };
  const finish = (rcode: number, aa: boolean): QueryReply => fit(reply, header, rcode, aa, udpLimit(limits, edns), limits.transport);

  if (edns !== undefined && edns.ednsVersion !== 0) {
    reply.additionals = [ourOpt(limits.maxUdpPayloadBytes, EXTENDED_RCODE_BADVERS)];
    return finish(Rcode.NOERROR, false);
  }
  // Zone transfers would hand out every record at once: refused, not an empty NOERROR.
  if (question.qtype === TYPE_AXFR || question.qtype === TYPE_IXFR) return finish(Rcode.REFUSED, false);
  if (question.qclass !== CLASS_IN && question.qclass !== CLASS_ANY) return finish(Rcode.REFUSED, false);
  if (zone.originOf(question.name) === null) return finish(Rcode.REFUSED, false);

  const glue: Answer[] = [];
  if (question.qtype === TYPE_SRV || question.qtype === TYPE_ANY) {
    for (const r of zone.srvAt(question.name)) {
      reply.answers!.push({
        type: "SRV",
        name: question.wireName,
        class: "IN",
        ttl: r.ttlSeconds,
        data: { target: r.target, port: r.port, priority: r.priority, weight: r.weight },
      });
      const address = zone.aAt(r.target);
      if (address !== undefined && !glue.some((g) => g.name === address.name)) {
        glue.push({ type: "A", name: address.name, class: "IN", ttl: address.ttlSeconds, data: address.address });
      }
    }
  }
  if (question.qtype === TYPE_A || question.qtype === TYPE_ANY) {
    const address = zone.aAt(question.name);
    if (address !== undefined) {
      reply.answers!.push({ type: "A", name: question.wireName, class: "IN", ttl: address.ttlSeconds, data: address.address });
    }
  }
  if (reply.answers!.length === 0 && !zone.nameExists(question.name)) return finish(Rcode.NXDOMAIN, true);
  reply.additionals!.push(...glue);
  return finish(Rcode.NOERROR, true);
}

interface Question {
  /** As the client wrote it (case kept: answers echo it). */
  wireName: string;
  /** Lower case, no trailing dot. */
  name: string;
  qtype: number;
  qclass: number;
}

/**
 * Reads type and class from the bytes, and accepts the name only when dns-packet writes
 * it back byte for byte: no compression pointers, dots or invalid UTF-8 inside labels.
 */
function readQuestion(raw: Buffer, decodedName: string): Question | null {
  let probe: Buffer;
  try {
    probe = dnsPacket.encode({ questions: [{ name: decodedName, type: "A" }] });
  } catch {
    return null;
  }
  const nameBytes = probe.subarray(HEADER_BYTES, probe.length - 4);
  const end = HEADER_BYTES + nameBytes.length;
  if (raw.length < end + 4 || !raw.subarray(HEADER_BYTES, end).equals(nameBytes)) return null;
  const lower = decodedName.toLowerCase();
  return {
    wireName: decodedName,
    name: lower === "." ? "" : lower.replace(/\.$/, ""),
    qtype: raw.readUInt16BE(end),
    qclass: raw.readUInt16BE(end + 2),
  };
}

function ourOpt(udpPayloadSize: number, extendedRcode: number): OptAnswer {
  return { type: "OPT", name: ".", udpPayloadSize, extendedRcode, ednsVersion: 0, flags: 0, flag_do: false, options: [] };
}

function udpLimit(limits: AnswerLimits, edns: OptAnswer | undefined): number {
  if (edns === undefined) return CLASSIC_UDP_MAX_BYTES;
  return Math.max(CLASSIC_UDP_MAX_BYTES, Math.min(edns.udpPayloadSize, limits.maxUdpPayloadBytes));
}

/** Encodes the reply within the transport's limit (see the size rules at the top). */
function fit(reply: Packet, header: Header, rcode: number, aa: boolean, udpMax: number, transport: "udp" | "tcp"): QueryReply {
  const limit = transport === "udp" ? udpMax : MAX_MESSAGE_BYTES;
  const flags = (tc: boolean): number => replyFlags(header.opcode, rcode, { aa, tc, rd: header.rd });
  reply.flags = flags(false);
  if (dnsPacket.encodingLength(reply) <= limit) return { message: dnsPacket.encode(reply), rcode, truncated: false };

  const optional = (reply.additionals ?? []).filter((rr) => rr.type !== "OPT");
  const trimmed: Packet = { ...reply, additionals: (reply.additionals ?? []).filter((rr) => rr.type === "OPT") };
  let length = dnsPacket.encodingLength(trimmed);
  if (length <= limit) {
    for (const rr of optional) {
      const rrLength = dnsPacket.encodingLength({ additionals: [rr] }) - HEADER_BYTES;
      if (length + rrLength > limit) continue;
      trimmed.additionals!.push(rr);
      length += rrLength;
    }
    return { message: dnsPacket.encode(trimmed), rcode, truncated: false };
  }
  if (transport === "tcp") return headerOnly(header, Rcode.SERVFAIL); // over 64 KiB: the zone is absurd
  const truncated: Packet = { ...trimmed, answers: [], flags: flags(true) };
  return { message: dnsPacket.encode(truncated), rcode, truncated: true };
}

function headerOnly(header: Header, rcode: number): QueryReply {
  return { message: headerOnlyReply(header, rcode), rcode, truncated: false };
}
