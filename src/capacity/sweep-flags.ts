// Command-line spellings of a capacity sweep: host counts (`1..8`, `1,2,4`, `2..4,8`) and
// fleet sizes (`10000,50000`). Each parser returns the sorted distinct values or a
// message saying what is wrong (the CLI turns it into exit code 2).

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** More runs than this in one sweep is a typo, not a plan. */
export const MAX_RUNS = 1_000;

const WHOLE = /^\d+$/;
const RANGE = /^(\d+)\.\.(\d+)$/;

/** `1..8`, `3`, `1,2,4` or a mix (`1..4,8`), each count from 1 to `maxHosts`. */
export function parseHostCounts(text: string, maxHosts: number): Parsed<number[]> {
  const example = "write e.g. 1..8, 3 or 1,2,4";
  const counts = new Set<number>();
  const parts = text.split(",").map((p) => p.trim());
  for (const part of parts) {
    const range = RANGE.exec(part);
    const [from, to] = range !== null ? [Number(range[1]), Number(range[2])] : WHOLE.test(part) ? [Number(part), Number(part)] : [NaN, NaN];
    if (Number.isNaN(from)) return { ok: false, message: `'${part}' in '${text}' is not a host count or a range of them; ${example}` };
    if (from > to) return { ok: false, message: `range '${part}' runs backwards; write the smaller count first (e.g. ${to}..${from})` };
    if (from < 1 || to > maxHosts) return { ok: false, message: `host counts must be from 1 to ${maxHosts}, got '${part}'` };
    for (let k = from; k <= to; k++) counts.add(k);
  }
  return { ok: true, value: [...counts].sort((a, b) => a - b) };
}

/** `10000,50000,100000`: total clients per run, each at least `minClients` (one per client group). */
export function parseFleetSizes(text: string, minClients: number): Parsed<number[]> {
  const sizes = new Set<number>();
  for (const part of text.split(",").map((p) => p.trim())) {
    if (!WHOLE.test(part) || !Number.isSafeInteger(Number(part))) {
      return { ok: false, message: `'${part}' in '${text}' is not a whole number of clients; write e.g. 10000,50000` };
    }
    const n = Number(part);
    if (n < minClients) return { ok: false, message: `each fleet size must be at least ${minClients} (one client per client group), got ${n}` };
    sizes.add(n);
  }
  return { ok: true, value: [...sizes].sort((a, b) => a - b) };
}
