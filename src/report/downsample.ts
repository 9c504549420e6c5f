// Long series thinned for drawing: a 300,000-point SVG path is megabytes no eye can read
// on a 900-pixel chart. Each bucket keeps its first, lowest, highest and last point (M4),
// so a one-sample spike or dip still shows, and the line still starts and ends in place.

/** Buckets per chart: about one per pixel column of the plot. */
export const CHART_BUCKETS = 1000;

/** The largest of `values` (at least `floor`), by a loop: spreading 300k values into Math.max overflows the stack. */
export function maxOf(values: Iterable<number>, floor = 0): number {
  let most = floor;
  for (const v of values) if (v > most) most = v;
  return most;
}

/** Index ranges [from, to) cutting `length` items into at most `buckets` consecutive runs of near-equal size. */
export function bucketRanges(length: number, buckets = CHART_BUCKETS): [number, number][] {
  const count = Math.max(1, Math.min(length, Math.floor(buckets)));
  const ranges: [number, number][] = [];
  for (let b = 0; b < count; b++) {
    const from = Math.floor((b * length) / count);
    const to = Math.floor(((b + 1) * length) / count);
    if (to > from) ranges.push([from, to]);
  }
  return ranges;
}

/**
 * At most 4 × `buckets` of `points` (in x order): per bucket the first, the lowest, the
 * highest and the last, in their own order. Short series come back as they are.
 */
export function downsampleMinMax<P>(points: readonly P[], valueOf: (p: P) => number, buckets = CHART_BUCKETS): P[] {
  if (points.length <= 4 * buckets) return [...points];
  const kept: P[] = [];
  for (const [from, to] of bucketRanges(points.length, buckets)) {
    let low = from;
    let high = from;
    for (let k = from + 1; k < to; k++) {
      if (valueOf(points[k]) < valueOf(points[low])) low = k;
      if (valueOf(points[k]) > valueOf(points[high])) high = k;
    }
    for (const k of [...new Set([from, low, high, to - 1])].sort((a, b) => a - b)) kept.push(points[k]);
  }
  return kept;
}

/**
 * `downsampleMinMax` for a series with gaps (null): a bucket without any point becomes one
 * null, so a line through the result still breaks there; a bucket with points keeps their
 * first, lowest, highest and last (a gap narrower than a bucket is below a pixel).
 */
export function downsampleGapped<P>(points: readonly (P | null)[], valueOf: (p: P) => number, buckets = CHART_BUCKETS): (P | null)[] {
  if (points.length <= 4 * buckets) return [...points];
  const kept: (P | null)[] = [];
  for (const [from, to] of bucketRanges(points.length, buckets)) {
    let first = -1;
    let last = -1;
    let low = -1;
    let high = -1;
    for (let k = from; k < to; k++) {
      const p = points[k];
      if (p === null) continue;
      if (first < 0) first = low = high = k;
      last = k;
      if (valueOf(p) < valueOf(points[low] as P)) low = k;
      if (valueOf(p) > valueOf(points[high] as P)) high = k;
    }
    if (first < 0) {
      if (kept[kept.length - 1] !== null) kept.push(null);
      continue;
    }
    for (const k of [...new Set([first, low, high, last])].sort((a, b) => a - b)) kept.push(points[k]);
  }
  return kept;
}
