import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { HostPublisher, type UpdateReply } from "../../src/realtime/host/host-publisher.js";
import type { UpdateChange } from "../../src/dns/update-message.js";
import { scenarioFrom } from "../sim/helpers.js";
import { atOnDateClock } from "./date-clock.js";

const H = 3_600_000;

interface Sent {
  atMs: number;
  zone: string;
  changes: readonly UpdateChange[];
}

function setup(yaml: string, answer: (zone: string, changes: readonly UpdateChange[]) => Promise<UpdateReply>, scavengeByDelete = false) {
  const scenario = scenarioFrom(yaml);
  const t0 = Date.now();
  const simNowMs = () => Date.now() - t0;
  const sent: Sent[] = [];
  const warnings: string[] = [];
  const records: [number, string, boolean][] = [];
  const publisher = new HostPublisher({
    scenario,
    hosts: scenario.hosts.map((h, host) => ({ host, name: h.name, address: "127.0.0.1", port: 40_000 + host, priority: h.priority, weight: h.weight })),
    send: (zone, changes) => {
      sent.push({ atMs: simNowMs(), zone, changes });
      return answer(zone, changes);
    },
    simNowMs,
    at: atOnDateClock(simNowMs),
    scavengeByDelete,
    onRecord: (host, domain, present) => records.push([host, domain, present]),
    onWarning: (m) => warnings.push(m),
  });
  return { publisher, sent, warnings, records };
}

const ok = async (): Promise<UpdateReply> => ({ rcodeName: "NOERROR", tsigErrorName: "NOERROR" });

describe("HostPublisher (realtime hosts publishing themselves)", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("publishes each host's SRV and A record into every domain of its list, then again every publish interval", async () => {
    const { publisher, sent, records } = setup(
      `
duration: 3d
dns: { publishInterval: 1d, ttl: 10m }
hosts: [ { name: KMS1, priority: 1, weight: 30, publishDomains: [corp.example, branch.example] }, { name: kms2 } ]
clients: [ { name: c, count: 1 } ]
`,
      ok,
    );
    await publisher.publishAll(0);
    publisher.start();
    expect(sent.map((s) => s.zone)).toEqual(["corp.example", "branch.example", "corp.example"]);
    expect(sent[1].changes).toEqual([
      {
        op: "add",
        rr: { type: "SRV", name: "_vlmcs._tcp.branch.example", target: "kms1.branch.example", port: 40_000, priority: 1, weight: 30 },
        ttlSeconds: 600,
      },
      { op: "add", rr: { type: "A", name: "kms1.branch.example", address: "127.0.0.1" }, ttlSeconds: 600 },
    ]);
    await vi.advanceTimersByTimeAsync(2 * 24 * H + 1000);
    expect(sent.map((s) => Math.round(s.atMs / H))).toEqual([0, 0, 0, 24, 24, 24, 48, 48, 48]);
    expect(publisher.events.every((e) => e.action === "published" && e.eventId === 12294)).toBe(true);
    // A record that was already there is refreshed, not announced again.
    expect(records).toEqual([
      [0, "corp.example", true],
      [0, "branch.example", true],
      [1, "corp.example", true],
    ]);
    await publisher.close();
  });

  it("a refused update is a 12293 event with the reason in plain words, retried after publishRetry; one warning, the host keeps going", async () => {
    let refuse = true;
    const { publisher, sent, warnings } = setup(
      `
duration: 1d
dns: { publishRetry: 10m }
hosts: [ { name: kms1 } ]
clients: [ { name: c, count: 1 } ]
`,
      async () => (refuse ? { rcodeName: "NOTAUTH", tsigErrorName: "BADSIG" } : { rcodeName: "NOERROR", tsigErrorName: "NOERROR" }),
    );
    await publisher.publishAll(0);
    publisher.start();
    await vi.advanceTimersByTimeAsync(25 * 60_000);
    refuse = false;
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(sent.map((s) => Math.round(s.atMs / 60_000))).toEqual([0, 10, 20, 30]);
    expect(publisher.events.map((e) => [e.action, e.eventId])).toEqual([
      ["publish-failed", 12293],
      ["publish-failed", 12293],
      ["publish-failed", 12293],
      ["published", 12294],
    ]);
    expect(publisher.events[0].reason).toMatch(/NOTAUTH \(TSIG BADSIG\).*secret/);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/kms1 could not publish.*keeps serving/);
    await publisher.close();
  });

  it("a server that never answers fails the publish with its error; a stopped service stops publishing; recovery publishes at once", async () => {
    let fail = true;
    const { publisher, sent } = setup(
      `
duration: 10d
dns: { publishInterval: 1d, publishRetry: 1h }
hosts: [ { name: kms1 } ]
clients: [ { name: c, count: 1 } ]
`,
      async () => {
        if (fail) throw new Error("the DNS server did not answer within 2000 ms");
        return { rcodeName: "NOERROR", tsigErrorName: "NOERROR" };
      },
    );
    await publisher.publishAll(0);
    publisher.start();
    expect(publisher.events[0].reason).toMatch(/did not answer/);
    fail = false;
    await vi.advanceTimersByTimeAsync(H);
    publisher.serviceStopped(0);
    await vi.advanceTimersByTimeAsync(3 * 24 * H);
    expect(sent).toHaveLength(2);
    publisher.serviceStarted(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(3);
    await publisher.close();
  });

  it("as scavenger for a server that does not scavenge: deletes records nobody refreshed for scavengeAfter", async () => {
    const { publisher, sent, records } = setup(
      `
duration: 10d
dns: { publishInterval: 1d, scavengeAfter: 2d }
hosts: [ { name: kms1 }, { name: kms2 } ]
clients: [ { name: c, count: 1 } ]
`,
      ok,
      true,
    );
    await publisher.publishAll(0);
    publisher.start();
    await vi.advanceTimersByTimeAsync(24 * H + 1000);
    publisher.serviceStopped(1); // decommissioned after its refresh at 1d
    await vi.advanceTimersByTimeAsync(3 * 24 * H);
    const deletes = sent.filter((s) => s.changes.some((c) => c.op !== "add"));
    expect(deletes).toHaveLength(1);
    expect(Math.round(deletes[0].atMs / H)).toBe(72);
    expect(deletes[0].changes).toEqual([
      { op: "delete", rr: { type: "SRV", name: "_vlmcs._tcp.corp.example", target: "kms2.corp.example", port: 40_001, priority: 0, weight: 100 } },
      { op: "deleteRRset", name: "kms2.corp.example", type: "A" },
    ]);
    expect(publisher.events.filter((e) => e.action === "scavenged").map((e) => e.target)).toEqual(["kms2"]);
    expect(records.at(-1)).toEqual([1, "corp.example", false]);
    await publisher.close();
  });

  it("a callback that throws neither stops the schedule nor leaves an unhandled rejection", async () => {
    const scenario = scenarioFrom(`
duration: 3d
dns: { publishInterval: 1d }
hosts: [ { name: kms1 } ]
clients: [ { name: c, count: 1 } ]
`);
    const t0 = Date.now();
    const warnings: string[] = [];
    let sends = 0;
    const publisher = new HostPublisher({
      scenario,
      hosts: [{ host: 0, name: "kms1", address: "127.0.0.1", port: 40_000, priority: 0, weight: 100 }],
      send: async () => {
        sends++;
        return { rcodeName: "NOERROR", tsigErrorName: "NOERROR" };
      },
      simNowMs: () => Date.now() - t0,
      at: atOnDateClock(() => Date.now() - t0),
      scavengeByDelete: false,
      onEvent: () => {
        throw new Error("a broken listener");
      },
      onWarning: (m) => warnings.push(m),
    });
    await publisher.publishAll(0).catch(() => undefined);
    publisher.start();
    await vi.advanceTimersByTimeAsync(2 * 24 * H + 1000);
    expect(sends).toBe(3);
    expect(warnings.some((w) => /a broken listener/.test(w))).toBe(true);
    await publisher.close().catch(() => undefined);
  });
});
