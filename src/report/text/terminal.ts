// What the terminal the summary goes to wants: colours or not, and how many columns.

/** Columns when the output is not a terminal and COLUMNS does not say (a CI log, a file). */
export const DEFAULT_COLUMNS = 120;
/** Below this a layout cannot be helped: tables fold to one column beside the name. */
const MIN_COLUMNS = 40;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Colours as Node decides them for its own output: FORCE_COLOR (anything but 0 or false)
 * turns them on even into a pipe; NO_COLOR (non-empty, https://no-color.org),
 * NODE_DISABLE_COLORS and TERM=dumb turn them off; otherwise a terminal gets them.
 */
export function wantsColor(stream: { isTTY?: boolean }, env: Env = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force.toLowerCase() !== "false";
  if ((env.NO_COLOR ?? "") !== "" || env.NODE_DISABLE_COLORS !== undefined || env.TERM === "dumb") return false;
  return stream.isTTY === true;
}

/** The terminal's width in columns; else COLUMNS; else DEFAULT_COLUMNS. */
export function terminalColumns(stream: { isTTY?: boolean; columns?: number }, env: Env = process.env): number {
  const fromEnv = Number(env.COLUMNS);
  const columns = stream.isTTY === true && (stream.columns ?? 0) > 0 ? stream.columns! : Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_COLUMNS;
  return Math.max(MIN_COLUMNS, columns);
}
