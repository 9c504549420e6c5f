// The embedded server's data: SRV records `_vlmcs._tcp.<domain>` and address (A) records,
// in memory. Names are case-insensitive and a trailing dot is ignored. A zone also knows
// which domains it serves (its origins): the server refuses questions outside them.
// Adding an SRV record serves its domain; A records may live anywhere (they are also
// handed out as additional data for SRV targets).
//
// Scavenging (like Windows DNS aging): every record remembers when it was last added or
// refreshed, on the zone's clock, which in a realtime run is the SIMULATED clock (ages are
// scenario durations). Records from configuration may be `static`: never scavenged.
// kmssim keeps one A record per name and one SRV record per (owner, target, port).

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

/** When a record was last added or refreshed, and whether scavenging leaves it alone. */
export interface RecordStamp {
  /** On the zone's clock (`nowMs` option). */
  updatedAtMs: number;
  static: boolean;
}

export type StampedSrvEntry = SrvEntry & RecordStamp;
export type StampedAEntry = AEntry & RecordStamp;

export interface DnsZoneOptions {
  /** The zone's clock for record ages, in ms. Default Date.now; the simulated clock in a realtime run. */
  nowMs?: () => number;
}

export interface AddRecordOptions {
  /** Never scavenged (a record made by hand or from configuration). Default false; re-adding keeps an existing static mark. */
  static?: boolean;
}

export class DnsZone {
  private readonly originSet = new Set<string>();
  /** Owner name → its SRV RRset, in the order records were first added. */
  private srv = new Map<string, StampedSrvEntry[]>();
  private a = new Map<string, StampedAEntry>();
  private readonly clock: () => number;

  constructor(origins: readonly string[] = [], options: DnsZoneOptions = {}) {
    this.clock = options.nowMs ?? Date.now;
    for (const origin of origins) this.addOrigin(origin);
  }

  /** The zone's clock (record ages are measured on it). */
  nowMs(): number {
    return this.clock();
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
   * Adds (or replaces: same domain, target and port) an SRV record, stamped now. `domain`
   * may be the bare domain or the full `_vlmcs._tcp.<domain>` owner; the domain becomes
   * served unless `serveDomain` is false (dynamic updates inside an existing zone).
   */
  addSrv(domain: string, record: SrvRecordInput, options: AddRecordOptions & { serveDomain?: boolean } = {}): SrvEntry {
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
    if (options.serveDomain !== false) this.originSet.add(d);
    const owner = srvOwnerOf(d);
    const rrset = this.srv.get(owner) ?? [];
    const at = rrset.findIndex((r) => r.target === entry.target && r.port === entry.port);
    const stamped: StampedSrvEntry = { ...entry, updatedAtMs: this.clock(), static: options.static === true || (at >= 0 && rrset[at].static) };
    if (at >= 0) rrset[at] = stamped;
    else rrset.push(stamped);
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
    return this.listSrvStamped(domain).map(({ domain: d, target, port, priority, weight, ttlSeconds }) => ({
      domain: d,
      target,
      port,
      priority,
      weight,
      ttlSeconds,
    }));
  }

  /** Like listSrv, with each record's age stamp. */
  listSrvStamped(domain?: string): StampedSrvEntry[] {
    const sets = domain === undefined ? [...this.srv.values()] : [this.srv.get(srvOwnerOf(domain)) ?? []];
    return sets.flat().map((r) => ({ ...r }));
  }

  /** The SRV RRset owned by exactly `ownerName` (read-only view for answering). */
  srvAt(ownerName: string): readonly StampedSrvEntry[] {
    return this.srv.get(normaliseName(ownerName)) ?? [];
  }

  /** Adds or replaces the address of `name`, stamped now. */
  addA(name: string, address: string, ttlSeconds: number = DEFAULT_TTL_SECONDS, options: AddRecordOptions = {}): AEntry {
    if (!isIPv4(address)) throw new RangeError(`A record for "${name}": "${address}" is not an IPv4 address`);
    const entry: AEntry = {
      name: checkedName(name, "A record name"),
      address,
      ttlSeconds: checkedInt(ttlSeconds, 0, MAX_TTL_SECONDS, "A ttlSeconds"),
    };
    const existing = this.a.get(entry.name);
    this.a.set(entry.name, { ...entry, updatedAtMs: this.clock(), static: options.static === true || existing?.static === true });
    return { ...entry };
  }

  removeA(name: string): boolean {
    return this.a.delete(normaliseName(name));
  }

  listA(): AEntry[] {
    return this.listAStamped().map(({ name, address, ttlSeconds }) => ({ name, address, ttlSeconds }));
  }

  /** Like listA, with each record's age stamp. */
  listAStamped(): StampedAEntry[] {
    return [...this.a.values()].map((r) => ({ ...r }));
  }

  aAt(name: string): StampedAEntry | undefined {
    return this.a.get(normaliseName(name));
  }

  /**
   * Removes every record that is not static and was not added or refreshed for longer than
   * `maxAgeMs` (now − updatedAtMs > maxAgeMs), and returns what it removed.
   */
  scavenge(maxAgeMs: number): { srv: StampedSrvEntry[]; a: StampedAEntry[] } {
    if (!(maxAgeMs >= 0)) throw new RangeError(`maxAgeMs must be 0 or more, got ${maxAgeMs}`);
    const now = this.clock();
    const stale = (r: RecordStamp): boolean => !r.static && now - r.updatedAtMs > maxAgeMs;
    const removed = { srv: [] as StampedSrvEntry[], a: [] as StampedAEntry[] };
    for (const [owner, rrset] of this.srv) {
      const kept = rrset.filter((r) => !stale(r));
      removed.srv.push(...rrset.filter(stale).map((r) => ({ ...r })));
      if (kept.length === 0) this.srv.delete(owner);
      else if (kept.length !== rrset.length) this.srv.set(owner, kept);
    }
    for (const [name, entry] of this.a) {
      if (!stale(entry)) continue;
      removed.a.push({ ...entry });
      this.a.delete(name);
    }
    return removed;
  }

  /** When the first record not static goes stale at `maxAgeMs` (zone clock), or Infinity when none can. */
  nextStaleAtMs(maxAgeMs: number): number {
    let next = Infinity;
    const consider = (r: RecordStamp): void => {
      if (!r.static) next = Math.min(next, r.updatedAtMs + maxAgeMs);
    };
    for (const rrset of this.srv.values()) rrset.forEach(consider);
    for (const entry of this.a.values()) consider(entry);
    return next;
  }

  /** True when `name` owns records itself: an SRV or A record, or it is an origin (which owns the SOA). */
  ownsRecords(name: string): boolean {
    const n = normaliseName(name);
    return this.originSet.has(n) || this.srv.has(n) || this.a.has(n);
  }

  /** Runs `change`; when it throws, the zone is put back as it was before (all or nothing). */
  atomically<T>(change: () => T): T {
    const srv = new Map([...this.srv].map(([owner, rrset]) => [owner, rrset.map((r) => ({ ...r }))]));
    const a = new Map([...this.a].map(([name, entry]) => [name, { ...entry }]));
    const origins = [...this.originSet];
    try {
      return change();
    } catch (error) {
      this.srv = srv;
      this.a = a;
      this.originSet.clear();
      for (const origin of origins) this.originSet.add(origin);
      throw error;
    }
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
