// Regression: HostPublisher as scavenger (servers that do not scavenge, e.g. BIND) must not
// race a host's own re-publish. A delete and an add of the same record on two TCP
// connections land in either order, so the record a recovered host just published may be
// deleted behind its back (and the run's record view ends up wrong).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { UpdateChange } from "../../src/dns/update-message.js";
import { HostPublisher, type UpdateReply } from "../../src/realtime/host/host-publisher.js";
import { scenarioFrom } from "../sim/helpers.js";
import { atOnDateClock } from "./date-clock.js";

const H = 3_600_000;
const D = 24 * H;
const OK: UpdateReply = { rcodeName: "NOERROR", tsigErrorName: "NOERROR" };

interface Sent {
  op: "add" | "delete";
  /** SRV target of the update: kms1.corp.example, … */
  target: string;
  reply: (r: UpdateReply) => void;
  answered: boolean;
}

function setup() {
  const scenario = scenarioFrom(`
duration: 10d
dns: { publishInterval: 1d, scavengeAfter: 2d }
hosts: [ { name: kms1 }, { name: kms2 } ]
clients: [ { name: c, count: 1 } ]
`);
  const t0 = Date.now();
  const simNowMs = () => Date.now() - t0;
  const sent: Sent[] = [];
  const records: [number, string, boolean][] = [];
  const publisher = new HostPublisher({
    scenario,
    hosts: scenario.hosts.map((h, host) => ({ host, name: h.name, address: "127.0.0.1", port: 40_000 + host, priority: h.priority, weight: h.weight })),
    send: (_zone: string, changes: readonly UpdateChange[]) =>
      new Promise<UpdateReply>((resolve) => {
        const srv = changes.find((c) => "rr" in c && c.rr.type === "SRV");
        const target = srv !== undefined && "rr" in srv && srv.rr.type === "SRV" ? srv.rr.target : "?";
        const entry: Sent = {
          op: changes.some((c) => c.op === "add") ? "add" : "delete",
          target,
          answered: false,
          reply: (r) => {
            entry.answered = true;
            resolve(r);
          },
        };
        sent.push(entry);
      }),
    simNowMs,
    at: atOnDateClock(simNowMs),
    scavengeByDelete: true,
    onRecord: (host, domain, present) => records.push([host, domain, present]),
  });
  // Updates may be handed to send() a few microtasks late: let them through first.
  const answerAll = async (): Promise<void> => {
    for (let round = 0; round < 10; round++) {
      await vi.advanceTimersByTimeAsync(0);
      const open = sent.filter((s) => !s.answered);
      if (open.length === 0) return;
      for (const s of open) s.reply(OK);
    }
  };
  return { publisher, sent, records, t0, answerAll };
}

describe("HostPublisher scavenging vs a recovered host's publish", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("a record whose host re-publishes in the same round is not deleted", async () => {
    const { publisher, sent, records, t0, answerAll } = setup();
    const first = publisher.publishAll(0);
    await answerAll();
    await first;
    publisher.start();
    publisher.serviceStopped(0); // kms1 crashes at once
    // The recovery is handled a little after the record went stale (a late timer under a
    // compressed clock): the re-publish and the scavenging fall due in the same round.
    await vi.advanceTimersByTimeAsync(D);
    await answerAll(); // kms2's refresh at 1d
    vi.setSystemTime(t0 + 2 * D + 5 * 60_000);
    publisher.serviceStarted(0);
    for (let k = 0; k < 5; k++) await vi.advanceTimersByTimeAsync(0);
    const kms1Ops = sent
      .filter((s) => s.target === "kms1.corp.example")
      .slice(1)
      .map((s) => s.op);
    await answerAll();
    expect(kms1Ops).not.toContain("delete");
    expect(records.filter(([h]) => h === 0).at(-1)).toEqual([0, "corp.example", true]);
    await publisher.close();
  });

  it("a publish after a delete still in flight waits for the delete's answer", async () => {
    const { publisher, sent, records, answerAll } = setup();
    const first = publisher.publishAll(0);
    await answerAll();
    await first;
    publisher.start();
    publisher.serviceStopped(0);
    await vi.advanceTimersByTimeAsync(D);
    await answerAll(); // kms2's refresh at 1d
    await vi.advanceTimersByTimeAsync(D); // 2d: kms1's record is stale: delete sent, not answered yet
    const del = sent.findIndex((s) => s.op === "delete");
    expect(del).toBeGreaterThan(0);
    publisher.serviceStarted(0); // recovers while the delete is in flight
    for (let k = 0; k < 5; k++) await vi.advanceTimersByTimeAsync(0);
    expect(sent[del].target).toBe("kms1.corp.example");
    const kms1AddsWhileDeleting = sent.slice(del + 1).filter((s) => s.op === "add" && s.target === "kms1.corp.example").length;
    sent[del].reply(OK);
    await vi.advanceTimersByTimeAsync(0);
    await answerAll();
    expect(kms1AddsWhileDeleting).toBe(0);
    // …and it is sent once the delete was answered.
    expect(sent.slice(del + 1).filter((s) => s.op === "add" && s.target === "kms1.corp.example").length).toBe(1);
    expect(records.filter(([h]) => h === 0).at(-1)).toEqual([0, "corp.example", true]);
    await publisher.close();
  });
});
