import { describe, expect, it } from "vitest";
import { host, simulate } from "./helpers.js";

describe("virtual engine: DNS records", () => {
  it("a host publishes into every domain of its publish list; clients of each domain find only their hosts", () => {
    const { result } = simulate(`
duration: 1d
dns: { domain: corp.example }
hosts:
  - { name: hq, publishDomains: [corp.example, branch.example] }
  - { name: local, publishDomains: [branch.example] }
clients:
  - { name: hq-desktops, count: 300, domain: corp.example }
  - { name: branch-desktops, count: 300, domain: branch.example }
`);
    // corp.example clients see only hq; branch clients split between hq and local.
    expect(host(result, "hq").requests).toBeGreaterThan(host(result, "local").requests);
    expect(host(result, "local").requests).toBeGreaterThan(100);
    expect(host(result, "hq").expectedShare).toBeCloseTo(0.75, 1);
    expect(result.clients.activated).toBe(600);
  });

  it("manual publishing: only the records in dns.records exist; a record pointing nowhere is refused and failed over", () => {
    const { result } = simulate(`
duration: 1d
dns:
  publish: manual
  records:
    - { target: kms1, priority: 0, weight: 100 }
    - { target: ghost.corp.example, priority: 0, weight: 100 }
hosts: [{ name: kms1 }, { name: unlisted }]
clients: [{ name: c, count: 400, bootSpread: 1h }]
`);
    expect(host(result, "unlisted").requests).toBe(0);
    expect(result.failovers).toBeGreaterThan(0);
    expect(result.hosts.map((h) => h.name)).toEqual(["kms1", "unlisted"]);
    expect(result.clients.activated).toBe(400);
  });

  it("no SRV record for the clients' domain: DNS name does not exist (0x8007232B), nobody activates", () => {
    const { result } = simulate(`
duration: 1d
dns: { publish: manual }
hosts: [{ name: kms1 }]
clients: [{ name: c, count: 10 }]
`);
    expect(result.clients.activated).toBe(0);
    expect(result.clients.errors["0x8007232B"]).toBeGreaterThan(0);
  });
});
