// The DNS view of a scenario, for both drivers: which endpoints exist (hosts, plus SRV
// targets that name no host), and the `_vlmcs._tcp.<domain>` answer of each domain.
// Records stay as published: a crashed or decommissioned host keeps its record until it
// is deleted or scavenged. Answers are immutable snapshots with ids: a record change
// makes a new snapshot, so a client that cached an older answer keeps it until its TTL
// runs out, as with a real resolver cache. At the start a domain holds only the
// hand-made records (dns.records); with `publish: auto` hosts add theirs as they publish.
// A record's target is a name resolved in whatever zone holds it (scenario/srv-target.ts).

import type { AnswerBook } from "../core/client/client-fleet.js";
import { MAX_ENDPOINTS } from "../core/client/client-fleet.js";
import type { SrvCandidate } from "../core/selection/srv-candidate.js";
import type { RecordEvent, Scenario } from "../scenario/model.js";
import { hostOfTarget, recordDomainOf, scenarioZones, targetFqdn } from "../scenario/srv-target.js";

export const SRV_PREFIX = "_vlmcs._tcp.";

export interface Endpoint {
  name: string;
  /** Index into scenario.hosts, or -1 for a target nothing listens on. */
  hostIndex: number;
}

/** A hand-made record (dns.records), as the embedded zone serves it. */
export interface StaticRecord {
  domainId: number;
  endpoint: number;
  /** The target's fully qualified name, as the record spells it (the zone that holds it may be another). */
  target: string;
  port: number;
  priority: number;
  weight: number;
}

export class DnsDirectory implements AnswerBook {
  readonly endpoints: Endpoint[] = [];
  readonly domains: string[] = [];
  /** Answer snapshots by answer id; never changed once another snapshot follows. */
  private readonly answers: SrvCandidate[][] = [];
  /** Domain id → id of its current answer. */
  private readonly current: number[] = [];
  /** The hand-made records (dns.records): scavenging and hosts never remove them; an admin's delete-record does. */
  readonly staticRecords: StaticRecord[] = [];
  /** The zones a target name may live in (scenario/srv-target.ts). */
  private readonly zones: string[];
  private readonly hostNames: string[];
  up = true;

  constructor(scenario: Scenario) {
    scenario.hosts.forEach((host, hostIndex) => this.endpoints.push({ name: host.name, hostIndex }));
    this.hostNames = scenario.hosts.map((h) => h.name);
    this.zones = scenarioZones(scenario);
    this.domainId(scenario.dns.domain);
    for (const group of scenario.clients) this.domainId(group.domain);
    scenario.hosts.forEach((host) => host.publishDomains.forEach((domain) => this.domainId(domain)));
    for (const record of scenario.dns.records) {
      const domain = recordDomainOf(record.name);
      const domainId = this.domainId(domain);
      const endpoint = this.endpointFor(record.target, domain);
      const { port, priority, weight } = record;
      this.staticRecords.push({ domainId, endpoint, target: targetFqdn(record.target, domain), port, priority, weight });
      this.answers[this.answerOf(domainId)].push({ host: endpoint, priority, weight });
    }
  }

  /** Index of a domain (added on first sight, with an empty answer). */
  domainId(domain: string): number {
    const key = recordDomainOf(domain);
    let id = this.domains.indexOf(key);
    if (id < 0) {
      id = this.domains.push(key) - 1;
      this.current.push(this.answers.push([]) - 1);
    }
    return id;
  }

  /** The id of the answer a query for the domain gets now. */
  answerOf(domainId: number): number {
    return this.current[domainId];
  }

  candidatesOf(answerId: number): readonly SrvCandidate[] {
    return this.answers[answerId];
  }

  /**
   * Adds or refreshes (present) or removes the endpoint's record in the domain. Returns
   * true when the answer changed; a refresh of an identical record changes nothing, and a
   * hand-made record (dns.records) is never removed.
   */
  setRecord(domainId: number, record: SrvCandidate, present: boolean): boolean {
    const old = this.answers[this.current[domainId]];
    const at = old.findIndex((c) => c.host === record.host);
    if (present && at >= 0 && old[at].priority === record.priority && old[at].weight === record.weight) return false;
    if (!present && (at < 0 || this.isStatic(domainId, record.host))) return false;
    const next = old.filter((c) => c.host !== record.host);
    if (present) next.splice(at < 0 ? next.length : at, 0, { ...record });
    this.current[domainId] = this.answers.push(next) - 1;
    return true;
  }

  /**
   * An admin deletes the domain's record for the endpoint (hand-made or published): it is
   * gone from answers given from now on. Returns true when there was one.
   */
  deleteRecord(domainId: number, endpoint: number): boolean {
    const old = this.answers[this.current[domainId]];
    if (!old.some((c) => c.host === endpoint)) return false;
    const kept = this.staticRecords.filter((r) => !(r.domainId === domainId && r.endpoint === endpoint));
    this.staticRecords.splice(0, this.staticRecords.length, ...kept);
    this.current[domainId] = this.answers.push(old.filter((c) => c.host !== endpoint)) - 1;
    return true;
  }

  private isStatic(domainId: number, endpoint: number): boolean {
    return this.staticRecords.some((r) => r.domainId === domainId && r.endpoint === endpoint);
  }

  /** The endpoint a target names: a host as `name`, `name:port` or `name.<any zone of the run>`, else a name nothing listens on. */
  endpointFor(target: string, domain: string): number {
    const index = this.endpointIfRoom(target, domain);
    if (index === null) {
      throw new Error(`more than ${MAX_ENDPOINTS} distinct SRV targets and hosts; kmssim supports at most ${MAX_ENDPOINTS}`);
    }
    return index;
  }

  /** Like endpointFor, but null instead of an error when the table is full (a DNS answer read mid-run). */
  endpointIfRoom(target: string, domain: string): number | null {
    const index = this.findEndpoint(target, domain);
    if (index >= 0) return index;
    if (this.endpoints.length >= MAX_ENDPOINTS) return null;
    return this.endpoints.push({ name: targetFqdn(target, domain), hostIndex: -1 }) - 1;
  }

  /** The endpoint a target names, or -1 when it is a name the directory has not seen. */
  findEndpoint(target: string, domain: string): number {
    const fqdn = targetFqdn(target, domain);
    const host = hostOfTarget(fqdn, this.zones, this.hostNames);
    return host >= 0 ? host : this.endpoints.findIndex((e) => e.hostIndex < 0 && e.name === fqdn);
  }

  /**
   * A `delete-record` event (the one rule both drivers follow): the domain and endpoint
   * whose record goes, or null when the domain or the target is unknown (nothing to delete).
   */
  recordOf(event: RecordEvent): { domainId: number; endpoint: number } | null {
    const domain = recordDomainOf(event.name);
    const domainId = this.domains.indexOf(domain);
    const endpoint = this.findEndpoint(event.target, domain);
    return domainId < 0 || endpoint < 0 ? null : { domainId, endpoint };
  }
}

/** How a `delete-record` event shows in the result's event log, in either driver: the host's name when the target is one. */
export function recordDeletedLog(
  event: RecordEvent,
  dns: DnsDirectory,
  nowMs: number,
): { t: number; kind: "dns"; target: string; action: string; domain: string } {
  const domain = recordDomainOf(event.name);
  const endpoint = dns.findEndpoint(event.target, domain);
  const target = endpoint >= 0 && dns.endpoints[endpoint].hostIndex >= 0 ? dns.endpoints[endpoint].name : targetFqdn(event.target, domain);
  return { t: nowMs / 1000, kind: "dns", target, action: event.action, domain };
}
