// DNS records in virtual mode (issue 16): a hand-made record may point at a host in
// another zone; one host may have publishing off (slmgr /cdns); an admin may delete a
// record at a time T. Each runs with the invariant checker on.

import { describe, expect, it } from "vitest";
import { host, simulate } from "./helpers.js";

const DAY_S = 86_400;

describe("a hand-made record whose target is a host of another zone", () => {
  const scenario = (target: string) => `
name: cross-zone
seed: 7
duration: 10d
dns:
  domain: corp.example
  records: [ { name: _vlmcs._tcp.nodns.example, target: ${target} } ]
hosts: [ { name: k1 }, { name: k2 } ]
clients:
  - { name: corp, count: 100, domain: corp.example }
  - { name: nodns, count: 300, domain: nodns.example }
`;

  it("k2.corp.example in nodns.example reaches k2: every client there activates, as with k2.nodns.example", () => {
    for (const target of ["k2.corp.example", "k2.nodns.example", "K2.Corp.Example."]) {
      const { result } = simulate(scenario(target));
      expect(result.clients.notActivated, target).toBe(0);
      expect(result.clients.errors, target).toEqual({});
      expect(result.rpc.activation.errors["0x800706BA"] ?? 0, target).toBe(0);
      // Only k2 serves nodns: it counts the corp clients it got plus all 300 of nodns.
      expect(host(result, "k2").activations - host(result, "k2").dlv.failed, target).toBeGreaterThanOrEqual(300);
    }
  });

  it("a target no zone of the run holds stays unreachable (0x800706BA)", () => {
    const { result } = simulate(scenario("k2.lab.example"));
    expect(result.clients.notActivated).toBe(300);
    expect(result.rpc.activation.errors["0x800706BA"]).toBeGreaterThan(0);
  });
});

describe("publish: false on one host", () => {
  it("that host publishes nothing and nobody finds it; the others publish as before", () => {
    const { result } = simulate(`
name: cdns
seed: 3
duration: 5d
dns: { domain: corp.example, publishInterval: 1d }
hosts: [ { name: kms1 }, { name: kms-lab, publish: false } ]
clients: [ { name: c, count: 200 } ]
`);
    const published = result.events.filter((e) => e.action === "published").map((e) => e.target);
    expect(published.length).toBeGreaterThanOrEqual(5);
    expect(new Set(published)).toEqual(new Set(["kms1"]));
    expect(host(result, "kms-lab").requests).toBe(0);
    expect(host(result, "kms-lab").expectedShare).toBe(0);
    expect(result.clients.notActivated).toBe(0);
  });
});

describe("delete-record at time T", () => {
  const retire = (withDelete: boolean) => `
name: retire
seed: 16
duration: 20d
dns: { domain: corp.example, publishInterval: 1d }
hosts: [ { name: kms1 }, { name: kms2 } ]
clients:
  - { name: corp, count: 500 }
  - { name: late, count: 200, startAt: 13d, bootSpread: 1d, hostCaching: false }
events:
  - { at: 10d, host: kms1, action: decommission }
${withDelete ? "  - { at: 12d, action: delete-record, record: { target: kms1.corp.example } }" : ""}
`;

  it("after the delete no client is sent to the retired host by DNS; without it, late clients still try it", () => {
    const deleted = simulate(retire(true));
    const kept = simulate(retire(false));
    expect(deleted.result.events).toContainEqual({ t: 12 * DAY_S, kind: "dns", target: "kms1", action: "delete-record", domain: "corp.example" });
    // Only renewals of clients that cached kms1 meet it after the delete; late clients never do.
    expect(host(deleted.result, "kms1").refused).toBeLessThan(host(kept.result, "kms1").refused);
    const { dns } = deleted.engine;
    expect(dns.candidatesOf(dns.answerOf(dns.domainId("corp.example"))).map((c) => dns.endpoints[c.host].name)).toEqual(["kms2"]);
    expect(deleted.result.events.filter((e) => e.action === "scavenged")).toEqual([]);
  });

  it("a host still running publishes its record again at its next refresh", () => {
    const { result, engine } = simulate(`
name: delete-live
seed: 5
duration: 3d
dns: { domain: corp.example, publishInterval: 1d }
hosts: [ { name: kms1 }, { name: kms2 } ]
clients: [ { name: c, count: 100 } ]
events:
  - { at: 1d12h, action: delete-record, record: { target: kms2 } }
`);
    const kms2 = result.events.filter((e) => e.target === "kms2").map((e) => [e.t / DAY_S, e.action]);
    expect(kms2).toEqual([
      [0, "published"],
      [1, "published"],
      [1.5, "delete-record"],
      [2, "published"],
      [3, "published"],
    ]);
    const { dns } = engine;
    expect(dns.candidatesOf(dns.answerOf(dns.domainId("corp.example"))).map((c) => dns.endpoints[c.host].name)).toEqual(["kms1", "kms2"]);
  });

  it("a hand-made record goes too: clients that discover after it find no record (0x8007232B)", () => {
    const { result } = simulate(`
name: delete-static
seed: 9
duration: 4d
dns:
  domain: corp.example
  publish: manual
  records: [ { target: kms1 } ]
hosts: [ { name: kms1 } ]
clients:
  - { name: early, count: 100, bootSpread: 12h }
  - { name: late, count: 30, startAt: 2d12h, bootSpread: 12h }
events:
  - { at: 2d, action: delete-record, record: { name: _vlmcs._tcp.corp.example, target: kms1.corp.example } }
`);
    expect(result.clients.activated).toBe(100);
    expect(result.clients.notActivated).toBe(30);
    expect(result.clients.errors["0x8007232B"]).toBeGreaterThan(0);
  });
});
