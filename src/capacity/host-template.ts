// A scenario's hosts as a template for k hosts (`kmssim plan --hosts`): the first k hosts
// when the file has that many, else every host plus copies of the last one. Copies keep
// every setting and take the next free name: kms3 → kms4, kms5 … (digits keep their
// width: kms09 → kms10); a name without trailing digits gets -2, -3 … Events naming a
// host that is left out are dropped; copies get none. Hand-made SRV records
// (dns.records) follow their host: dropped with it, copied with the last host.

import { parseKmsHost } from "../scenario/kms-host.js";
import type { HostSpec, Scenario, SrvRecord } from "../scenario/model.js";
import { hostOfTarget, recordDomainOf, scenarioZones, targetFqdn } from "../scenario/srv-target.js";

const SRV_PREFIX = "_vlmcs._tcp.";
const TRAILING_DIGITS = /^(.*?)(\d+)$/;

const stripDot = (name: string): string => (name.endsWith(".") ? name.slice(0, -1) : name);

/** The scenario with exactly `k` hosts (k ≥ 1), by the rule above. */
export function templateHosts(scenario: Scenario, k: number): Scenario {
  if (!Number.isSafeInteger(k) || k < 1) throw new RangeError(`host count must be a whole number ≥ 1, got ${k}`);
  const file = scenario.hosts;
  const last = file[file.length - 1];
  const taken = [...file.map((h) => h.name), ...scenario.dns.records.map((r) => shortTarget(r))];
  const names = cloneNames(taken, last.name, Math.max(0, k - file.length));
  const clones = names.map((name): HostSpec => ({ ...last, name, products: [...last.products], publishDomains: [...last.publishDomains] }));
  const hosts = [...file.slice(0, k), ...clones];
  const kept = new Set(hosts.map((h) => h.name));
  const dropped = file.slice(k).map((h) => h.name);
  return {
    ...scenario,
    hosts,
    events: scenario.events.filter((e) => e.kind !== "host" || kept.has(e.host)),
    dns: {
      ...scenario.dns,
      records: templateRecords(
        scenario.dns.records,
        file.map((h) => h.name),
        scenarioZones(scenario),
        dropped,
        last.name,
        names,
      ),
    },
  };
}

/**
 * `count` new names continuing `last` that collide with none of `taken` (compared
 * case-insensitively, as DNS does).
 */
export function cloneNames(taken: readonly string[], last: string, count: number): string[] {
  const used = new Set(taken.map((n) => n.toLowerCase()));
  const digits = TRAILING_DIGITS.exec(last);
  const candidate =
    digits === null
      ? (j: number): string => `${last}-${j + 1}`
      : (j: number): string => digits[1] + String(BigInt(digits[2]) + BigInt(j)).padStart(digits[2].length, "0");
  const out: string[] = [];
  // Each step either takes a name or skips one already used: bounded by count + used.size.
  for (let j = 1; out.length < count && j <= count + used.size + 1; j++) {
    const name = candidate(j);
    if (used.has(name.toLowerCase())) continue;
    used.add(name.toLowerCase());
    out.push(name);
  }
  return out;
}

/**
 * Reasons a sweep starting at `smallestHostCount` hosts cannot template this scenario:
 * a client group pinned to a host, or a threshold on a host, that the smallest point
 * would leave out. Empty when every point keeps what the file refers to.
 */
export function templateProblems(scenario: Scenario, smallestHostCount: number): string[] {
  const names = scenario.hosts.map((h) => h.name);
  const needs = (name: string): number => names.indexOf(name) + 1;
  const problems: string[] = [];
  for (const group of scenario.clients) {
    const ref = group.kmsHost === null ? null : parseKmsHost(group.kmsHost);
    if (ref === null || needs(ref.name) <= smallestHostCount) continue;
    problems.push(
      `client group '${group.name}' is pinned to ${ref.name}, host ${needs(ref.name)} of the file, which a sweep from ${smallestHostCount} host(s) leaves out: start --hosts at ${needs(ref.name)} or unpin the group`,
    );
  }
  for (const threshold of scenario.thresholds) {
    const host = hostOfMetric(threshold.metric, names);
    if (host === null || needs(host) <= smallestHostCount) continue;
    problems.push(
      `threshold '${threshold.metric}' names ${host}, host ${needs(host)} of the file, which a sweep from ${smallestHostCount} host(s) leaves out: start --hosts at ${needs(host)} or drop the threshold`,
    );
  }
  return problems;
}

/** The host a `hosts.<name>.…` metric names (the longest matching name: names may hold dots). */
function hostOfMetric(metric: string, names: readonly string[]): string | null {
  if (!metric.startsWith("hosts.")) return null;
  const rest = metric.slice("hosts.".length);
  const matches = names.filter((n) => rest === n || rest.startsWith(`${n}.`));
  return matches.sort((a, b) => b.length - a.length)[0] ?? null;
}

function recordDomain(record: SrvRecord): string {
  const owner = stripDot(record.name);
  return (owner.toLowerCase().startsWith(SRV_PREFIX) ? owner.slice(SRV_PREFIX.length) : owner).toLowerCase();
}

/** The record's target without the trailing dot, port or its own domain (as DnsDirectory reads it). */
function shortTarget(record: SrvRecord): string {
  const name = stripDot(record.target).replace(/:\d+$/, "").toLowerCase();
  const suffix = `.${recordDomain(record)}`;
  return name.endsWith(suffix) ? name.slice(0, -suffix.length) : name;
}

/** The scenario host a record points at, by the rule DnsDirectory follows (scenario/srv-target.ts), or null. */
function recordHost(record: SrvRecord, hostNames: readonly string[], zones: readonly string[]): string | null {
  const index = hostOfTarget(targetFqdn(record.target, recordDomainOf(record.name)), zones, hostNames);
  return index < 0 ? null : hostNames[index];
}

function templateRecords(
  records: readonly SrvRecord[],
  fileHosts: readonly string[],
  zones: readonly string[],
  dropped: readonly string[],
  last: string,
  clones: readonly string[],
): SrvRecord[] {
  const out: SrvRecord[] = [];
  for (const record of records) {
    const host = recordHost(record, fileHosts, zones);
    if (host !== null && dropped.includes(host)) continue;
    out.push(record);
    if (host !== last) continue;
    // The target spelled as the host's name, or as <name>.<domain>: copies keep the spelling.
    const rest = stripDot(record.target).slice(host.length);
    const dot = record.target.endsWith(".") ? "." : "";
    for (const clone of clones) out.push({ ...record, target: `${clone}${rest}${dot}` });
  }
  return out;
}
