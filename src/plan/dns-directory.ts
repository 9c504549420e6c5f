// The DNS view of a scenario, for both drivers: which endpoints exist (hosts, plus SRV
// targets that name no host), and the `_vlmcs._tcp.<domain>` answer of each domain.
// Records stay as published: a crashed or decommissioned host keeps its record.

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
  private readonly answers: SrvCandidate[][] = [];
  up = true;

  constructor(scenario: Scenario) {
    scenario.hosts.forEach((host, hostIndex) => this.endpoints.push({ name: host.name, hostIndex }));
    this.domainId(scenario.dns.domain);
    for (const group of scenario.clients) this.domainId(group.domain);
    if (scenario.dns.publish === "auto") {
      scenario.hosts.forEach((host, hostIndex) => {
        for (const domain of host.publishDomains) {
          this.answers[this.domainId(domain)].push({ host: hostIndex, priority: host.priority, weight: host.weight });
        }
      });
    }
    for (const record of scenario.dns.records) {
      const domain = stripDot(record.name).toLowerCase().startsWith(SRV_PREFIX)
        ? stripDot(record.name).slice(SRV_PREFIX.length)
        : stripDot(record.name);
      const endpoint = this.endpointFor(record.target, domain);
      this.answers[this.domainId(domain)].push({ host: endpoint, priority: record.priority, weight: record.weight });
    }
  }

  /** Index of a domain (added on first sight); its answer id is the same number. */
  domainId(domain: string): number {
    const key = stripDot(domain).toLowerCase();
    let id = this.domains.indexOf(key);
    if (id < 0) {
      id = this.domains.push(key) - 1;
      this.answers.push([]);
    }
    return id;
  }

  candidatesOf(answerId: number): readonly SrvCandidate[] {
    return this.answers[answerId];
  }

  /** The endpoint a host name (or `name[:port]`, or a FQDN under `domain`) refers to. */
  endpointFor(target: string, domain: string): number {
    const name = stripDot(target).replace(/:\d+$/, "").toLowerCase();
    const suffix = `.${stripDot(domain).toLowerCase()}`;
    const short = name.endsWith(suffix) ? name.slice(0, -suffix.length) : name;
    let index = this.endpoints.findIndex((e) => e.name.toLowerCase() === name || e.name.toLowerCase() === short);
    if (index < 0) {
      if (this.endpoints.length >= MAX_ENDPOINTS) {
        throw new Error(`more than ${MAX_ENDPOINTS} distinct SRV targets and hosts; kmssim supports at most ${MAX_ENDPOINTS}`);
      }
      index = this.endpoints.push({ name: stripDot(target), hostIndex: -1 }) - 1;
    }
    return index;
  }
}

function stripDot(name: string): string {
  return name.endsWith(".") ? name.slice(0, -1) : name;
}
