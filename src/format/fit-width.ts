// Text that fits the terminal: a table too wide is folded into several tables stacked
// (the key columns repeated in each, no cell dropped), a long line is wrapped at spaces
// with a hanging indent. Widths are the terminal's columns (ANSI colours take none).

import { formatTable, visibleWidth, type Align, type TableOptions } from "./format-table.js";

export interface FitOptions extends TableOptions {
  /** Terminal columns available. */
  width: number;
  /** Leading columns repeated in every fold (the row's name). Default 1. */
  keyColumns?: number;
}

/** Widest of some lines, in terminal columns. */
function widest(lines: readonly string[]): number {
  return lines.reduce((a, line) => Math.max(a, visibleWidth(line)), 0);
}

/** Widest line of a table as formatTable lays it out. */
function tableWidth(rows: readonly (readonly string[])[], options: TableOptions): number {
  return widest(formatTable(rows, options));
}

/**
 * The table as formatTable lays it out when it fits `width`; otherwise its columns after
 * the key columns are split into consecutive groups, each shown as a table of its own with
 * the key columns first, separated by a blank line.
 */
export function fitTable(rows: readonly (readonly string[])[], options: FitOptions): string[] {
  const { width, keyColumns = 1, ...table } = options;
  const whole = formatTable(rows, table);
  if (widest(whole) <= width) return whole;
  let columns = 0;
  for (const row of rows) columns = Math.max(columns, row.length);
  const keys = Array.from({ length: Math.min(keyColumns, columns) }, (_, k) => k);
  const pick = (cols: readonly number[]): { rows: string[][]; align: Align[] } => ({
    rows: rows.map((row) => cols.map((c) => row[c] ?? "")),
    align: cols.map((c) => table.align?.[c] ?? "left"),
  });
  const folds: number[][] = [];
  let group: number[] = [];
  for (let c = keys.length; c < columns; c++) {
    const trial = pick([...keys, ...group, c]);
    // A column that does not fit even alone beside the keys still gets a fold of its own.
    if (group.length > 0 && tableWidth(trial.rows, { ...table, align: trial.align }) > width) {
      folds.push(group);
      group = [];
    }
    group.push(c);
  }
  if (group.length > 0) folds.push(group);
  return folds.flatMap((fold, k) => {
    const part = pick([...keys, ...fold]);
    return [...(k > 0 ? [""] : []), ...formatTable(part.rows, { ...table, align: part.align })];
  });
}

/**
 * A line wrapped at spaces to `width` columns; continuation lines start with `hangIndent`
 * spaces. A word longer than a line stays whole (never cut inside a number or a code).
 */
export function wrapLine(line: string, width: number, hangIndent: number): string[] {
  if (visibleWidth(line) <= width) return [line];
  const lead = /^ */.exec(line)![0];
  const words = line.slice(lead.length).split(" ");
  const lines: string[] = [];
  let current = lead;
  let currentWidth = lead.length;
  /** Nothing on the current line yet but its indent: the next word needs no space before it. */
  let fresh = true;
  for (const word of words) {
    const w = visibleWidth(word);
    if (fresh && word === "" && lines.length > 0) continue;
    if (!fresh && currentWidth + 1 + w > width) {
      lines.push(current.trimEnd());
      [current, currentWidth, fresh] = [" ".repeat(hangIndent), hangIndent, true];
      if (word === "") continue;
    }
    current += (fresh ? "" : " ") + word;
    currentWidth += (fresh ? 0 : 1) + w;
    fresh = false;
  }
  lines.push(current.trimEnd());
  return lines;
}
