import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { auditClients, promisedShares, verdictOf, type PromisedRecord } from "../../src/replay/client-audit.js";
import type { ClientSentInfo } from "../../src/replay/event-info.js";
import { kmsLogOf, readExport, type Logged } from "../../src/replay/kms-log.js";
import { promiseOfDiscoverReport } from "../../src/replay/srv-promise.js";

const FIXTURES = join(import.meta.dirname, "../fixtures/kms-logs");
const RECORDS: PromisedRecord[] = [
  { target: "kms1.corp.example", port: 1688, priority: 0, weight: 60 },
  { target: "kms2.corp.example", port: 1688, priority: 0, weight: 40 },
];
const promise = new Map([["corp.example", RECORDS]]);

function sent(client: string, server: string, port = 1688): Logged<ClientSentInfo> {
  return {
    timeMs: 0,
    computer: client,
    info: { hresult: 0, server, port, cmid: "c", licenceState: "licensed", activationId: "a", minimumCount: 25 },
  };
}

describe("client audit", () => {
  it("promises the win7 first-choice shares of the records (the core's expected-share maths)", () => {
    expect(Object.fromEntries(promisedShares(RECORDS))).toEqual({ "kms1.corp.example:1688": 0.6, "kms2.corp.example:1688": 0.4 });
    const backup = [...RECORDS, { target: "kms3.corp.example", port: 1688, priority: 10, weight: 100 }];
    expect(promisedShares(backup).get("kms3.corp.example:1688")).toBe(0);
  });

  it("finds the fixture's kiosks pinned to kms2: kms2 over its 40 %, kms1 under its 60 %", () => {
    const log = kmsLogOf([readExport(readFileSync(join(FIXTURES, "clients.csv"), "utf8"), "clients.csv")]);
    expect(log.sent).toHaveLength(438);
    expect(log.answers).toHaveLength(438);
    const audit = auditClients(log.sent, new Map([...promise, ["srv.corp.example", RECORDS]]));
    const row = (host: string) => audit.hosts.find((h) => h.host === host)!;
    expect(row("kms2.corp.example:1688")).toMatchObject({ requests: 246, verdict: "more than promised", promisedShare: 0.4 });
    expect(row("kms1.corp.example:1688")).toMatchObject({ requests: 192, verdict: "less than promised" });
    expect(audit.disagreements).toBe(2);
  });

  it("a host clients used that no record names is called out; a short pinned name is matched to its record", () => {
    const audit = auditClients(
      [sent("pc1.corp.example", "kms1"), sent("pc2.corp.example", "kms2.corp.example"), sent("pc3.corp.example", "rogue.corp.example")],
      promise,
    );
    expect(audit.hosts.map((h) => [h.host, h.requests, h.verdict])).toEqual([
      ["kms1.corp.example:1688", 1, "agrees"],
      ["kms2.corp.example:1688", 1, "agrees"],
      ["rogue.corp.example:1688", 1, "not in the SRV records"],
    ]);
  });

  it("for any requests: shares add up to 1, promised shares too (with records), and a host used exactly as promised agrees", () => {
    const eventsArb = fc.array(
      fc.record({
        client: fc.integer({ min: 0, max: 50 }),
        host: fc.constantFrom("kms1.corp.example", "kms2.corp.example"),
        domain: fc.constantFrom("corp.example", "other.example"),
      }),
      { minLength: 1, maxLength: 300 },
    );
    fc.assert(
      fc.property(eventsArb, (events) => {
        const audit = auditClients(
          events.map((e) => sent(`pc${e.client}.${e.domain}`, e.host)),
          promise,
        );
        const shares = audit.hosts.reduce((a, h) => a + h.share, 0);
        const promised = audit.hosts.reduce((a, h) => a + (h.promisedShare ?? 0), 0);
        expect(shares).toBeCloseTo(1, 9);
        // Promised shares exist when some request came from a domain with records.
        expect(promised).toBeCloseTo(events.some((e) => e.domain === "corp.example") ? 1 : 0, 9);
        expect(audit.hosts.reduce((a, h) => a + h.requests, 0)).toBe(events.length);
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (p, clients) => verdictOf(p, p, clients, true) === "agrees",
      ),
    );
  });

  it("reads the records of a kmssim discover --json report, and refuses anything else", () => {
    const report = { schema: "kmssim/discover@1", domain: "Corp.Example.", records: RECORDS };
    expect(promiseOfDiscoverReport(report)).toEqual(promise);
    expect(promiseOfDiscoverReport({ ...report, schema: "kmssim/result@1" })).toBeNull();
    expect(promiseOfDiscoverReport({ ...report, records: [{ target: "kms1", port: -1, priority: 0, weight: 0 }] })).toBeNull();
    expect(promiseOfDiscoverReport(null)).toBeNull();
  });
});
