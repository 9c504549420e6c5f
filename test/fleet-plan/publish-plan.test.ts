import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planPublishing, type PublishChange } from "../../src/fleet-plan/publish-plan.js";
import type { HostAction, Scenario } from "../../src/scenario/model.js";
import { scenarioFrom } from "../sim/helpers.js";

const H = 3_600_000;
const D = 24 * H;

function plan(yaml: string): PublishChange[] {
  return planPublishing(scenarioFrom(yaml));
}
const brief = (changes: PublishChange[]) => changes.map((c) => [c.atMs / H, c.host, c.domain, c.kind]);

describe("planPublishing (virtual mode's DNS publishing)", () => {
  it("publishes every domain of each host's list at start, then every publish interval", () => {
    const changes = plan(`
duration: 2d
dns: { publishInterval: 1d }
hosts: [ { name: a, publishDomains: [corp.example, branch.example] }, { name: b } ]
clients: [ { name: c, count: 1 } ]
`);
    expect(brief(changes)).toEqual([
      [0, 0, "corp.example", "published"],
      [0, 0, "branch.example", "published"],
      [0, 1, "corp.example", "published"],
      [24, 0, "corp.example", "published"],
      [24, 0, "branch.example", "published"],
      [24, 1, "corp.example", "published"],
      [48, 0, "corp.example", "published"],
      [48, 0, "branch.example", "published"],
      [48, 1, "corp.example", "published"],
    ]);
  });

  it("manual publishing sends nothing", () => {
    expect(
      plan(`
duration: 2d
dns: { publish: manual, records: [ { target: a } ] }
hosts: [ { name: a } ]
clients: [ { name: c, count: 1 } ]
`),
    ).toEqual([]);
  });

  it("a failed publish (DNS down) is retried after publishRetry, then the normal interval resumes", () => {
    const changes = plan(`
duration: 1d
dns: { publishInterval: 12h, publishRetry: 30m }
hosts: [ { name: a } ]
clients: [ { name: c, count: 1 } ]
events: [ { at: 0s, dns: down }, { at: 70m, dns: up } ]
`);
    expect(brief(changes)).toEqual([
      [0, 0, "corp.example", "publish-failed"],
      [0.5, 0, "corp.example", "publish-failed"],
      [1, 0, "corp.example", "publish-failed"],
      [1.5, 0, "corp.example", "published"],
      [13.5, 0, "corp.example", "published"],
    ]);
    expect(changes[0].reason).toMatch(/did not answer/);
  });

  it("a decommissioned host stops refreshing and its record is scavenged scavengeAfter after the last refresh", () => {
    const changes = plan(`
duration: 20d
dns: { publishInterval: 1d, scavengeAfter: 7d }
hosts: [ { name: a }, { name: b } ]
clients: [ { name: c, count: 1 } ]
events: [ { at: 2d6h, host: a, action: decommission } ]
`);
    const ofA = changes.filter((c) => c.host === 0);
    expect(ofA.map((c) => [c.atMs / D, c.kind])).toEqual([
      [0, "published"],
      [1, "published"],
      [2, "published"],
      [9, "scavenged"],
    ]);
    // The live host is refreshed daily and never scavenged.
    expect(changes.filter((c) => c.host === 1).every((c) => c.kind === "published")).toBe(true);
  });

  it("a crashed host publishes again the moment it recovers", () => {
    const changes = plan(`
duration: 3d
dns: { publishInterval: 1d }
hosts: [ { name: a } ]
clients: [ { name: c, count: 1 } ]
events: [ { at: 20h, host: a, action: crash }, { at: 30h, host: a, action: recover } ]
`);
    expect(changes.map((c) => c.atMs / H)).toEqual([0, 30, 54]);
  });

  it("for any sequence of host faults: ordered in time, nothing published while a host is stopped, scavenging only after scavengeAfter without a refresh", () => {
    const actions: HostAction[] = ["crash", "hang", "slow", "recover", "decommission"];
    const arbEvents = fc.array(
      fc.record({ atH: fc.integer({ min: 0, max: 24 * 10 }), host: fc.integer({ min: 0, max: 2 }), action: fc.constantFrom(...actions) }),
      { maxLength: 12 },
    );
    const arbDns = fc.array(fc.record({ atH: fc.integer({ min: 0, max: 24 * 10 }), up: fc.boolean() }), { maxLength: 4 });
    fc.assert(
      fc.property(arbEvents, arbDns, fc.integer({ min: 2, max: 48 }), fc.integer({ min: 0, max: 3 }), (hostEvents, dnsEvents, intervalH, scavengeFactor) => {
        const scavengeAfterH = scavengeFactor === 0 ? 0 : intervalH * scavengeFactor + 1;
        const events = [
          ...hostEvents.map((e) => `  - { at: ${e.atH}h, host: h${e.host}, action: ${e.action} }`),
          ...dnsEvents.map((e) => `  - { at: ${e.atH}h, dns: ${e.up ? "up" : "down"} }`),
        ];
        const scenario: Scenario = scenarioFrom(`
duration: 10d
dns: { publishInterval: ${intervalH}h, publishRetry: 1h, scavengeAfter: ${scavengeAfterH}h }
hosts: [ { name: h0 }, { name: h1, publishDomains: [corp.example, other.example] }, { name: h2 } ]
clients: [ { name: c, count: 1 } ]
${events.length > 0 ? `events:\n${events.join("\n")}` : ""}
`);
        const changes = planPublishing(scenario);
        for (let k = 1; k < changes.length; k++) expect(changes[k].atMs).toBeGreaterThanOrEqual(changes[k - 1].atMs);
        // Replay the host events: no attempt while stopped; scavenging needs a stale record.
        for (const change of changes) {
          const name = `h${change.host}`;
          const before = scenario.events.filter((e) => e.kind === "host" && e.host === name && e.atMs <= change.atMs);
          const decommissioned = before.some((e) => e.kind === "host" && e.action === "decommission");
          const last = [...before].reverse().find((e) => e.kind === "host" && e.action !== "slow");
          const stopped = decommissioned || (last !== undefined && last.kind === "host" && (last.action === "crash" || last.action === "hang"));
          if (change.kind !== "scavenged") expect(stopped, `${change.kind} of ${name} at ${change.atMs / H}h while stopped`).toBe(false);
          else {
            expect(scavengeAfterH).toBeGreaterThan(0);
            const lastOk = changes.filter((c) => c.host === change.host && c.domain === change.domain && c.kind === "published" && c.atMs <= change.atMs).pop();
            expect(lastOk).toBeDefined();
            expect(change.atMs - lastOk!.atMs).toBeGreaterThanOrEqual(scavengeAfterH * H);
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
