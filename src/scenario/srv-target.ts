// What an SRV record's target names (design.md, "Discovery"). A target is a DNS name and
// is resolved in whatever zone of the run holds it, not only in the record's own domain:
// a hand-made `_vlmcs._tcp.nodns.example` record may point at `k2.corp.example`, a host
// that lives (and publishes itself) in corp.example. A bare label (`k2`) is a name in the
// record's own domain. A name is a scenario host when it is `<host>.<zone>` for a zone of
// the run; any other name has no address, so clients that pick it cannot reach it.

import { SRV_SERVICE_PREFIX } from "./defaults.js";
import type { Scenario } from "./model.js";

/** Lower case, without a trailing dot or a `:port`. */
function bare(name: string): string {
  const lower = name.toLowerCase().replace(/:\d+$/, "");
  return lower.endsWith(".") ? lower.slice(0, -1) : lower;
}

/** The `<domain>` of a record's owner `_vlmcs._tcp.<domain>` (a bare domain stays as it is). */
export function recordDomainOf(owner: string): string {
  const name = bare(owner);
  return name.startsWith(SRV_SERVICE_PREFIX) ? name.slice(SRV_SERVICE_PREFIX.length) : name;
}

/** The fully qualified name a target stands for: a bare label is relative to the record's domain. */
export function targetFqdn(target: string, recordDomain: string): string {
  const name = bare(target);
  return name.includes(".") ? name : `${name}.${bare(recordDomain)}`;
}

/** The zones of a scenario: dns.domain, the clients' domains, the hosts' publish lists and the records' domains. */
export function scenarioZones(scenario: {
  dns: { domain: string; records: readonly { name: string }[] };
  clients: readonly { domain: string }[];
  hosts: readonly { publishDomains: readonly string[] }[];
}): string[] {
  const zones = [scenario.dns.domain, ...scenario.clients.map((c) => c.domain), ...scenario.hosts.flatMap((h) => h.publishDomains)];
  zones.push(...scenario.dns.records.map((r) => recordDomainOf(r.name)));
  return [...new Set(zones.map(bare))];
}

/** Index of the host `fqdn` names (`<host>.<zone>` for a zone of the run), or -1. */
export function hostOfTarget(fqdn: string, zones: readonly string[], hostNames: readonly string[]): number {
  const name = bare(fqdn);
  for (const zone of zones) {
    if (!name.endsWith(`.${zone}`)) continue;
    const label = name.slice(0, -(zone.length + 1));
    const index = hostNames.findIndex((h) => h.toLowerCase() === label);
    if (index >= 0) return index;
  }
  return -1;
}

/** The record a `delete-record` event names: its domain, its target's FQDN and the host that is (or -1). */
export interface RecordRef {
  domain: string;
  target: string;
  host: number;
}

export function recordRef(scenario: Pick<Scenario, "dns" | "clients" | "hosts">, owner: string, target: string): RecordRef {
  const domain = recordDomainOf(owner);
  const fqdn = targetFqdn(target, domain);
  const host = hostOfTarget(
    fqdn,
    scenarioZones(scenario),
    scenario.hosts.map((h) => h.name),
  );
  return { domain, target: fqdn, host };
}
