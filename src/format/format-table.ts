// Column alignment for the text summary: cells may carry ANSI colours and wide
// characters; widths count the columns the terminal shows (string-width).

import stringWidth from "string-width";

export type Align = "left" | "right";

/** Terminal columns a text takes: ANSI colour codes none, East Asian wide characters two. */
export function visibleWidth(text: string): number {
  return stringWidth(text);
}

export function pad(text: string, width: number, align: Align): string {
  const fill = " ".repeat(Math.max(0, width - visibleWidth(text)));
  return align === "right" ? fill + text : text + fill;
}

export interface TableOptions {
  /** Per column; missing columns are left-aligned. */
  align?: readonly Align[];
  /** Spaces before each line. */
  indent?: number;
  /** Spaces between columns. */
  gap?: number;
}

/**
 * Rows (the first is usually the header) as aligned lines without trailing spaces.
 * Rows may have different lengths; missing cells are empty.
 */
export function formatTable(rows: readonly (readonly string[])[], options: TableOptions = {}): string[] {
  const { align = [], indent = 0, gap = 2 } = options;
  // Loops, not Math.max(...rows): a spread of a long table overflows the call stack.
  let columns = 0;
  for (const row of rows) columns = Math.max(columns, row.length);
  const widths = Array.from({ length: columns }, () => 0);
  for (const row of rows) for (let c = 0; c < columns; c++) widths[c] = Math.max(widths[c], visibleWidth(row[c] ?? ""));
  return rows.map((row) => {
    const cells = widths.map((width, c) => pad(row[c] ?? "", width, align[c] ?? "left"));
    return (" ".repeat(indent) + cells.join(" ".repeat(gap))).trimEnd();
  });
}
