// DNS goes down mid-run, after every client holds an answer (README "How the model works",
// DNS). Clients that discover every time (hostCaching: false) renew every 12 h and keep
// their own answer for dns.ttl (1 d), so answers expire all through the outage and those
// clients must ask the server, which is silent: 0x800705B4, in realtime as in virtual mode.
// A resolver cache shared by a worker's clients used to answer them (filled by another
// client just before the outage) and the outage never showed.

import { describe, expect, it } from "vitest";
import { tempDirs, yaml } from "./helpers.js";
import { DNS_SERVER_SILENT, runRealtime, runVirtual } from "./realtime-helpers.js";

const tmp = tempDirs();

const text = yaml(
  "name: rt-dns-mid-outage",
  "seed: 11",
  "duration: 3d",
  "sampleInterval: 6h",
  "dns: { ttl: 1d }",
  "hosts:",
  "  - { name: kms1, renewalInterval: 12h }",
  "clients:",
  "  - { name: roaming, count: 400, os: win7, product: windows-client, bootSpread: 1d, hostCaching: false }",
  // Wall time in realtime (3.6 simulated hours at 86400×): a failed query costs a client that long.
  "network: { dnsTimeout: 150ms }",
  "events:",
  // Every client has asked once by 1 d; the first answers expire from 1 d on.
  "  - { at: 26h, dns: down }",
  "  - { at: 34h, dns: up }",
);

describe("DNS down mid-run, while clients' own answers expire", () => {
  it("clients whose answer expired during the outage fail discovery with 0x800705B4 in both modes", async () => {
    const virtual = (await runVirtual(tmp.make(), "rt-dns-mid-outage", text)).result;
    const { result: realtime, code } = await runRealtime(tmp.make(), "rt-dns-mid-outage", text);
    expect(code).toBe(0);

    expect(virtual.dns.failed).toBeGreaterThan(0);
    expect(virtual.clients.errors[DNS_SERVER_SILENT] ?? 0).toBeGreaterThan(0);

    const books = (r: typeof virtual): object => ({ queries: r.dns.queries, failed: r.dns.failed, errors: r.clients.errors });
    const seen = JSON.stringify({ virtual: books(virtual), realtime: books(realtime) });
    expect(realtime.dns.failed, `realtime sees the outage: ${seen}`).toBeGreaterThan(0);
    expect(realtime.clients.errors[DNS_SERVER_SILENT] ?? 0, seen).toBeGreaterThan(0);
    // Same direction and size class: a failed query costs more simulated time in realtime
    // (its timeout is wall time), so clients there retry less often during the outage.
    expect(realtime.dns.failed, seen).toBeGreaterThanOrEqual(virtual.dns.failed / 4);

    // Once DNS is back everybody renews: nobody lapses in either mode.
    for (const result of [virtual, realtime]) {
      expect(result.clients.activated).toBe(400);
      expect(result.clients.licensed).toBe(400);
    }
  });
});
