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

  describe("publishing over time", () => {
    const fleet = (scavengeAfter: string) => `
duration: 12d
dns: { publishInterval: 1d, scavengeAfter: ${scavengeAfter}, ttl: 1h }
hosts: [ { name: a }, { name: b } ]
clients: [ { name: c, count: 1000, renewalInterval: 6h, hostCaching: false } ]
events: [ { at: 3d12h, host: a, action: decommission } ]
`;

    it("a decommissioned host's record stays, so clients keep trying it and fail over, until scavenging removes it", () => {
      const kept = simulate(fleet("0s")).result;
      const scavenged = simulate(fleet("2d")).result;
      const scavengeEvents = scavenged.events.filter((e) => e.action === "scavenged");
      // Last refresh at 3d, scavenged 2 days later.
      expect(scavengeEvents.map((e) => [e.t / 86_400, e.target, e.domain])).toEqual([[5, "a", "corp.example"]]);
      expect(kept.events.some((e) => e.action === "scavenged")).toBe(false);
      // Between decommission and scavenging clients still try the dead host ...
      expect(host(scavenged, "a").refused).toBeGreaterThan(100);
      // ... but once the record is gone (and cached answers expired) they stop.
      expect(host(kept, "a").refused).toBeGreaterThan(3 * host(scavenged, "a").refused);
      expect(scavenged.failovers).toBeLessThan(kept.failovers);
      for (const r of [kept, scavenged]) expect(r.clients.licensed).toBe(1000);
    });

    it("every publish is an event with the KMS event id, per host and domain", () => {
      const { result } = simulate(fleet("0s"));
      const published = result.events.filter((e) => e.action === "published");
      // 2 hosts at 0..3d (4 times), b also at 4d..12d (9 more).
      expect(published.filter((e) => e.target === "a").map((e) => e.t / 86_400)).toEqual([0, 1, 2, 3]);
      expect(published.filter((e) => e.target === "b")).toHaveLength(13);
      expect(published.every((e) => e.eventId === 12294 && e.domain === "corp.example")).toBe(true);
    });

    it("with DNS down at the start, publishing fails (12293) and clients find no host until a retry succeeds", () => {
      const { result } = simulate(`
duration: 1d
dns: { publishRetry: 30m }
hosts: [ { name: a } ]
clients: [ { name: c, count: 200, bootSpread: 10m } ]
events: [ { at: 0s, dns: down }, { at: 45m, dns: up } ]
`);
      const failed = result.events.filter((e) => e.action === "publish-failed");
      expect(failed.map((e) => [e.t / 60, e.eventId])).toEqual([
        [0, 12293],
        [30, 12293],
      ]);
      expect(result.events.find((e) => e.action === "published")?.t).toBe(60 * 60);
      // Clients failed discovery (no answer, then no record) and activated only after the publish.
      expect(result.dns.failed).toBeGreaterThan(0);
      expect(result.clients.activated).toBe(200);
      expect(result.timeline[0].t).toBeGreaterThan(0);
    });
  });
});
