// Reads the part of RFC 1035 master-file syntax (§5) that `kmssim dns` serves: $ORIGIN,
// $TTL, `@`, relative and absolute names, a blank owner meaning "the previous one",
// comments, parentheses spanning lines, and SOA, NS, SRV and A records. SOA and NS are
// accepted only for their owner, which becomes a served zone. Anything else is a problem
// reported with its line, all of a file's problems at once. Pure: text in, records out.
// Problems never quote the file (a user may name any file, secrets included): they say
// which field of the line is wrong and what was expected.
//
// Written here rather than taken from npm: the zone-file packages there neither report
// line numbers nor reject what they cannot read.

import { KmssimError } from "../core/kmssim-error.js";
import { isIPv4 } from "node:net";
import { checkedName, nameFault, normaliseName, SRV_PREFIX } from "./names.js";
import type { SrvEntry } from "./zone.js";

/** An SRV record as the zone holds it, plus the line it came from. */
export interface ZoneFileSrv extends SrvEntry {
  line: number;
}

export interface ZoneFileA {
  name: string;
  address: string;
  ttlSeconds: number;
  line: number;
}

export interface ZoneFileContent {
  /** Owners of SOA and NS records, and the domains of SRV records: the zones to serve. */
  origins: string[];
  srv: ZoneFileSrv[];
  a: ZoneFileA[];
}

export interface ZoneFileProblem {
  line: number;
  message: string;
}

export interface ZoneFileOptions {
  /** The origin before any $ORIGIN (like BIND's zone name). Default: none, relative names are problems. */
  origin?: string;
  /** TTL of records with none when the file has no $TTL and no earlier TTL. Default 3600. */
  defaultTtlSeconds?: number;
}

/** A zone file with problems; `problems` lists every one, `source` names the file. */
export class ZoneFileError extends KmssimError {
  constructor(
    readonly source: string,
    readonly problems: readonly ZoneFileProblem[],
  ) {
    super(problems.map((p) => `${source}:${p.line}: ${p.message}`).join("\n"), "KMSSIM_BAD_ZONE_FILE");
    this.name = "ZoneFileError";
  }
}

const MAX_TTL_SECONDS = 0x7fff_ffff; // RFC 2181 §8
const MAX_U16 = 0xffff;
const TTL_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
const SUPPORTED = "SOA, NS, SRV and A";

interface Entry {
  line: number;
  /** First token started in column 0: it is the owner (or a $directive). */
  ownerGiven: boolean;
  tokens: string[];
}

/** Parses a zone file; throws ZoneFileError listing every problem. */
export function parseZoneFile(text: string, source: string, options: ZoneFileOptions = {}): ZoneFileContent {
  const problems: ZoneFileProblem[] = [];
  const content: ZoneFileContent = { origins: [], srv: [], a: [] };
  let origin: string | null = null;
  if (options.origin !== undefined) origin = checkedName(options.origin, "origin");
  let defaultTtl: number | null = null; // $TTL
  let lastTtl: number | null = null; // RFC 1035: a record without a TTL takes the last one given
  let lastOwner: string | null = null;
  const fallbackTtl = options.defaultTtlSeconds ?? 3600;

  for (const entry of entries(text, problems)) {
    const fail = (message: string): void => {
      problems.push({ line: entry.line, message });
    };
    const tokens = [...entry.tokens];
    const first = tokens[0];
    if (entry.ownerGiven && first.startsWith("$")) {
      const directive = first.toUpperCase();
      if (directive === "$ORIGIN") {
        if (tokens.length !== 2) fail("$ORIGIN takes one absolute name, e.g. `$ORIGIN corp.example.`");
        else {
          const name = absoluteName(tokens[1], origin);
          if (typeof name === "string") origin = name;
          else fail(`the $ORIGIN name ${name.error}`);
        }
      } else if (directive === "$TTL") {
        const ttl = tokens.length === 2 ? parseTtl(tokens[1]) : null;
        if (ttl === null) fail(`$TTL takes one TTL, e.g. \`$TTL 3600\` or \`$TTL 1h\`; got ${fieldCount(tokens.length - 1)} that is not one`);
        else defaultTtl = ttl;
      } else {
        fail("the $ directive is not supported (only $ORIGIN and $TTL)");
      }
      continue;
    }

    let owner: string | null;
    if (entry.ownerGiven) {
      const name = absoluteName(tokens.shift()!, origin);
      if (typeof name !== "string") {
        fail(`the owner name ${name.error}`);
        continue;
      }
      owner = name;
    } else {
      owner = lastOwner;
      if (owner === null) {
        fail("the record has no owner name and there is no earlier record to take it from");
        continue;
      }
    }
    lastOwner = owner;

    // [ttl] [class] or [class] [ttl], then the type (RFC 1035 §5.1).
    let ttl: number | null = null;
    for (let i = 0; i < 2 && tokens.length > 0; i++) {
      const token = tokens[0];
      const upper = token.toUpperCase();
      if (upper === "IN") tokens.shift();
      else if (upper === "CH" || upper === "HS" || upper === "CS") {
        fail("the class is not served (only IN)");
        tokens.length = 0;
      } else if (ttl === null && /^\d/.test(token)) {
        ttl = parseTtl(token);
        if (ttl === null) {
          fail("the TTL is not valid: use seconds or units s m h d w, e.g. 3600 or 1h");
          tokens.length = 0;
        } else tokens.shift();
      } else break;
    }
    if (tokens.length === 0) {
      if (!problems.some((p) => p.line === entry.line)) fail("the record has no type");
      continue;
    }
    if (ttl !== null) lastTtl = ttl;
    const ttlSeconds = ttl ?? defaultTtl ?? lastTtl ?? fallbackTtl;
    const type = tokens.shift()!.toUpperCase();
    const rdata = tokens;

    switch (type) {
      case "SOA": {
        if (rdata.length !== 7) {
          fail(`SOA needs 7 fields (mname rname serial refresh retry expire minimum), got ${rdata.length}`);
          break;
        }
        const bad = rdata.slice(2).findIndex((t, i) => (i === 0 ? !/^\d+$/.test(t) || Number(t) > 0xffff_ffff : parseTtl(t) === null));
        if (bad !== -1) fail(`the SOA ${SOA_NUMBERS[bad]} is not a number`);
        else addOrigin(content, owner, fail);
        break;
      }
      case "NS":
        if (rdata.length !== 1) fail(`NS needs one name server name, got ${rdata.length} fields`);
        else addOrigin(content, owner, fail);
        break;
      case "A": {
        if (rdata.length !== 1 || !isIPv4(rdata[0])) {
          fail(`an A record needs one IPv4 address, got ${rdata.length === 1 ? "one field that is not one" : fieldCount(rdata.length)}`);
          break;
        }
        if (owner === "") fail("an A record at the root name cannot be served");
        else content.a.push({ name: owner, address: rdata[0], ttlSeconds, line: entry.line });
        break;
      }
      case "SRV": {
        const srv = srvRecord(owner, rdata, origin, ttlSeconds, entry.line);
        if (typeof srv === "string") fail(srv);
        else content.srv.push(srv);
        break;
      }
      default:
        fail(
          /^(TYPE)?\d+$|^[A-Z][A-Z0-9-]*$/.test(type)
            ? `the record type is not served by kmssim dns (only ${SUPPORTED})`
            : `the field where the record type belongs is not a record type (expected ${SUPPORTED}, after an optional TTL and class)`,
        );
    }
  }
  if (problems.length > 0)
    throw new ZoneFileError(
      source,
      problems.sort((x, y) => x.line - y.line),
    );
  for (const r of content.srv) if (!content.origins.includes(r.domain)) content.origins.push(r.domain);
  return content;
}

function addOrigin(content: ZoneFileContent, owner: string, fail: (m: string) => void): void {
  if (owner === "") fail("the root zone cannot be served");
  else if (!content.origins.includes(owner)) content.origins.push(owner);
}

function srvRecord(owner: string, rdata: string[], origin: string | null, ttlSeconds: number, line: number): ZoneFileSrv | string {
  if (rdata.length !== 4) return `SRV needs 4 fields (priority weight port target), got ${rdata.length}`;
  const [priority, weight, port] = rdata.slice(0, 3).map((t) => (/^\d+$/.test(t) ? Number(t) : NaN));
  const names = ["priority", "weight", "port"];
  for (const [i, value] of [priority, weight, port].entries()) {
    if (!(value <= MAX_U16)) return `the SRV ${names[i]} must be a whole number from 0 to ${MAX_U16}`;
  }
  if (!owner.startsWith(SRV_PREFIX) || owner.length === SRV_PREFIX.length) {
    return `the SRV record's owner is not a KMS record: kmssim dns serves only ${SRV_PREFIX}<domain>`;
  }
  const target = absoluteName(rdata[3], origin);
  if (typeof target !== "string") return `the SRV target ${target.error}`;
  if (target === "") return "SRV target `.` (service not offered here) cannot be served: leave the record out";
  return { domain: owner.slice(SRV_PREFIX.length), target, port, priority, weight, ttlSeconds, line };
}

/** A name made absolute (normalised, "" = root), or why it cannot be. */
function absoluteName(token: string, origin: string | null): string | { error: string } {
  let name: string;
  if (token === "@") {
    if (origin === null) return { error: "is `@`, which needs an origin: add `$ORIGIN <domain>.` above it" };
    name = origin;
  } else if (token === ".") {
    return "";
  } else if (token.endsWith(".")) {
    name = token;
  } else {
    if (origin === null) return { error: "is relative and no $ORIGIN is set: end it with a dot or add `$ORIGIN <domain>.`" };
    name = origin === "" ? token : `${token}.${origin}`;
  }
  if (/[\\"()]/.test(name)) return { error: "has characters kmssim dns does not read (escapes, quotes or parentheses)" };
  const fault = nameFault(name);
  return fault === null ? normaliseName(name) : { error: fault };
}

const SOA_NUMBERS = ["serial", "refresh", "retry", "expire", "minimum"];

const fieldCount = (n: number): string => (n === 1 ? "1 field" : `${n} fields`);

/** Seconds from `3600`, `1h`, `1h30m`, `1W` (BIND units); null when not of that form. */
export function parseTtl(token: string): number | null {
  let seconds: number;
  if (/^\d+$/.test(token)) seconds = Number(token);
  else {
    if (!/^(\d+[smhdw])+$/i.test(token)) return null;
    seconds = 0;
    for (const [, n, unit] of token.toLowerCase().matchAll(/(\d+)([smhdw])/g)) seconds += Number(n) * TTL_UNITS[unit];
  }
  return seconds <= MAX_TTL_SECONDS ? seconds : null;
}

/**
 * Splits the text into entries: comments removed, parenthesised groups joined, each
 * entry tagged with the line it starts on and whether it starts in column 0.
 */
function entries(text: string, problems: ZoneFileProblem[]): Entry[] {
  const out: Entry[] = [];
  let open: Entry | null = null; // an entry inside parentheses
  let depth = 0;
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const lineNo = index + 1;
    const tokens: string[] = [];
    let i = 0;
    // Each turn consumes at least one character, so the loop ends within raw.length turns.
    while (i < raw.length) {
      const ch = raw[i];
      if (ch === ";") break;
      if (ch === " " || ch === "\t") {
        i++;
      } else if (ch === "(") {
        depth++;
        i++;
      } else if (ch === ")") {
        if (depth === 0) problems.push({ line: lineNo, message: "`)` without a matching `(`" });
        else depth--;
        i++;
      } else if (ch === '"') {
        const end = raw.indexOf('"', i + 1);
        const stop = end < 0 ? raw.length : end + 1;
        tokens.push(raw.slice(i, stop));
        i = stop;
      } else {
        let j = i;
        while (j < raw.length && !" \t;()".includes(raw[j])) j++;
        tokens.push(raw.slice(i, j));
        i = j;
      }
    }
    if (open !== null) {
      open.tokens.push(...tokens);
    } else if (tokens.length > 0) {
      open = { line: lineNo, ownerGiven: raw.length > 0 && !" \t(".includes(raw[0]), tokens };
    }
    if (depth === 0 && open !== null) {
      out.push(open);
      open = null;
    }
  }
  if (open !== null) {
    problems.push({ line: open.line, message: "`(` is never closed" });
  }
  return out;
}
