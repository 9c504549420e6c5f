import { describe, expect, it } from "vitest";
import { DEFAULT_COLUMNS, terminalColumns, wantsColor } from "../../../src/report/text/terminal.js";

const tty = { isTTY: true, columns: 100 };
const pipe = { isTTY: false };

describe("wantsColor", () => {
  it("colours a terminal, not a pipe, by default", () => {
    expect(wantsColor(tty, {})).toBe(true);
    expect(wantsColor(pipe, {})).toBe(false);
  });

  it("honours NO_COLOR (non-empty), NODE_DISABLE_COLORS and TERM=dumb on a terminal", () => {
    expect(wantsColor(tty, { NO_COLOR: "1" })).toBe(false);
    expect(wantsColor(tty, { NO_COLOR: "" })).toBe(true);
    expect(wantsColor(tty, { NODE_DISABLE_COLORS: "1" })).toBe(false);
    expect(wantsColor(tty, { TERM: "dumb" })).toBe(false);
  });

  it("FORCE_COLOR turns colours on even into a pipe, and 0 or false turns them off", () => {
    expect(wantsColor(pipe, { FORCE_COLOR: "1" })).toBe(true);
    expect(wantsColor(pipe, { FORCE_COLOR: "" })).toBe(true);
    expect(wantsColor(tty, { FORCE_COLOR: "0" })).toBe(false);
    expect(wantsColor(tty, { FORCE_COLOR: "false" })).toBe(false);
    // As Node does for its own output: FORCE_COLOR wins over NO_COLOR.
    expect(wantsColor(pipe, { FORCE_COLOR: "1", NO_COLOR: "1" })).toBe(true);
  });
});

describe("terminalColumns", () => {
  it("takes a terminal's width, else COLUMNS, else the default; never below 40", () => {
    expect(terminalColumns(tty, { COLUMNS: "60" })).toBe(100);
    expect(terminalColumns(pipe, { COLUMNS: "80" })).toBe(80);
    expect(terminalColumns(pipe, { COLUMNS: "wide" })).toBe(DEFAULT_COLUMNS);
    expect(terminalColumns(pipe, {})).toBe(DEFAULT_COLUMNS);
    expect(terminalColumns({ isTTY: true, columns: 12 }, {})).toBe(40);
  });
});
