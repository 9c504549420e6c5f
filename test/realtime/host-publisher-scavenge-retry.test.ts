// Regression: scavenging by delete (servers that do not scavenge, e.g. BIND) forgets a stale
// record as soon as the delete is sent. When the delete gets no answer (server briefly
// down) or is refused, the record stays on the server for good: nobody tries again, so
// clients keep being sent to the dead host. It should be tried again (after publishRetry).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { UpdateChange } from "../../src/dns/update-message.js";
import { HostPublisher, type UpdateReply } from "../../src/realtime/host/host-publisher.js";
import { scenarioFrom } from "../sim/helpers.js";
import { atOnDateClock } from "./date-clock.js";

const H = 3_600_000;
const D = 24 * H;

describe("HostPublisher: a scavenging delete that fails", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("is tried again after publishRetry until the server takes it", async () => {
    const scenario = scenarioFrom(`
duration: 10d
dns: { publishInterval: 1d, publishRetry: 1h, scavengeAfter: 2d }
hosts: [ { name: kms1 } ]
clients: [ { name: c, count: 1 } ]
`);
    const t0 = Date.now();
    const simNowMs = () => Date.now() - t0;
    let serverUp = true;
    const deletes: { atMs: number; ok: boolean }[] = [];
    const records: boolean[] = [];
    const publisher = new HostPublisher({
      scenario,
      hosts: [{ host: 0, name: "kms1", address: "127.0.0.1", port: 40_000, priority: 0, weight: 100 }],
      send: async (_zone: string, changes: readonly UpdateChange[]): Promise<UpdateReply> => {
        if (changes.every((c) => c.op !== "add")) deletes.push({ atMs: simNowMs(), ok: serverUp });
        if (!serverUp) throw new Error("no answer to the update within 2000 ms");
        return { rcodeName: "NOERROR", tsigErrorName: "NOERROR" };
      },
      simNowMs,
      at: atOnDateClock(simNowMs),
      scavengeByDelete: true,
      onRecord: (_h, _d, present) => records.push(present),
    });
    await publisher.publishAll(0);
    publisher.start();
    publisher.serviceStopped(0); // decommissioned at once: its record goes stale at 2d
    await vi.advanceTimersByTimeAsync(2 * D - H);
    serverUp = false; // the DNS server is down when the record goes stale …
    await vi.advanceTimersByTimeAsync(2 * H);
    serverUp = true; // … and back an hour later
    await vi.advanceTimersByTimeAsync(3 * H);
    await publisher.close();
    expect(deletes.length).toBeGreaterThanOrEqual(2);
    expect(deletes[0].ok).toBe(false);
    expect(deletes.some((d) => d.ok)).toBe(true);
    expect(records.at(-1)).toBe(false);
  });
});
