// The monitoring pack's alerts, read off a result: each kind from its own evidence, one
// alert per kind, host and product with how often it was seen, and the totals thresholds read.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { alertsOf, withPublishFailed, type AlertSource } from "../../src/results/alerts.js";
import { ALERT_KINDS } from "../../src/results/result-schema.js";
import type { FleetEventRecord, TimelineSample } from "../../src/results/result.js";
import { sampleResult } from "./sample-result.js";

const DAY = 86_400;

function source(parts: Partial<AlertSource>): AlertSource {
  const base = sampleResult();
  return {
    events: [],
    timeline: [],
    simulatedSeconds: 10 * DAY,
    hosts: base.hosts.map((h) => ({ ...h, lowCount: [] })),
    clients: { ...base.clients, activated: 100, licensed: 100 },
    ...parts,
  };
}

function sample(t: number, extra: Partial<TimelineSample> = {}): TimelineSample {
  return { t, activated: 100, licensed: 100, hostRequests: {}, spread: { jain: 1, maxOverMean: 1, cv: 0, maxShareDeviation: 0 }, ...extra };
}

const failed = (t: number, target: string): FleetEventRecord => ({
  t,
  kind: "dns",
  target,
  action: "publish-failed",
  domain: "corp.example",
  eventId: 12293,
  reason: "the DNS server did not answer",
});
const published = (t: number, target: string): FleetEventRecord => ({ t, kind: "dns", target, action: "published", domain: "corp.example", eventId: 12294 });
const hostEvent = (t: number, target: string, action: string): FleetEventRecord => ({ t, kind: "host", target, action });

describe("alertsOf", () => {
  it("a quiet run raises nothing and every kind's count is 0", () => {
    const alerts = alertsOf(source({ timeline: [sample(DAY), sample(2 * DAY)] }));
    expect(alerts.list).toEqual([]);
    for (const kind of ALERT_KINDS) expect(alerts[kind].count, kind).toBe(0);
  });

  it("counts every failed publish of a host in one alert, open while the latest attempt failed", () => {
    const alerts = alertsOf(source({ events: [failed(100, "kms1"), failed(200, "kms1"), published(300, "kms1"), failed(400, "kms2")] }));
    expect(alerts.dnsPublishing.count).toBe(3);
    const kms1 = alerts.list.find((a) => a.host === "kms1")!;
    expect(kms1).toMatchObject({ kind: "dnsPublishing", severity: "warning", firstSeen: 100, lastSeen: 200, count: 2, open: false });
    expect(kms1.message).toBe("kms1 failed to publish its SRV record in corp.example (event 12293): the DNS server did not answer");
    expect(alerts.list.find((a) => a.host === "kms2")).toMatchObject({ count: 1, open: true });
  });

  it("a crash is an outage until recover; a hang that turns into a crash is two alerts; one never recovered stays open to the end", () => {
    const events = [
      hostEvent(DAY, "kms1", "crash"),
      hostEvent(2 * DAY, "kms1", "recover"),
      hostEvent(3 * DAY, "kms1", "crash"),
      hostEvent(3.5 * DAY, "kms1", "recover"),
      hostEvent(4 * DAY, "kms2", "hang"),
      hostEvent(5 * DAY, "kms2", "crash"),
      hostEvent(6 * DAY, "kms3", "slow"),
    ];
    const alerts = alertsOf(source({ events }));
    expect(alerts.list.map((a) => [a.kind, a.host, a.firstSeen, a.lastSeen, a.count, a.open])).toEqual([
      ["hostDown", "kms1", DAY, 3.5 * DAY, 2, false],
      ["hostHung", "kms2", 4 * DAY, 5 * DAY, 1, false],
      ["hostDown", "kms2", 5 * DAY, 10 * DAY, 1, true],
    ]);
    expect(alerts.hostDown.count).toBe(3);
    expect(alerts.hostHung.count).toBe(1);
    expect(alerts.list.every((a) => a.severity === "critical")).toBe(true);
  });

  it("a decommissioned host is no outage: it ends one", () => {
    const alerts = alertsOf(source({ events: [hostEvent(DAY, "kms1", "crash"), hostEvent(2 * DAY, "kms1", "decommission")] }));
    expect(alerts.list).toHaveLength(1);
    expect(alerts.list[0]).toMatchObject({ kind: "hostDown", lastSeen: 2 * DAY, open: false });
  });

  it("Low Activation Count: each poll that finds a product low counts; the end is read from the hosts", () => {
    const timeline = [
      sample(DAY, { lowCount: { kms1: ["windows-client"] } }),
      sample(2 * DAY, { lowCount: { kms1: ["windows-client", "office-2010"] } }),
      sample(3 * DAY),
      sample(4 * DAY, { lowCount: { kms1: ["windows-client"] } }),
    ];
    const base = source({ timeline, simulatedSeconds: 5 * DAY });
    const hosts = base.hosts.map((h) => (h.name === "kms1" ? { ...h, lowCount: ["windows-client"] } : h));
    const alerts = alertsOf({ ...base, hosts });
    const client = alerts.list.find((a) => a.product === "windows-client")!;
    expect(client).toMatchObject({ kind: "lowActivationCount", host: "kms1", firstSeen: DAY, lastSeen: 5 * DAY, count: 4, open: true });
    expect(client.message).toContain("0xC004F038");
    expect(alerts.list.find((a) => a.product === "office-2010")).toMatchObject({ firstSeen: 2 * DAY, lastSeen: 2 * DAY, count: 1, open: false });
    expect(alerts.lowActivationCount.count).toBe(5);
  });

  it("the hosts at the end replace a last sample at the end (a realtime final sample carries no low count)", () => {
    const base = source({ timeline: [sample(DAY), sample(2 * DAY)], simulatedSeconds: 2 * DAY });
    const hosts = base.hosts.map((h) => (h.name === "kms2.branch" ? { ...h, lowCount: ["windows-server"] } : h));
    const alerts = alertsOf({ ...base, hosts });
    expect(alerts.list).toEqual([expect.objectContaining({ kind: "lowActivationCount", host: "kms2.branch", firstSeen: 2 * DAY, count: 1, open: true })]);
  });

  it("clients that had activated and are not licensed raise licenceLapsed at each poll that sees them", () => {
    const timeline = [sample(DAY), sample(181 * DAY, { licensed: 70 }), sample(182 * DAY, { licensed: 40 })];
    const base = source({ timeline, simulatedSeconds: 183 * DAY, clients: { ...sampleResult().clients, activated: 100, licensed: 40 } });
    const alerts = alertsOf(base);
    expect(alerts.list).toEqual([
      expect.objectContaining({ kind: "licenceLapsed", severity: "critical", firstSeen: 181 * DAY, lastSeen: 183 * DAY, count: 3, open: true }),
    ]);
    expect(alerts.list[0].host).toBeUndefined();
    expect(alerts.list[0].message).toMatch(/^60 clients that had activated/);
  });

  it("for any event log and timeline: totals are the sums of the list, first ≤ last seen within the run, oldest first", () => {
    const hosts = ["kms1", "kms2", "kms3"];
    const event = fc.record({
      t: fc.integer({ min: 0, max: 100 }),
      target: fc.constantFrom(...hosts),
      action: fc.constantFrom("crash", "hang", "recover", "decommission", "slow", "publish-failed", "published"),
    });
    const poll = fc.record({
      low: fc.subarray(hosts),
      lapsed: fc.integer({ min: 0, max: 5 }),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), fc.array(poll, { maxLength: 12 }), (events, polls) => {
        const log: FleetEventRecord[] = events.map((e) =>
          e.action.startsWith("publish") ? { t: e.t, kind: "dns", target: e.target, action: e.action } : hostEvent(e.t, e.target, e.action),
        );
        const timeline = polls.map((p, k) => {
          const lowCount: Record<string, string[]> = {};
          for (const h of p.low) lowCount[h] = ["windows-client"];
          return sample((k + 1) * 8, { licensed: 100 - p.lapsed, lowCount });
        });
        const alerts = alertsOf(source({ events: log, timeline, simulatedSeconds: 100 }));
        for (const kind of ALERT_KINDS) {
          expect(alerts[kind].count).toBe(alerts.list.filter((a) => a.kind === kind).reduce((n, a) => n + a.count, 0));
        }
        expect(alerts.dnsPublishing.count).toBe(log.filter((e) => e.action === "publish-failed").length);
        for (const a of alerts.list) {
          expect(a.count).toBeGreaterThan(0);
          expect(0 <= a.firstSeen && a.firstSeen <= a.lastSeen && a.lastSeen <= 100).toBe(true);
        }
        const firsts = alerts.list.map((a) => a.firstSeen);
        expect(firsts).toEqual([...firsts].sort((x, y) => x - y));
      }),
    );
  });
});

describe("withPublishFailed", () => {
  it("counts each host's failed publishes from the event log, 0 for the rest", () => {
    const hosts = withPublishFailed([{ name: "kms1" }, { name: "kms2" }], [failed(1, "kms1"), failed(2, "kms1"), published(3, "kms2")]);
    expect(hosts).toEqual([
      { name: "kms1", publishFailed: 2 },
      { name: "kms2", publishFailed: 0 },
    ]);
  });
});
