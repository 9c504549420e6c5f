// A record's target is a name resolved in whatever zone of the run holds it (issue 16):
// `k2.corp.example` in a record of nodns.example is host k2, not a name nobody answers.
// The loader warns about a target that no host answers, and reads the new keys
// (hosts[].publish, delete-record events) with the same validation as the rest.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadScenarioText } from "../../src/scenario/load.js";
import { hostOfTarget, recordRef, targetFqdn } from "../../src/scenario/srv-target.js";
import { errorAt, loadErrors, loadOk, yaml } from "./helpers.js";

const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
const zone = fc.array(label, { minLength: 1, maxLength: 3 }).map((labels) => labels.join("."));

describe("a target is a name in any zone of the run", () => {
  it("<host>.<zone> is the host for every zone of the run, whatever zone the record is in", () => {
    fc.assert(
      fc.property(fc.uniqueArray(label, { minLength: 1, maxLength: 4 }), fc.uniqueArray(zone, { minLength: 1, maxLength: 4 }), (hosts, zones) => {
        hosts.forEach((host, index) => {
          for (const z of zones) {
            for (const recordDomain of zones) expect(hostOfTarget(targetFqdn(`${host.toUpperCase()}.${z}.`, recordDomain), zones, hosts)).toBe(index);
          }
        });
      }),
    );
  });

  it("a bare label lives in the record's own domain", () => {
    expect(targetFqdn("K2", "nodns.example")).toBe("k2.nodns.example");
    expect(targetFqdn("k2.corp.example.", "nodns.example")).toBe("k2.corp.example");
    expect(hostOfTarget(targetFqdn("k2", "nodns.example"), ["corp.example", "nodns.example"], ["k1", "k2"])).toBe(1);
  });

  it("a name in no zone of the run, or naming no host, is no host", () => {
    const zones = ["corp.example", "nodns.example"];
    expect(hostOfTarget("k2.lab.example", zones, ["k2"])).toBe(-1);
    expect(hostOfTarget("k3.corp.example", zones, ["k2"])).toBe(-1);
    expect(hostOfTarget("x.k2.corp.example", zones, ["k2"])).toBe(-1);
  });

  it("a delete-record event names its record's domain and target host", () => {
    const scenario = loadOk(
      yaml(
        "dns: { domain: corp.example, records: [{ name: _vlmcs._tcp.nodns.example, target: k2.corp.example }] }",
        "hosts: [{ name: k1 }, { name: k2 }]",
        "clients: [{ name: c, count: 1 }]",
      ),
    );
    expect(recordRef(scenario, "_vlmcs._tcp.nodns.example", "k2.corp.example")).toEqual({ domain: "nodns.example", target: "k2.corp.example", host: 1 });
    expect(recordRef(scenario, "_vlmcs._tcp.corp.example", "k1")).toEqual({ domain: "corp.example", target: "k1.corp.example", host: 0 });
  });
});

describe("the record's port follows the host its target names", () => {
  it("a target in another zone takes that host's port", () => {
    const scenario = loadOk(
      yaml(
        "dns: { domain: corp.example, records: [{ name: _vlmcs._tcp.nodns.example, target: k2.corp.example }] }",
        "hosts: [{ name: k1 }, { name: k2, port: 1700 }]",
        "clients: [{ name: c, count: 1 }]",
      ),
    );
    expect(scenario.dns.records[0].port).toBe(1700);
  });
});

describe("warnings", () => {
  const twoRecords = yaml(
    "dns:",
    "  domain: corp.example",
    "  records:",
    "    - { name: _vlmcs._tcp.nodns.example, target: k2.corp.example }",
    "    - { name: _vlmcs._tcp.nodns.example, target: k3.corp.example }",
    "hosts: [{ name: k1 }, { name: k2 }]",
    "clients: [{ name: c, count: 1, domain: nodns.example }]",
  );

  it("a target no host answers is a warning at its line:column; a host in another zone is none", () => {
    const loaded = loadScenarioText(twoRecords, "t.yaml");
    if (!loaded.ok) expect.fail(JSON.stringify(loaded.errors));
    expect(loaded.warnings).toHaveLength(1);
    expect(loaded.warnings[0]).toMatchObject({ path: "dns.records[1].target", line: 5, column: 50 });
    expect(loaded.warnings[0].message).toContain("no host answers 'k3.corp.example'");
  });
});

describe("new keys", () => {
  const base = (...lines: string[]) => yaml("hosts: [{ name: kms1 }, { name: kms2, publish: false }]", "clients: [{ name: c, count: 1 }]", ...lines);

  it("hosts[].publish defaults to true and reads false", () => {
    expect(loadOk(base()).hosts.map((h) => h.publish)).toEqual([true, false]);
  });

  it("publish: true on a host contradicts dns.publish: manual", () => {
    const errors = loadErrors(yaml("dns: { publish: manual }", "hosts: [{ name: kms1, publish: true }]", "clients: [{ name: c, count: 1 }]"));
    expect(errorAt(errors, "hosts[0].publish").message).toContain("dns.publish is manual");
  });

  it("a delete-record event reads its record; the owner defaults to dns.domain's", () => {
    const scenario = loadOk(base("events:", "  - { at: 1h, action: delete-record, record: { target: kms1.corp.example } }"));
    expect(scenario.events).toEqual([
      { atMs: 3_600_000, kind: "record", action: "delete-record", name: "_vlmcs._tcp.corp.example", target: "kms1.corp.example" },
    ]);
  });

  it("a delete-record event without a target, or with a host, says what is wrong", () => {
    const errors = loadErrors(
      base(
        "events:",
        "  - { at: 1h, action: delete-record, record: { name: _vlmcs._tcp.corp.example } }",
        "  - { at: 1h, host: kms1, record: { target: kms1 } }",
      ),
    );
    expect(errorAt(errors, "events[0].record.target").message).toBe("required key is missing");
    expect(errorAt(errors, "events[1]").message).toBe("give 'host' or 'record', not both");
  });
});
