// The DNS view of a scenario, for both drivers: which endpoints exist (hosts, plus SRV
// targets that name no host), and the `_vlmcs._tcp.<domain>` answer of each domain.
// Records stay as published: a crashed or decommissioned host keeps its record until it
// is deleted or scavenged. Answers are immutable snapshots with ids: a record change
// makes a new snapshot, so a client that cached an older answer keeps it until its TTL
// runs out, as with a real resolver cache. At the start a domain holds only the
// hand-made records (dns.records); with `publish: auto` hosts add theirs as they publish.

import type { AnswerBook } from "../core/client/client-fleet.js";
import { MAX_ENDPOINTS } from "../core/client/client-fleet.js";
import type { SrvCandidate } from "../core/selection/srv-candidate.js";
import type { Scenario } from "../scenario/model.js";

export const SRV_PREFIX = "_vlmcs._tcp.";

export interface Endpoint {
  name: string;
  /** Index into scenario.hosts, or -1 for a target nothing listens on. */
  hostIndex: number;
}

export class DnsDirectory implements AnswerBook {
  readonly endpoints: Endpoint[] = [];
  readonly domains: string[] = [];
  /** Answer snapshots by answer id; never changed once another snapshot follows. */
  private readonly answers: SrvCandidate[][] = [];
  /** Domain id → id of its current answer. */
  private readonly current: number[] = [];
  /** `domainId:endpoint` of the hand-made records (dns.records): never removed. */
  private readonly staticRecords = new Set<string>();
  up = true;

  constructor(scenario: Scenario) {
    scenario.hosts.forEach((host, hostIndex) => this.endpoints.push({ name: host.name, hostIndex }));
    this.domainId(scenario.dns.domain);
    for (const group of scenario.clients) this.domainId(group.domain);
    scenario.hosts.forEach((host) => host.publishDomains.forEach((domain) => this.domainId(domain)));
    for (const record of scenario.dns.records) {
      const domain = stripDot(record.name).toLowerCase().startsWith(SRV_PREFIX) ? stripDot(record.name).slice(SRV_PREFIX.length) : stripDot(record.name);
      const endpoint = this.endpointFor(record.target, domain);
      this.staticRecords.add(`${this.domainId(domain)}:${endpoint}`);
      this.answers[this.answerOf(this.domainId(domain))].push({ host: endpoint, priority: record.priority, weight: record.weight });
    }
  }

  /** Index of a domain (added on first sight, with an empty answer). */
  domainId(domain: string): number {
    const key = stripDot(domain).toLowerCase();
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
    if (!present && (at < 0 || this.staticRecords.has(`${domainId}:${record.host}`))) return false;
    const next = old.filter((c) => c.host !== record.host);
    if (present) next.splice(at < 0 ? next.length : at, 0, { ...record });
    this.current[domainId] = this.answers.push(next) - 1;
    return true;
  }

  /** The endpoint a host name (or `name[:port]`, or a FQDN under `domain`) refers to. */
  endpointFor(target: string, domain: string): number {
    const index = this.endpointIfRoom(target, domain);
    if (index === null) {
      throw new Error(`more than ${MAX_ENDPOINTS} distinct SRV targets and hosts; kmssim supports at most ${MAX_ENDPOINTS}`);
    }
    return index;
  }

  /** Like endpointFor, but null instead of an error when the table is full (a DNS answer read mid-run). */
  endpointIfRoom(target: string, domain: string): number | null {
    const name = stripDot(target).replace(/:\d+$/, "").toLowerCase();
    const suffix = `.${stripDot(domain).toLowerCase()}`;
    const short = name.endsWith(suffix) ? name.slice(0, -suffix.length) : name;
    const index = this.endpoints.findIndex((e) => e.name.toLowerCase() === name || e.name.toLowerCase() === short);
    if (index >= 0) return index;
    if (this.endpoints.length >= MAX_ENDPOINTS) return null;
    return this.endpoints.push({ name: stripDot(target), hostIndex: -1 }) - 1;
  }
}

function stripDot(name: string): string {
  return name.endsWith(".") ? name.slice(0, -1) : name;
}
