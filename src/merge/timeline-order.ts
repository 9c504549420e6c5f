// What `kmssim merge` needs of a shard beyond the result schema (results/result-schema.ts,
// checked first): timeline samples in time order, since samples are matched by time,
// walking each shard's timeline forward.

import type { Result } from "../results/result.js";

/** The first sample out of time order, as `path: problem`; null when there is none. */
export function timelineOrderProblem(result: Result): string | null {
  let lastT = -Infinity;
  for (const [k, sample] of result.timeline.entries()) {
    if (sample.t < lastT) return `timeline[${k}].t: samples should be in time order (${sample.t} after ${lastT})`;
    lastT = sample.t;
  }
  return null;
}
