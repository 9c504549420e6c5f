// What `kmssim discover` concludes from one SRV lookup and the TCP probes: each record
// with the share of first tries win7 and vista clients give it, and the problems found,
// each with a stable code. Pure: the same records in any order give the same problems.

import { formatPercent } from "../format/format-number.js";
import { expectedShares } from "../core/selection/expected-share.js";
import type { SelectionProfile } from "../core/selection/select-host.js";
import { MAX_ENDPOINTS, type SrvCandidate } from "../core/selection/srv-candidate.js";
import { endpointKey, planProbes, type AddressSource, type DiscoveredRecord } from "./probe-policy.js";

export type { DiscoveredRecord };

export type LookupOutcome =
  /** `records` empty: the name exists without SRV records (NODATA). */
  | { status: "ok"; records: readonly DiscoveredRecord[]; addresses: ReadonlyMap<string, string> }
  | { status: "nxdomain" }
  | { status: "timeout"; message: string }
  /** The server answered with an error rcode (REFUSED, SERVFAIL, FORMERR). */
  | { status: "error"; rcode: string; message: string };

export type ProbeResult = { status: "open"; connectMs: number } | { status: "refused" | "timeout" | "error"; message: string };

export type ProbeOutcome = ProbeResult | { status: "not-probed"; reason: "no-address" | "not-allowed" };

export interface AuditInput {
  domain: string;
  /** `host:port` of the DNS server asked, for messages. */
  server: string;
  lookup: LookupOutcome;
  /** --address name=ipv4. */
  userAddresses: ReadonlyMap<string, string>;
  /** By endpoint key (`target:port`), for the endpoints planProbes said to probe. */
  probes: ReadonlyMap<string, ProbeResult>;
}

export type Shares = Record<SelectionProfile, number>;

export interface RecordReport extends DiscoveredRecord {
  /** The address probed or that would be: --address first, then DNS. */
  address: string | null;
  addressSource: AddressSource | null;
  /** What DNS returned for the target (null: no A record). */
  dnsAddress: string | null;
  /** Share of first tries with every host serving; null above MAX_ENDPOINTS records. */
  share: Shares | null;
  /** Share when the hosts found unreachable are out (clients fail over to the rest). */
  shareReachable: Shares | null;
  probe: ProbeOutcome;
}

export const PROBLEM_CODES = [
  "DNS_TIMEOUT",
  "DNS_ERROR",
  "NO_RECORDS",
  "NO_ADDRESS",
  "UNREACHABLE",
  "ALL_WEIGHTS_ZERO",
  "SINGLE_HOST",
  "TOO_MANY_RECORDS",
] as const;

export type ProblemCode = (typeof PROBLEM_CODES)[number];

export interface Problem {
  code: ProblemCode;
  severity: "error" | "warning";
  message: string;
  /** Endpoint keys (`target:port`) concerned, sorted; empty for the domain as a whole. */
  hosts: string[];
}

export interface DiscoverReport {
  schema: "kmssim/discover@1";
  domain: string;
  query: string;
  server: string;
  lookup: { status: "ok" | "nodata" | "nxdomain" | "timeout" | "error"; message?: string };
  records: RecordReport[];
  problems: Problem[];
  ok: boolean;
}

/** Share of one endpoint at or above this, with others present, means it carries everything. */
export const CARRIES_ALL_SHARE = 0.99;
const PROFILES: readonly SelectionProfile[] = ["win7", "vista"];
const FAILED_PROBE = new Set(["refused", "timeout", "error"]);

export function auditDiscovery(input: AuditInput): DiscoverReport {
  const query = `_vlmcs._tcp.${input.domain}`;
  const base = { schema: "kmssim/discover@1" as const, domain: input.domain, query, server: input.server };
  const { lookup } = input;
  if (lookup.status === "timeout") {
    const message = `the DNS server ${input.server} did not answer (${lookup.message}): check --server, and that it is up and reachable from here`;
    return finish({ ...base, lookup: { status: "timeout", message: lookup.message }, records: [] }, [problem("DNS_TIMEOUT", "error", message)]);
  }
  if (lookup.status === "error") {
    const message = `${input.server} answered ${lookup.rcode} for ${query}${lookup.rcode === "REFUSED" ? ": it does not serve this domain (or refuses questions from here)" : ""}`;
    return finish({ ...base, lookup: { status: "error", message: lookup.message }, records: [] }, [problem("DNS_ERROR", "error", message)]);
  }
  if (lookup.status === "nxdomain" || lookup.records.length === 0) {
    const nx = lookup.status === "nxdomain";
    const message = nx
      ? `${query} does not exist (NXDOMAIN): clients find no KMS host (0x8007232B); publish SRV records or check --domain`
      : `${query} exists but has no SRV records (NODATA): clients find no KMS host (0x8007251D)`;
    return finish({ ...base, lookup: { status: nx ? "nxdomain" : "nodata" }, records: [] }, [problem("NO_RECORDS", "error", message)]);
  }

  const records = lookup.records;
  const plans = new Map(planProbes(records, lookup.addresses, input.userAddresses).map((p) => [p.key, p]));
  const outcomeOf = (key: string): ProbeOutcome => {
    const plan = plans.get(key)!;
    if (!plan.probe) return { status: "not-probed", reason: plan.reason };
    return input.probes.get(key) ?? { status: "not-probed", reason: "not-allowed" };
  };
  const failed = (r: DiscoveredRecord): boolean => FAILED_PROBE.has(outcomeOf(endpointKey(r.target, r.port)).status);
  const allShares = sharesOf(records, () => true);
  const reachableShares = sharesOf(records, (r) => !failed(r));

  const reports: RecordReport[] = records.map((r, i) => {
    const plan = plans.get(endpointKey(r.target, r.port))!;
    return {
      target: r.target,
      port: r.port,
      priority: r.priority,
      weight: r.weight,
      address: plan.address,
      addressSource: plan.source,
      dnsAddress: lookup.addresses.get(r.target) ?? null,
      share: allShares === null ? null : allShares[i],
      shareReachable: reachableShares === null ? null : reachableShares[i],
      probe: outcomeOf(endpointKey(r.target, r.port)),
    };
  });
  return finish({ ...base, lookup: { status: "ok" }, records: reports }, recordProblems(reports));
}

/** Per-record shares for each profile among the records `serving` keeps; null when they do not fit a mask. */
function sharesOf(records: readonly DiscoveredRecord[], serving: (r: DiscoveredRecord) => boolean): Shares[] | null {
  if (records.length > MAX_ENDPOINTS) return null;
  // Each record is its own endpoint index, so the shares are per record.
  const candidates: SrvCandidate[] = records.map((r, i) => ({ host: i, priority: r.priority, weight: r.weight }));
  let mask = 0;
  records.forEach((r, i) => {
    if (serving(r)) mask = (mask | (1 << i)) >>> 0;
  });
  const byProfile = PROFILES.map((p) => expectedShares(p, candidates, mask, records.length));
  return records.map((_, i) => ({ win7: byProfile[0][i], vista: byProfile[1][i] }));
}

function recordProblems(reports: readonly RecordReport[]): Problem[] {
  const problems: Problem[] = [];
  const endpoints = groupByEndpoint(reports);

  for (const [key, group] of endpoints) {
    const r = group[0];
    if (r.dnsAddress === null) {
      const given = r.addressSource === "flag" ? ` (probed at ${r.address}, given with --address)` : "";
      problems.push(problem("NO_ADDRESS", "error", `${r.target} has no address (A) record: clients cannot connect to ${key}${given}`, [key]));
    }
    if (FAILED_PROBE.has(r.probe.status)) {
      const why = { refused: "refused the connection", timeout: "did not accept the connection in time", error: "could not be reached" }[
        r.probe.status as "refused" | "timeout" | "error"
      ];
      const share = sumShares(group);
      const then = r.probe.status === "timeout" ? "wait for their RPC timeout, then fail over" : "fail over";
      const tail = share === null ? "" : ` — clients that pick it first (win7 ${formatPercent(share.win7)}, vista ${formatPercent(share.vista)}) ${then}`;
      const detail = r.probe.status === "error" ? ` (${r.probe.message})` : "";
      problems.push(problem("UNREACHABLE", "error", `${key} at ${r.address} ${why}${detail}${tail}`, [key]));
    }
  }

  const lowest = Math.min(...reports.map((r) => r.priority));
  const top = reports.filter((r) => r.priority === lowest);
  if (top.length >= 2 && top.every((r) => r.weight === 0)) {
    problems.push(
      problem(
        "ALL_WEIGHTS_ZERO",
        "warning",
        `every record at priority ${lowest} has weight 0: win7 clients choose among them uniformly; give weights if load should follow capacity`,
        top.map((r) => endpointKey(r.target, r.port)),
      ),
    );
  }

  if (endpoints.size === 1) {
    const [key] = endpoints.keys();
    problems.push(problem("SINGLE_HOST", "warning", `only one host (${key}) is published: clients have nowhere to fail over to`, [key]));
  } else {
    for (const [key, group] of endpoints) {
      const share = sumShares(group);
      if (share === null || share.win7 < CARRIES_ALL_SHARE) continue;
      const others = reports.filter((r) => endpointKey(r.target, r.port) !== key);
      const backup = others.some((r) => r.priority > group[0].priority) ? `; the others (higher priority) get work only when it fails` : "";
      problems.push(problem("SINGLE_HOST", "warning", `${key} gets ${formatPercent(share.win7)} of win7 clients' first tries${backup}`, [key]));
    }
  }

  if (reports.length > MAX_ENDPOINTS) {
    problems.push(problem("TOO_MANY_RECORDS", "warning", `${reports.length} records: shares are computed for at most ${MAX_ENDPOINTS}`));
  }
  return problems;
}

function groupByEndpoint(reports: readonly RecordReport[]): Map<string, RecordReport[]> {
  const groups = new Map<string, RecordReport[]>();
  for (const r of reports) {
    const key = endpointKey(r.target, r.port);
    const group = groups.get(key) ?? [];
    group.push(r);
    groups.set(key, group);
  }
  return groups;
}

function sumShares(group: readonly RecordReport[]): Shares | null {
  if (group.some((r) => r.share === null)) return null;
  return { win7: group.reduce((a, r) => a + r.share!.win7, 0), vista: group.reduce((a, r) => a + r.share!.vista, 0) };
}

function problem(code: ProblemCode, severity: Problem["severity"], message: string, hosts: string[] = []): Problem {
  return { code, severity, message, hosts: [...hosts].sort() };
}

/** Problems in a fixed order (code, then hosts) so the record order does not change the report's verdict. */
function finish(report: Omit<DiscoverReport, "problems" | "ok">, problems: Problem[]): DiscoverReport {
  const rank = (p: Problem): number => PROBLEM_CODES.indexOf(p.code);
  const hosts = (p: Problem): string => p.hosts.join(",");
  const sorted = [...problems].sort((a, b) => rank(a) - rank(b) || (hosts(a) < hosts(b) ? -1 : hosts(a) > hosts(b) ? 1 : 0));
  return { ...report, problems: sorted, ok: sorted.length === 0 };
}
