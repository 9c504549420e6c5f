// Reading exports: the CSV and XML fixtures (written from the documented field order, not
// captured logs), the forms admins produce, and refusals that name the line and the reason.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kmsLogOf, readExport } from "../../src/replay/kms-log.js";
import { ImportError, MAX_IMPORT_EVENTS } from "../../src/replay/raw-event.js";

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`../fixtures/kms-logs/${name}`, import.meta.url)), "utf8");
const INFO = "0x0,25,pc1.corp.example,c0000001-0001-4001-8001-000000000001,2026/11/23 8:01,0,1,259200,0f0e0d0c-0b0a-4909-8807-060504030201";

function refusal(text: string): { line: number; reason: string } {
  try {
    readExport(text, "x");
  } catch (error) {
    if (error instanceof ImportError) return { line: error.line, reason: error.reason };
    throw error;
  }
  throw new Error("read without a refusal");
}

describe("the fixtures", () => {
  it("kms1.csv (Export-Csv with #TYPE and Message) and kms2.xml (wevtutil) read as 12290 events of their host", () => {
    const csv = readExport(fixture("kms1.csv"), "kms1.csv");
    const xml = readExport(fixture("kms2.xml"), "kms2.xml");
    expect(csv.length).toBeGreaterThan(100);
    expect(xml.length).toBeGreaterThan(100);
    expect(new Set(csv.map((e) => e.computer))).toEqual(new Set(["kms1.corp.example"]));
    expect(new Set(xml.map((e) => e.computer))).toEqual(new Set(["kms2.corp.example"]));
    // Every CSV record starts 3 lines after the last (the Message spans 3 lines); the first is line 3.
    expect(csv.slice(0, 3).map((e) => e.line)).toEqual([3, 6, 9]);
    expect(xml.slice(0, 3).map((e) => e.line)).toEqual([1, 2, 3]);
    const log = kmsLogOf([csv, xml]);
    expect(log.requests).toHaveLength(csv.length + xml.length);
    expect(log.requests.filter((r) => r.info.hresult === 0xc004f038).map((r) => r.computer)).toEqual(Array(4).fill("kms2.corp.example"));
    const times = log.requests.map((r) => r.timeMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});

describe("forms of CSV", () => {
  it("takes a flattened Properties column, ISO times and no #TYPE line", () => {
    const text = `"Id","TimeCreated","MachineName","Properties"\n"12290","2026-11-23T08:00:00Z","KMS9.corp.example","${INFO}"\n`;
    const [event] = readExport(text, "x");
    expect(event).toMatchObject({ line: 2, eventId: 12290, computer: "KMS9.corp.example", info: INFO, timeMs: Date.UTC(2026, 10, 23, 8) });
  });

  it("skips other events: an Application log export with a 12293", () => {
    const text = `Id,TimeCreated,MachineName,Properties\n12293,2026-11-23T08:00:00Z,kms1,"0x8007232A,corp.example"\n12290,2026-11-23T08:00:01Z,kms1,"${INFO}"\n`;
    const log = kmsLogOf([readExport(text, "x")]);
    expect([log.requests.length, log.skipped]).toEqual([1, 1]);
  });

  it.each([
    [
      "a missing column",
      `Id,TimeCreated,Message\n12290,2026-11-23T08:00:00Z,x\n`,
      1,
      "the header has no MachineName column (Export-Csv of Get-WinEvent writes them)",
    ],
    [
      "an unflattened Properties",
      `Id,TimeCreated,MachineName,Properties\n12290,2026-11-23T08:00:00Z,kms1,System.Collections.Generic.List\`1[x]\n`,
      2,
      "the Properties column holds only a .NET type name",
    ],
    ["a time in another form", `Id,TimeCreated,MachineName,Properties\n12290,23.11.2026 08:00,kms1,"${INFO}"\n`, 2, "TimeCreated is in no form kmssim reads"],
    ["an unclosed quote", `Id,TimeCreated,MachineName,Properties\n12290,2026-11-23T08:00:00Z,kms1,"${INFO}\n`, 2, "not a CSV file kmssim can read"],
    [
      "a bad Info field on line 3",
      `Id,TimeCreated,MachineName,Properties\n12290,2026-11-23T08:00:00Z,kms1,"${INFO}"\n12290,2026-11-23T08:00:00Z,kms1,"${INFO.replace(",25,", ",x,")}"\n`,
      3,
      "event 12290: field 2 (N-policy) is not a whole number",
    ],
  ])("refuses %s with the line and why", (_, text, line, reason) => {
    const problem = (() => {
      try {
        kmsLogOf([readExport(text, "x")]);
      } catch (error) {
        if (error instanceof ImportError) return { line: error.line, reason: error.reason };
        throw error;
      }
      return null;
    })();
    expect(problem?.line).toBe(line);
    expect(problem?.reason).toContain(reason);
  });
});

describe("forms of XML", () => {
  const event = (id: string, data: string): string =>
    `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID>${id}</EventID><TimeCreated SystemTime='2026-11-23T08:00:00.0000000Z'/><Computer>kms1</Computer></System><EventData>${data}</EventData></Event>`;

  it("takes events inside an <Events> root and several <Data> joined by commas", () => {
    const parts = INFO.split(",");
    const text = `<Events>\n${event("12290", parts.map((p) => `<Data>${p}</Data>`).join(""))}\n</Events>`;
    const [read] = readExport(text, "x");
    expect(read).toMatchObject({ line: 2, info: INFO, computer: "kms1" });
  });

  it.each([
    ["no events", "<Events></Events>", 1, "no <Event> elements"],
    ["a DOCTYPE (entity expansion)", `<!DOCTYPE x [<!ENTITY a "aaaa">]>\n${event("12290", "<Data>&a;</Data>")}`, 1, "a DOCTYPE"],
    ["a cut-off export", `${event("12290", `<Data>${INFO}</Data>`)}\n<Event><System>`, 2, "never ends"],
    ["no Data", event("12290", ""), 1, "<EventData> has no <Data>"],
    [
      "malformed XML on its second line",
      `${event("12290", `<Data>${INFO}</Data>`)}\n<Event><System><EventID>12290</EventID></Sys></Event>`,
      2,
      "not well-formed XML",
    ],
  ])("refuses %s", (_, text, line, reason) => {
    const problem = refusal(text);
    expect(problem.line).toBe(line);
    expect(problem.reason).toContain(reason);
  });
});

describe("what an export may not hold", () => {
  const csvRow = (k: number): string => `12290,2026-11-23T08:00:0${k}Z,kms1,"${INFO}"`;
  const xmlEvent = (k: number): string =>
    `<Event><System><EventID>12290</EventID><TimeCreated SystemTime='2026-11-23T08:00:0${k}Z'/><Computer>kms1</Computer></System><EventData><Data>${INFO}</Data></EventData></Event>`;
  const capReason = `more than ${MAX_IMPORT_EVENTS.toLocaleString("en-US")} events in the exports together`;

  it.each([
    ["CSV", ["Id,TimeCreated,MachineName,Properties", ...[1, 2, 3, 4].map(csvRow)].join("\n"), 5],
    ["XML", [1, 2, 3, 4].map(xmlEvent).join("\n"), 4],
  ])("a %s export with more events than it may still hold is refused at the first one past them", (_, text, line) => {
    expect(readExport(text, "x", 4)).toHaveLength(4);
    const refused = (() => {
      try {
        readExport(text, "x", 3);
      } catch (error) {
        if (error instanceof ImportError) return error;
        throw error;
      }
      return null;
    })();
    expect(refused?.line).toBe(line);
    expect(refused?.reason).toContain(capReason);
  });

  it("a CSV record becomes an event as it is parsed: a bad row is refused before the rows after it are read", () => {
    // The unclosed quote on line 4 would be a CSV error, were the whole file parsed before the events were read.
    const text = ["Id,TimeCreated,MachineName,Properties", csvRow(1), "x,2026-11-23T08:00:00Z,kms1,a", `12290,2026-11-23T08:00:00Z,kms1,"${INFO}`].join("\n");
    expect(refusal(text)).toEqual({ line: 3, reason: "the Id column is not an event id" });
  });

  it("XML elements nested past the reader's limit are refused at their <Event>, in plain words", () => {
    const deep = `${"<a>".repeat(101)}x${"</a>".repeat(101)}`;
    const text = `${xmlEvent(1)}\n<Event><System><EventID>12290</EventID><TimeCreated SystemTime='2026-11-23T08:00:00Z'/><Computer>kms1</Computer></System><EventData><Data>${deep}</Data></EventData></Event>`;
    expect(refusal(text)).toEqual({ line: 2, reason: expect.stringContaining("nested more than 100 deep") });
  });

  it.each([
    ["a CSV MachineName", `Id,TimeCreated,MachineName,Properties\n12290,2026-11-23T08:00:00Z,"kms1\nmode: realtime\n#","${INFO}"\n`, 2, "MachineName"],
    ["a CSV MachineName with a space", `Id,TimeCreated,MachineName,Properties\n12290,2026-11-23T08:00:00Z,kms1 x,"${INFO}"\n`, 2, "MachineName"],
    [
      "an XML <Computer>",
      `${xmlEvent(1)}\n${xmlEvent(2).replace("<Computer>kms1</Computer>", "<Computer>kms1\nmode: realtime\n#</Computer>")}`,
      2,
      "<Computer>",
    ],
  ])("%s that is not a host name is refused, without quoting it", (_, text, line, what) => {
    const problem = refusal(text);
    expect(problem).toEqual({ line, reason: expect.stringContaining(`${what} is not a host name`) });
    expect(problem.reason).not.toContain("realtime");
  });
});

describe("any damage to an export", () => {
  it("is read or refused with an ImportError, never another error", () => {
    const csv = fixture("kms1.csv").slice(0, 4000);
    const xml = fixture("kms2.xml").slice(0, 4000);
    fc.assert(
      fc.property(fc.constantFrom(csv, xml), fc.nat(), fc.nat({ max: 40 }), fc.string({ maxLength: 6 }), (text, at, cut, insert) => {
        const where = at % text.length;
        const damaged = text.slice(0, where) + insert + text.slice(where + cut);
        try {
          kmsLogOf([readExport(damaged, "x")]);
        } catch (error) {
          expect(error).toBeInstanceOf(ImportError);
          expect((error as ImportError).line).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 300 },
    );
  });
});
