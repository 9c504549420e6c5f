// Regression: README "DNS publishing": records from dns.records are static and never
// scavenged. In virtual mode a host that also auto-publishes into the same domain must not
// take its hand-made record with it when its own published record is scavenged.
import { describe, expect, it } from "vitest";
import { simulate } from "./helpers.js";

describe("virtual: scavenging a published record keeps the hand-made one", () => {
  it("clients still find kms1 through its static record after the scavenging", () => {
    const { result } = simulate(`
name: review-static
seed: 11
duration: 4d
dns:
  domain: corp.example
  publish: auto
  publishInterval: 12h
  scavengeAfter: 1d
  records: [ { name: _vlmcs._tcp.corp.example, target: kms1.corp.example, port: 1688, priority: 0, weight: 100 } ]
hosts: [ { name: kms1, publishDomains: [corp.example] } ]
clients: [ { name: c, count: 50, bootSpread: 4d, hostCaching: false } ]
events:
  - { at: 1h, host: kms1, action: crash }
`);
    const dns = result.events.filter((e) => e.kind === "dns").map((e) => e.action);
    expect(dns).toContain("scavenged");
    // The static record still names kms1: discovery finds a host (which is down), it does
    // not fail with "DNS name does not exist".
    expect(result.dns.failed).toBe(0);
  });
});
