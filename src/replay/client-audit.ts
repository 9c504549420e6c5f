// `kmssim import <client exports…> --audit`: which host clients really used (event 12288,
// `server:port`) against what the SRV records promise — the share audit `kmssim discover`
// does from DNS, done from what clients did. The promise per client domain is the win7
// first-choice share (core/selection/expected-share.ts) of that domain's records; a host's
// promised share of the requests is the promise of each domain weighted by the requests
// its clients sent. Clients cache the host that answered, so the independent draws are
// clients, not requests: a host disagrees when its share is off by more than 5 pp and by
// more than 3 binomial standard deviations over the clients seen.

import { expectedShares } from "../core/selection/expected-share.js";
import { MAX_ENDPOINTS, type SrvCandidate } from "../core/selection/srv-candidate.js";
import type { ClientSentInfo } from "./event-info.js";
import type { Logged } from "./kms-log.js";

/** One SRV record as the audit reads it: `target:port` and its RFC 2782 numbers. */
export interface PromisedRecord {
  target: string;
  port: number;
  priority: number;
  weight: number;
}

/** The records clients of each domain are given (lower-case domain → records). */
export type SrvPromise = ReadonlyMap<string, readonly PromisedRecord[]>;

export type AuditVerdict = "agrees" | "more than promised" | "less than promised" | "not in the SRV records" | "no promise";

export interface AuditRow {
  /** `server:port` as clients logged it. */
  host: string;
  requests: number;
  /** Distinct client computers that sent it a request. */
  clients: number;
  share: number;
  /** null: no records known for any of its clients' domains. */
  promisedShare: number | null;
  verdict: AuditVerdict;
}

export interface ClientAudit {
  schema: "kmssim/client-audit@1";
  requests: number;
  clients: number;
  /** Client domains seen, with whether records were known for them. */
  domains: { domain: string; requests: number; promised: boolean }[];
  hosts: AuditRow[];
  disagreements: number;
}

export const AUDIT_SHARE_TOLERANCE_PP = 5;

const key = (target: string, port: number): string => `${target.toLowerCase().replace(/\.$/, "")}:${port}`;

/** The share of first choices each `target:port` gets from `records` (win7: priority, then weight). */
export function promisedShares(records: readonly PromisedRecord[]): Map<string, number> {
  const endpoints: string[] = [];
  const candidates: SrvCandidate[] = records.map((r) => {
    const k = key(r.target, r.port);
    let host = endpoints.indexOf(k);
    if (host < 0) host = endpoints.push(k) - 1;
    return { host, priority: r.priority, weight: r.weight };
  });
  // Endpoints past 32 cannot be in one mask (MAX_ENDPOINTS); the records of one domain are far fewer.
  const count = Math.min(endpoints.length, MAX_ENDPOINTS);
  const shares = expectedShares("win7", candidates, 0xffff_ffff, count);
  return new Map(endpoints.slice(0, count).map((k, i) => [k, shares[i]]));
}

export function auditClients(sent: readonly Logged<ClientSentInfo>[], promise: SrvPromise | null): ClientAudit {
  const byHost = new Map<string, { requests: number; clients: Set<string> }>();
  const byDomain = new Map<string, number>();
  const named = namesOf(promise);
  for (const event of sent) {
    const host = named(key(event.info.server, event.info.port));
    const books = byHost.get(host) ?? { requests: 0, clients: new Set<string>() };
    books.requests++;
    books.clients.add(event.computer);
    byHost.set(host, books);
    const domain = domainOf(event.computer);
    byDomain.set(domain, (byDomain.get(domain) ?? 0) + 1);
  }
  const total = sent.length;
  const shareOf = new Map([...(promise ?? new Map<string, readonly PromisedRecord[]>()).entries()].map(([d, records]) => [d, promisedShares(records)]));
  const promisedRequests = [...byDomain.entries()].filter(([d]) => shareOf.has(d)).reduce((a, [, n]) => a + n, 0);
  const promised = (host: string): number | null => {
    if (promisedRequests === 0) return null;
    let expected = 0;
    for (const [domain, n] of byDomain) expected += (n / promisedRequests) * (shareOf.get(domain)?.get(host) ?? 0);
    return expected;
  };
  const allClients = new Set(sent.map((e) => e.computer)).size;
  const promisedHosts = new Set([...shareOf.values()].flatMap((m) => [...m.keys()]));
  const hosts = [...new Set([...byHost.keys(), ...promisedHosts])].sort().map((host): AuditRow => {
    const books = byHost.get(host) ?? { requests: 0, clients: new Set<string>() };
    const share = total === 0 ? 0 : books.requests / total;
    const promisedShare = promised(host);
    return {
      host,
      requests: books.requests,
      clients: books.clients.size,
      share,
      promisedShare,
      verdict: verdictOf(share, promisedShare, allClients, promisedHosts.has(host)),
    };
  });
  return {
    schema: "kmssim/client-audit@1",
    requests: total,
    clients: allClients,
    domains: [...byDomain.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([domain, requests]) => ({ domain, requests, promised: shareOf.has(domain) })),
    hosts,
    disagreements: hosts.filter((h) => h.verdict !== "agrees" && h.verdict !== "no promise").length,
  };
}

/** Off by more than 5 pp and 3 binomial σ over the clients (their draws are the independent ones). */
export function verdictOf(share: number, promised: number | null, clients: number, inRecords: boolean): AuditVerdict {
  if (promised === null) return "no promise";
  if (!inRecords) return share > 0 ? "not in the SRV records" : "agrees";
  const sigma = Math.sqrt((promised * (1 - promised)) / Math.max(1, clients));
  const off = Math.abs(share - promised);
  if (off <= AUDIT_SHARE_TOLERANCE_PP / 100 || off <= 3 * sigma) return "agrees";
  return share > promised ? "more than promised" : "less than promised";
}

/**
 * The promised `target:port` a logged `server:port` stands for: itself, or the one promised
 * target with the same first label and port (a client pinned with a short name, `kms1:1688`).
 */
function namesOf(promise: SrvPromise | null): (logged: string) => string {
  const promised = new Set([...(promise?.values() ?? [])].flat().map((r) => key(r.target, r.port)));
  const short = (k: string): string => k.replace(/\..*:/, ":");
  const byShort = new Map<string, string[]>();
  for (const k of promised) byShort.set(short(k), [...(byShort.get(short(k)) ?? []), k]);
  return (logged) => {
    if (promised.has(logged)) return logged;
    const same = byShort.get(short(logged)) ?? [];
    return same.length === 1 && !logged.includes(".") ? same[0] : logged;
  };
}

function domainOf(fqdn: string): string {
  const dot = fqdn.indexOf(".");
  return dot < 0 ? "" : fqdn.slice(dot + 1).replace(/\.$/, "");
}
