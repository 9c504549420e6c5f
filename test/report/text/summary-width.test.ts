// The summary fits the terminal it goes to: at 80 and 100 columns no line is wider, and
// folding a wide table loses no cell. Widths count terminal columns: wide (East Asian)
// characters take two, ANSI colours none.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderSummary } from "../../../src/report/text/summary.js";
import { visibleWidth } from "../../../src/format/format-table.js";
import { fitTable, wrapLine } from "../../../src/format/fit-width.js";
import type { Result } from "../../../src/results/result.js";
import { simulate } from "../../sim/helpers.js";
import fc from "fast-check";

const shipped = (name: string): string => readFileSync(new URL(`../../../scenarios/${name}`, import.meta.url), "utf8");

/** A fault-heavy run with products and events, kept small. */
function failoverResult(): Result {
  return simulate(shipped("failover.yaml").replace(/count: (\d+)/g, (_, n: string) => `count: ${Math.min(Number(n), 300)}`)).result;
}

describe("summary width", () => {
  for (const width of [80, 100]) {
    for (const color of [false, true]) {
      it(`no line is wider than ${width} columns${color ? " (in colour)" : ""}`, () => {
        const result = failoverResult();
        const text = renderSummary(result, { color, width });
        const wide = text.split("\n").filter((line) => visibleWidth(line) > width);
        expect(wide).toEqual([]);
        // Folded, not dropped: every host's name and request count is still there.
        for (const h of result.hosts) {
          expect(text).toContain(h.name);
          expect(text).toContain(h.requests.toLocaleString("en-US"));
        }
      });
    }
  }

  it("counts a wide character as two columns", () => {
    const result = failoverResult();
    result.hosts[0].name = "東京-kms-本社";
    const text = renderSummary(result, { color: false, width: 80 });
    expect(text.split("\n").filter((line) => visibleWidth(line) > 80)).toEqual([]);
    expect(visibleWidth("東京")).toBe(4);
  });

  it("fitTable keeps every cell and the key column in each fold, whatever the width", () => {
    const cell = fc.stringMatching(/^[a-z0-9.%東]{1,9}$/);
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 6, maxLength: 6 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 20, max: 90 }), (rows, width) => {
        const lines = fitTable(rows, { width, indent: 2 });
        const text = lines.join("\n");
        for (const row of rows) for (const c of row) expect(text).toContain(c);
        const folds = lines.filter((l) => l === "").length + 1;
        // Each fold repeats the key column of every row.
        for (const row of rows) expect(lines.filter((l) => l.trimStart().startsWith(row[0])).length).toBeGreaterThanOrEqual(folds);
      }),
    );
  });

  it("wrapLine never cuts a word and keeps the words in order", () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z0-9=.]{1,12}$/), { minLength: 1, maxLength: 30 }), fc.integer({ min: 16, max: 80 }), (words, width) => {
        const line = "  " + words.join(" ");
        const lines = wrapLine(line, width, 6);
        expect(
          lines
            .map((l) => l.trim())
            .join(" ")
            .split(/ +/),
        ).toEqual(words);
        for (const l of lines) if (visibleWidth(l) > width) expect(l.trim().split(" ")).toHaveLength(1);
      }),
    );
  });
});
