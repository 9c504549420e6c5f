// The embedded server's data: SRV records `_vlmcs._tcp.<domain>` and address (A) records,
// in memory. Names are case-insensitive and a trailing dot is ignored. A zone also knows
// which domains it serves (its origins): the server refuses questions outside them.
// Adding an SRV record serves its domain; A records may live anywhere (they are also
// handed out as additional data for SRV targets).

import { isIPv4 } from "node:net";
import { checkedName, isAtOrBelow, normaliseName, srvDomainOf, srvOwnerOf } from "./names.js";

/** 1 h, the scenario's default `dns.ttl`. */
export const DEFAULT_TTL_SECONDS = 3600;
const MAX_TTL_SECONDS = 0x7fff_ffff; // RFC 2181 §8

export interface SrvRecordInput {
  target: string;
  port: number;
  priority: number;
  weight: number;
  /** Default DEFAULT_TTL_SECONDS. */
  ttlSeconds?: number;
}

export interface SrvEntry {
  /** The `<domain>` of `_vlmcs._tcp.<domain>`, normalised. */
  domain: string;
  /** Normalised target name. */
  target: string;
  port: number;
  priority: number;
  weight: number;
  ttlSeconds: number;
}

export interface AEntry {
  name: string;
  address: string;
  ttlSeconds: number;
}

export class DnsZone {
  private readonly originSet = new Set<string>();
  /** Owner name → its SRV RRset, in the order records were first added. */
  private readonly srv = new Map<string, SrvEntry[]>();
  private readonly a = new Map<string, AEntry>();

  constructor(origins: readonly string[] = []) {
    for (const origin of origins) this.addOrigin(origin);
  }

  /** Serve `origin` and everything below it (answers NXDOMAIN there, not REFUSED). */
  addOrigin(origin: string): void {
    this.originSet.add(checkedName(origin, "zone origin"));
  }

  origins(): string[] {
    return [...this.originSet];
  }

  /** The served origin a name falls under (the longest one), or null when it is not served. */
  originOf(name: string): string | null {
    const n = normaliseName(name);
    let best: string | null = null;
    for (const origin of this.originSet) {
      if (isAtOrBelow(n, origin) && (best === null || origin.length > best.length)) best = origin;
    }
    return best;
  }

  /**
   * Adds (or replaces: same domain, target and port) an SRV record. `domain` may be the
   * bare domain or the full `_vlmcs._tcp.<domain>` owner; the domain becomes served.
   */
  addSrv(domain: string, record: SrvRecordInput): SrvEntry {
    const d = checkedName(srvDomainOf(domain), "SRV domain");
    const entry: SrvEntry = {
      domain: d,
      target: checkedName(record.target, "SRV target"),
      port: checkedInt(record.port, 0, 0xffff, "SRV port"),
      priority: checkedInt(record.priority, 0, 0xffff, "SRV priority"),
      weight: checkedInt(record.weight, 0, 0xffff, "SRV weight"),
      ttlSeconds: checkedInt(record.ttlSeconds ?? DEFAULT_TTL_SECONDS, 0, MAX_TTL_SECONDS, "SRV ttlSeconds"),
    };
    checkedName(srvOwnerOf(d), "SRV owner name");
    this.originSet.add(d);
    const owner = srvOwnerOf(d);
    const rrset = this.srv.get(owner) ?? [];
    const at = rrset.findIndex((r) => r.target === entry.target && r.port === entry.port);
    if (at >= 0) rrset[at] = entry;
    else rrset.push(entry);
    this.srv.set(owner, rrset);
    return { ...entry };
  }

  /** Removes the domain's SRV records for `target` (only on `port` when given); returns how many. */
  removeSrv(domain: string, target: string, port?: number): number {
    const owner = srvOwnerOf(domain);
    const rrset = this.srv.get(owner);
    if (rrset === undefined) return 0;
    const t = normaliseName(target);
    const kept = rrset.filter((r) => !(r.target === t && (port === undefined || r.port === port)));
    if (kept.length === 0) this.srv.delete(owner);
    else this.srv.set(owner, kept);
    return rrset.length - kept.length;
  }

  /** Copies of the SRV records of one domain, or of every domain. */
  listSrv(domain?: string): SrvEntry[] {
    const sets = domain === undefined ? [...this.srv.values()] : [this.srv.get(srvOwnerOf(domain)) ?? []];
    return sets.flat().map((r) => ({ ...r }));
  }

  /** The SRV RRset owned by exactly `ownerName` (read-only view for answering). */
  srvAt(ownerName: string): readonly SrvEntry[] {
    return this.srv.get(normaliseName(ownerName)) ?? [];
  }

  /** Adds or replaces the address of `name`. */
  addA(name: string, address: string, ttlSeconds: number = DEFAULT_TTL_SECONDS): AEntry {
    if (!isIPv4(address)) throw new RangeError(`A record for "${name}": "${address}" is not an IPv4 address`);
    const entry: AEntry = {
      name: checkedName(name, "A record name"),
      address,
      ttlSeconds: checkedInt(ttlSeconds, 0, MAX_TTL_SECONDS, "A ttlSeconds"),
    };
    this.a.set(entry.name, entry);
    return { ...entry };
  }

  removeA(name: string): boolean {
    return this.a.delete(normaliseName(name));
  }

  listA(): AEntry[] {
    return [...this.a.values()].map((r) => ({ ...r }));
  }

  aAt(name: string): AEntry | undefined {
    return this.a.get(normaliseName(name));
  }

  /**
   * True when the name owns records, is an origin, or has records below it (an empty
   * non-terminal such as `_tcp.corp.example`): such a name answers NOERROR, not NXDOMAIN.
   */
  nameExists(name: string): boolean {
    const n = normaliseName(name);
    if (this.originSet.has(n)) return true;
    for (const owner of this.srv.keys()) if (isAtOrBelow(owner, n)) return true;
    for (const owner of this.a.keys()) if (isAtOrBelow(owner, n)) return true;
    return false;
  }
}

function checkedInt(value: number, min: number, max: number, what: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${what} must be a whole number from ${min} to ${max}, got ${value}`);
  }
  return value;
}
