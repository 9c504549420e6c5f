import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cloneNames, templateHosts, templateProblems } from "../../src/capacity/host-template.js";
import { DnsDirectory } from "../../src/fleet-plan/dns-directory.js";
import { scenarioFrom } from "./helpers.js";

const threeHosts = scenarioFrom(
  "duration: 1d",
  "hosts:",
  "  - { name: kms1, priority: 0, weight: 300 }",
  "  - { name: kms2, priority: 0, weight: 100 }",
  "  - { name: kms3, priority: 1, weight: 50, serviceTime: 9ms, concurrency: 3, products: [office-2010] }",
  "clients:",
  "  - { name: desktops, count: 100 }",
  "events:",
  "  - { at: 1h, host: kms1, action: crash }",
  "  - { at: 2h, host: kms3, action: hang }",
  "  - { at: 3h, dns: down }",
  "thresholds:",
  "  - { metric: rpc.activation.latencyMs.p99, lt: 50 }",
);

describe("templating k hosts", () => {
  it("takes the first k hosts and drops events of the others", () => {
    const two = templateHosts(threeHosts, 2);
    expect(two.hosts.map((h) => h.name)).toEqual(["kms1", "kms2"]);
    expect(two.hosts).toEqual(threeHosts.hosts.slice(0, 2));
    expect(two.events.map((e) => (e.kind === "host" ? e.host : e.kind))).toEqual(["kms1", "dns"]);
    expect(threeHosts.hosts).toHaveLength(3);
  });

  it("copies the last host with every setting and the next numbers, and gives copies no events", () => {
    const five = templateHosts(threeHosts, 5);
    expect(five.hosts.map((h) => h.name)).toEqual(["kms1", "kms2", "kms3", "kms4", "kms5"]);
    for (const clone of five.hosts.slice(3)) expect({ ...clone, name: "kms3" }).toEqual(threeHosts.hosts[2]);
    expect(five.events).toEqual(threeHosts.events);
    // Copies are independent objects: changing one leaves the template alone.
    five.hosts[4].publishDomains.push("other.example");
    expect(threeHosts.hosts[2].publishDomains).toEqual(["corp.example"]);
  });

  it("names copies of a host without trailing digits name-2, name-3 …, and keeps digit width", () => {
    expect(cloneNames(["alpha"], "alpha", 3)).toEqual(["alpha-2", "alpha-3", "alpha-4"]);
    expect(cloneNames(["kms08", "kms09"], "kms09", 2)).toEqual(["kms10", "kms11"]);
    expect(cloneNames(["kms1", "KMS3", "kms2"], "kms2", 2)).toEqual(["kms4", "kms5"]);
  });

  it("drops hand-made records of hosts left out and copies the last host's for its copies", () => {
    const manual = scenarioFrom(
      "dns:",
      "  publish: manual",
      "  records:",
      "    - { name: _vlmcs._tcp.corp.example, target: kms1.corp.example, port: 1688, priority: 0, weight: 10 }",
      "    - { name: _vlmcs._tcp.corp.example, target: kms2.corp.example., port: 1688, priority: 0, weight: 20 }",
      "    - { name: _vlmcs._tcp.corp.example, target: gone.corp.example, port: 1688, priority: 5, weight: 1 }",
      "hosts:",
      "  - { name: kms1 }",
      "  - { name: kms2 }",
      "clients:",
      "  - { name: desktops, count: 100 }",
    );
    expect(templateHosts(manual, 1).dns.records.map((r) => r.target)).toEqual(["kms1.corp.example", "gone.corp.example"]);
    const four = templateHosts(manual, 4);
    expect(four.dns.records.map((r) => [r.target, r.weight])).toEqual([
      ["kms1.corp.example", 10],
      ["kms2.corp.example", 20],
      ["kms3.corp.example", 20],
      ["kms4.corp.example", 20],
      ["gone.corp.example", 1],
    ]);
    // The DNS view sees the copies as hosts, not as unreachable targets.
    const dns = new DnsDirectory(four);
    expect(dns.endpoints.map((e) => [e.name, e.hostIndex])).toEqual([
      ["kms1", 0],
      ["kms2", 1],
      ["kms3", 2],
      ["kms4", 3],
      ["gone.corp.example", -1],
    ]);
    // Copies keep the target's spelling: a bare name, a trailing dot, a port.
    for (const target of ["kms2", "KMS2.corp.example.", "kms2:1688"]) {
      const spelled = { ...manual, dns: { ...manual.dns, records: [{ ...manual.dns.records[1], target }] } };
      expect(templateHosts(spelled, 3).dns.records.map((r) => r.target)).toEqual([target, target.replace(/^kms2/i, "kms3")]);
    }
  });

  it("property: k hosts have exactly k unique names, the file's first min(k, n) first", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), { minLength: 1, maxLength: 5, selector: (s) => s.toLowerCase() }),
        fc.integer({ min: 1, max: 32 }),
        (names, k) => {
          const base = scenarioFrom("hosts:", ...names.map((n) => `  - { name: ${n} }`), "clients:", "  - { name: desktops, count: 10 }");
          const hosts = templateHosts(base, k).hosts.map((h) => h.name);
          expect(hosts).toHaveLength(k);
          expect(new Set(hosts.map((h) => h.toLowerCase())).size).toBe(k);
          expect(hosts.slice(0, Math.min(k, names.length))).toEqual(names.slice(0, k));
        },
      ),
    );
  });
});

describe("what a sweep cannot leave out", () => {
  const pinned = scenarioFrom(
    "hosts:",
    "  - { name: kms1 }",
    "  - { name: kms2 }",
    "  - { name: kms3 }",
    "clients:",
    "  - { name: branch, count: 10, kmsHost: kms3 }",
    "thresholds:",
    "  - { metric: hosts.kms2.share, gt: 0.1 }",
  );

  it("names a pinned group and a host threshold whose host the smallest point drops", () => {
    const problems = templateProblems(pinned, 1);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/'branch' is pinned to kms3.*start --hosts at 3/);
    expect(problems[1]).toMatch(/'hosts\.kms2\.share' names kms2.*start --hosts at 2/);
    expect(templateProblems(pinned, 2)).toHaveLength(1);
    expect(templateProblems(pinned, 3)).toEqual([]);
  });
});
