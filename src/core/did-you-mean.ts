// "Did you mean" suggestions for unknown keys, metric names and codes.

/**
 * Edit distance with adjacent transpositions (optimal string alignment), so a swapped
 * pair of letters ("sahre" → "share") counts as one typo.
 */
export function editDistance(a: string, b: string): number {
  const width = b.length + 1;
  // Stryker disable next-line ArrayDeclaration: its first contents are never read (row 1 finds no swap, see below; row 2 overwrites them), the size only saves a resize
  let beforePrev = new Array<number>(width).fill(0);
  // Stryker disable next-line ArrayDeclaration: every slot is written before it is read (JS arrays grow), the size only saves a resize
  let prev = new Array<number>(width);
  // Stryker disable next-line ArrayDeclaration: every slot is written before it is read (JS arrays grow), the size only saves a resize
  let curr = new Array<number>(width);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    curr[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min(prev[j] + 1, curr[j - 1] + 1, prev[j - 1] + cost);
      // The last two letters swapped. In the first row or column charCodeAt(-1) is NaN, which
      // matches nothing, so beforePrev[j - 2] is read only from i = 2, j = 2 on.
      if (a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        d = Math.min(d, beforePrev[j - 2] + 1);
      }
      curr[j] = d;
    }
    [beforePrev, prev, curr] = [prev, curr, beforePrev];
  }
  return prev[b.length];
}

/**
 * The candidate closest to `input` (case-insensitive), if it is close enough to be a
 * plausible typo: at most a third of the input's length, and at least 1 edit allowed.
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const needle = input.toLowerCase();
  const limit = Math.max(1, Math.floor(needle.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(needle, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** " (did you mean 'x'?)" or "" — ready to append to a message. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const hit = closest(input, candidates);
  return hit === undefined ? "" : ` (did you mean '${hit}'?)`;
}
