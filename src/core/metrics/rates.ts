// Rates per simulated second, as a capacity planner reads them: over the whole run, and in
// the busiest timeline interval (k6 prints a rate beside every counter).

/** Count per second over `seconds` (0 when no time passed). */
export function perSecond(count: number, seconds: number): number {
  return seconds > 0 ? count / seconds : 0;
}

/**
 * The highest count per second of any interval. `ends` are the intervals' end times
 * (seconds, ascending, the first interval from 0), `counts` what each interval held.
 * Intervals shorter than half the longest are left out: a last, partial interval of a few
 * milliseconds would turn one late answer into a spike.
 */
export function peakPerSecond(ends: readonly number[], counts: readonly number[]): number {
  let longest = 0;
  for (let k = 0; k < ends.length; k++) longest = Math.max(longest, ends[k] - (k === 0 ? 0 : ends[k - 1]));
  let peak = 0;
  ends.forEach((end, k) => {
    const length = end - (k === 0 ? 0 : ends[k - 1]);
    if (length > 0 && length * 2 >= longest) peak = Math.max(peak, counts[k] / length);
  });
  return peak;
}
