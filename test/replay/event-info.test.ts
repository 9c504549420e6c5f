// The Info strings of events 12290, 12288 and 12289, field by field in the documented order.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseClientAnswerInfo, parseClientSentInfo, parseHostRequestInfo, hresultHex } from "../../src/replay/event-info.js";
import { parseEventTime } from "../../src/replay/event-time.js";

const GOOD_12290 = "0xC004F038,25,PC0042.Corp.Example,{C0000042-0042-4042-8000-000000000042},2026/11/23 8:01,1,2,43200,bfe7a195-4f8f-4f0b-a622-cf13c7d16864";

describe("event 12290", () => {
  it("reads every field, lower-casing names and ids and dropping GUID braces", () => {
    const parsed = parseHostRequestInfo(GOOD_12290);
    expect(parsed).toEqual({
      ok: true,
      value: {
        hresult: 0xc004f038,
        minimumCount: 25,
        clientFqdn: "pc0042.corp.example",
        cmid: "c0000042-0042-4042-8000-000000000042",
        vm: true,
        licenceState: "oobGrace",
        minutesToExpiry: 43_200,
        activationId: "bfe7a195-4f8f-4f0b-a622-cf13c7d16864",
      },
    });
  });

  it.each([
    ["0x0,25,pc.corp.example", "event 12290's Info has 9 comma-separated fields, this one has 3"],
    [GOOD_12290.replace("0xC004F038", "oops"), "field 1 (HRESULT) is not an HRESULT like 0x0 or 0xC004F038"],
    [GOOD_12290.replace(",25,", ",-1,"), "field 2 (N-policy) is not a whole number"],
    [GOOD_12290.replace("PC0042.Corp.Example", "pc 42"), "field 3 (client FQDN) is not a host name"],
    [GOOD_12290.replace("{C0000042-0042-4042-8000-000000000042}", "42"), "field 4 (client machine id) is not a GUID"],
    [GOOD_12290.replace(",1,2,", ",2,2,"), "field 6 (VM flag) is not 0 or 1"],
    [GOOD_12290.replace(",1,2,", ",1,7,"), "field 7 (licence state) is not a licence state 0–6"],
    [GOOD_12290.replace("bfe7a195-4f8f-4f0b-a622-cf13c7d16864", "office"), "field 9 (Activation ID) is not a GUID"],
  ])("refuses %s: %s", (info, reason) => {
    expect(parseHostRequestInfo(info)).toEqual({ ok: false, reason });
  });

  it("never throws: any string is read or refused with a reason", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(fc.string(), { maxLength: 12 }).map((parts) => parts.join(",")),
        ),
        (info) => {
          for (const parse of [parseHostRequestInfo, parseClientSentInfo, parseClientAnswerInfo]) {
            const parsed = parse(info);
            if (!parsed.ok) expect(parsed.reason.length).toBeGreaterThan(10);
          }
        },
      ),
    );
  });
});

describe("events 12288 and 12289 (client side)", () => {
  it("12288 names the server:port the client used", () => {
    const parsed = parseClientSentInfo(
      "0x0,0x8,KMS1.corp.example:1688,c0000042-0042-4042-8000-000000000042,2026/11/23 8:01,0,1,259200,bfe7a195-4f8f-4f0b-a622-cf13c7d16864,5",
    );
    expect(parsed).toMatchObject({ ok: true, value: { server: "kms1.corp.example", port: 1688, minimumCount: 5, licenceState: "licensed" } });
    expect(parseClientSentInfo("0x0,0x8,kms1:99999,c0000042-0042-4042-8000-000000000042,t,0,1,1,bfe7a195-4f8f-4f0b-a622-cf13c7d16864,5").ok).toBe(false);
  });

  it("12289 gives the host's count and the intervals it sent", () => {
    expect(parseClientAnswerInfo("0x0,0x4000008,0,0,4,120,10080,1/14/2006 2:30")).toEqual({
      ok: true,
      value: { hresult: 0, activated: false, hostCount: 4, activationIntervalMin: 120, renewalIntervalMin: 10_080 },
    });
  });
});

describe("event times", () => {
  it("reads ISO 8601 with zones and ticks, Export-Csv's en-US form and the client form", () => {
    expect(parseEventTime("2026-11-23T08:01:02.1234567Z")).toBe(Date.UTC(2026, 10, 23, 8, 1, 2, 123));
    expect(parseEventTime("2026-11-23T09:01:02+01:00")).toBe(Date.UTC(2026, 10, 23, 8, 1, 2));
    expect(parseEventTime("11/23/2026 12:05:00 AM")).toBe(Date.UTC(2026, 10, 23, 0, 5, 0));
    expect(parseEventTime("11/23/2026 12:05:00 PM")).toBe(Date.UTC(2026, 10, 23, 12, 5, 0));
    expect(parseEventTime("2026/11/23 8:01")).toBe(Date.UTC(2026, 10, 23, 8, 1, 0));
  });

  it.each(["", "yesterday", "2/30/2026 1:00:00 PM", "13/1/2026 1:00", "11/23/2026 13:00:00 PM", "2026-11-23T25:00:00Z"])("refuses %j", (text) => {
    expect(parseEventTime(text)).toBeNull();
  });

  it("hresultHex writes codes as kmssim prints them", () => {
    expect(hresultHex(0)).toBe("0x0");
    expect(hresultHex(0xc004f038)).toBe("0xC004F038");
  });
});
