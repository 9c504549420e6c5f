// A client trace (`clients[].trace`): when each client of a group sent its first request,
// as `kmssim import` writes it from a KMS host's log. One row per client:
//   client,group,firstRequestS
//   pc0042.corp.example,corp-windows-client,12.5
// firstRequestS is seconds from the trace's start. A group takes the rows with its name;
// messages give the line and never quote the file.

export const TRACE_HEADER = "client,group,firstRequestS";

/** Rows of one trace file, past which it is refused (a few times the largest fleet). */
export const MAX_TRACE_ROWS = 5_000_000;

export type TraceParse = { ok: true; offsetsMsByGroup: Map<string, number[]> } | { ok: false; line: number; reason: string };

export function parseTrace(text: string): TraceParse {
  // Line by line with indexOf, not split: a file of millions of empty lines would otherwise
  // become as many strings before the row cap is checked, and exhaust the heap. A line is
  // trimmed, so a CRLF's CR goes too.
  let at = 0;
  const nextLine = (): string => {
    const end = text.indexOf("\n", at);
    const line = text.slice(at, end < 0 ? text.length : end);
    at = end < 0 ? text.length : end + 1;
    return line.trim();
  };
  if (nextLine().replace(/^\uFEFF/, "") !== TRACE_HEADER) return { ok: false, line: 1, reason: `the first line must be the header ${TRACE_HEADER}` };
  const byGroup = new Map<string, number[]>();
  // After a final newline there is no row.
  for (let lineNumber = 2; at < text.length; lineNumber++) {
    if (lineNumber > MAX_TRACE_ROWS + 1) return { ok: false, line: lineNumber, reason: `more than ${MAX_TRACE_ROWS} rows` };
    const line = nextLine();
    if (line === "") continue;
    const parts = line.split(",");
    if (parts.length !== 3) return { ok: false, line: lineNumber, reason: `a row has 3 fields (${TRACE_HEADER}), this one has ${parts.length}` };
    const [client, group, firstRequestS] = parts.map((p) => p.trim());
    if (client === "" || group === "") return { ok: false, line: lineNumber, reason: "the client or group field is empty" };
    const seconds = /^\d+(\.\d+)?$/.test(firstRequestS) ? Number(firstRequestS) : NaN;
    if (!Number.isFinite(seconds)) return { ok: false, line: lineNumber, reason: "firstRequestS is not a number of seconds ≥ 0" };
    const list = byGroup.get(group) ?? [];
    list.push(seconds * 1000);
    byGroup.set(group, list);
  }
  for (const list of byGroup.values()) list.sort((a, b) => a - b);
  return { ok: true, offsetsMsByGroup: byGroup };
}

/**
 * `count` boot offsets from a group's sorted trace, each divided by `speedup`: the trace
 * itself when the counts agree; otherwise its quantiles, so a fleet scaled with --clients
 * keeps the trace's shape in time.
 */
export function traceBootOffsets(traceMs: readonly number[], count: number, speedup: number): Float64Array {
  const offsets = new Float64Array(count);
  const n = traceMs.length;
  for (let k = 0; k < count; k++) offsets[k] = traceMs[Math.min(n - 1, Math.floor((k * n) / count))] / speedup;
  return offsets;
}
