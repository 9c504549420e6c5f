// Client traces: the file format, where a scenario may read one from, and the boots a group
// takes from it (the trace itself, or its quantiles for another fleet size).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_TRACE_ROWS, parseTrace, traceBootOffsets, TRACE_HEADER } from "../../src/scenario/trace.js";
import { loadScenarioText } from "../../src/scenario/load.js";

const SCENARIO = (trace: string): string => `hosts: [{ name: kms1 }]\nclients:\n  - { name: desktops, count: 3, trace: ${trace} }\n`;

describe("parseTrace", () => {
  it("groups rows by group, in ms, sorted", () => {
    const parsed = parseTrace(`${TRACE_HEADER}\r\npc2,desktops,7.5\npc1,desktops,1\npc9,servers,0\n\n`);
    expect(parsed).toEqual({
      ok: true,
      offsetsMsByGroup: new Map([
        ["desktops", [1000, 7500]],
        ["servers", [0]],
      ]),
    });
  });

  it.each([
    ["client;group;t\n", 1, "the first line must be the header"],
    [`${TRACE_HEADER}\npc1,desktops\n`, 2, "a row has 3 fields"],
    [`${TRACE_HEADER}\npc1,desktops,1\npc2,,2\n`, 3, "empty"],
    [`${TRACE_HEADER}\npc1,desktops,-1\n`, 2, "not a number of seconds"],
    [`${TRACE_HEADER}\npc1,desktops,1e3\n`, 2, "not a number of seconds"],
  ])("refuses %j at line %i", (text, line, reason) => {
    const parsed = parseTrace(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.line).toBe(line);
      expect(parsed.reason).toContain(reason);
    }
  });
});

describe("parseTrace's row cap", () => {
  // Empty rows, 1 byte each, keep the texts at 5 MB.
  it("takes MAX_TRACE_ROWS rows and refuses the next at its line", () => {
    expect(parseTrace(`${TRACE_HEADER}\n${"\n".repeat(MAX_TRACE_ROWS - 1)}pc1,desktops,1\n`)).toEqual({
      ok: true,
      offsetsMsByGroup: new Map([["desktops", [1000]]]),
    });
    expect(parseTrace(`${TRACE_HEADER}\n${"\n".repeat(MAX_TRACE_ROWS)}pc1,desktops,1\n`)).toEqual({
      ok: false,
      line: MAX_TRACE_ROWS + 2,
      reason: `more than ${MAX_TRACE_ROWS} rows`,
    });
  });

  it("reports a bad row before the cap at its own line", () => {
    expect(parseTrace(`${TRACE_HEADER}\npc1,desktops\n${"\n".repeat(MAX_TRACE_ROWS)}`)).toMatchObject({ ok: false, line: 2 });
  });
});

describe("traceBootOffsets", () => {
  it("is the trace itself for as many clients, divided by the speedup", () => {
    expect([...traceBootOffsets([0, 1000, 4000], 3, 2)]).toEqual([0, 500, 2000]);
  });

  it("for any trace and fleet size: ascending, within the trace's span, and the first boot the trace's first", () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 1e9 }), { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 1000 }), (raw, count) => {
        const trace = [...raw].sort((a, b) => a - b);
        const offsets = [...traceBootOffsets(trace, count, 1)];
        expect(offsets).toHaveLength(count);
        expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
        expect(offsets[0]).toBe(trace[0]);
        for (const o of offsets) expect(trace).toContain(o);
      }),
    );
  });
});

describe("a scenario's trace", () => {
  it("is read relative to the scenario and fills the group's boots", () => {
    const asked: string[] = [];
    const loaded = loadScenarioText(SCENARIO("fleet.trace.csv"), "s.yaml", {
      readTrace: (file) => (asked.push(file), `${TRACE_HEADER}\na,desktops,3\nb,desktops,1\n`),
    });
    expect(asked).toEqual(["fleet.trace.csv"]);
    expect(loaded.ok && loaded.scenario.clients[0].trace).toEqual({ file: "fleet.trace.csv", speedup: 1, offsetsMs: [1000, 3000] });
  });

  it.each([
    ["/etc/passwd", "not absolute"],
    ["../secret.csv", "no '..'"],
    ["traces/../../x.csv", "no '..'"],
  ])("may not leave the scenario's folder: %s", (path, reason) => {
    let read = false;
    const loaded = loadScenarioText(SCENARIO(path), "s.yaml", { readTrace: () => ((read = true), "") });
    expect(read).toBe(false);
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.errors[0]).toMatchObject({ path: "clients[0].trace", line: 3 });
    if (!loaded.ok) expect(loaded.errors[0].message).toContain(reason);
  });

  it("says which line of the trace is wrong and which group has no rows, never quoting the file", () => {
    const bad = loadScenarioText(SCENARIO("t.csv"), "s.yaml", { readTrace: () => `${TRACE_HEADER}\nsecret-value,desktops\n` });
    expect(!bad.ok && bad.errors[0].message).toBe("trace file 't.csv' line 2: a row has 3 fields (client,group,firstRequestS), this one has 2");
    const none = loadScenarioText(SCENARIO("t.csv"), "s.yaml", { readTrace: () => `${TRACE_HEADER}\npc,servers,1\n` });
    expect(!none.ok && none.errors[0].message).toBe("trace file 't.csv' has no rows for group 'desktops'");
    const symlink = loadScenarioText(SCENARIO("t.csv"), "s.yaml", {
      readTrace: () => {
        throw Object.assign(new Error("ELOOP"), { code: "ELOOP" });
      },
    });
    expect(!symlink.ok && symlink.errors[0].message).toBe("cannot read trace file 't.csv': it is a symlink: name the file itself");
  });
});
