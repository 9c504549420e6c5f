// What the SRV records promise clients, for `kmssim import --audit --srv FILE`: read from a
// scenario (its hand-made records and those of every host that publishes, as a running fleet
// has them) or from `kmssim discover --json` (the records DNS gave for one domain).

import type { Scenario } from "../scenario/model.js";
import { publishLists } from "../scenario/publish-lists.js";
import { recordDomainOf, targetFqdn } from "../scenario/srv-target.js";
import type { SrvPromise, PromisedRecord } from "./client-audit.js";

export function promiseOfScenario(scenario: Scenario): SrvPromise {
  const byDomain = new Map<string, PromisedRecord[]>();
  const add = (domain: string, record: PromisedRecord): void => {
    const d = domain.toLowerCase();
    byDomain.set(d, [...(byDomain.get(d) ?? []), record]);
  };
  for (const r of scenario.dns.records) {
    const domain = recordDomainOf(r.name);
    add(domain, { target: targetFqdn(r.target, domain), port: r.port, priority: r.priority, weight: r.weight });
  }
  // A KMS host publishes its own name in every domain of its list: the scenario's host is <name>.<dns.domain>.
  publishLists(scenario).forEach((domains, h) => {
    const host = scenario.hosts[h];
    const target = `${host.name}.${scenario.dns.domain}`;
    for (const domain of domains) add(domain, { target, port: host.port, priority: host.priority, weight: host.weight });
  });
  return byDomain;
}

/** A `kmssim discover --json` report: its domain's records; null when `value` is not one. */
export function promiseOfDiscoverReport(value: unknown): SrvPromise | null {
  if (typeof value !== "object" || value === null) return null;
  const report = value as { schema?: unknown; domain?: unknown; records?: unknown };
  if (report.schema !== "kmssim/discover@1" || typeof report.domain !== "string" || !Array.isArray(report.records)) return null;
  const records: PromisedRecord[] = [];
  for (const r of report.records as unknown[]) {
    const { target, port, priority, weight } = (r ?? {}) as Record<string, unknown>;
    if (typeof target !== "string" || ![port, priority, weight].every((n) => typeof n === "number" && Number.isInteger(n) && n >= 0)) return null;
    records.push({ target, port: port as number, priority: priority as number, weight: weight as number });
  }
  return new Map([[report.domain.toLowerCase().replace(/\.$/, ""), records]]);
}
