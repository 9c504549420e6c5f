// Timelines of shard results added up, sample by sample. Virtual shards sample at the
// same simulated instants; realtime shards may end a little apart, so samples are
// matched by time: at an instant a shard has no sample for, its cumulative counts
// (activated, licensed) are those of its latest earlier sample and its interval counts 0.
// The spread of each interval is recomputed from the summed requests and promised requests.

import { spreadOfCounts } from "../core/metrics/spread.js";
import type { TimelineSample } from "../results/result.js";
import type { ShardInput } from "./check-shards.js";

export function mergeTimelines(shards: readonly ShardInput[], hostNames: readonly string[]): TimelineSample[] {
  const times = [...new Set(shards.flatMap((s) => s.result.timeline.map((sample) => sample.t)))].sort((a, b) => a - b);
  const cursors = shards.map(() => -1);
  return times.map((t) => {
    let activated = 0;
    let licensed = 0;
    const requests = hostNames.map(() => 0);
    const expected = hostNames.map(() => 0);
    const lowCounts: Record<string, string[]>[] = [];
    shards.forEach(({ result }, s) => {
      const timeline = result.timeline;
      while (cursors[s] + 1 < timeline.length && timeline[cursors[s] + 1].t <= t) cursors[s]++;
      const latest = cursors[s] >= 0 ? timeline[cursors[s]] : undefined;
      if (latest === undefined) return;
      activated += latest.activated;
      licensed += latest.licensed;
      if (latest.t !== t) return;
      lowCounts.push(latest.lowCount ?? {});
      hostNames.forEach((name, h) => {
        requests[h] += latest.hostRequests[name] ?? 0;
        expected[h] += latest.hostExpected?.[name] ?? 0;
      });
    });
    const hostRequests: Record<string, number> = {};
    hostNames.forEach((name, h) => (hostRequests[name] = requests[h]));
    const lowCount = lowInEvery(lowCounts);
    return { t, activated, licensed, hostRequests, spread: spreadOfCounts(requests, expected), ...(lowCount === null ? {} : { lowCount }) };
  });
}

/** Low in every shard sampled at the instant (as merge-hosts does for a host's lowCount at the end); null: none. */
function lowInEvery(lowCounts: readonly Record<string, string[]>[]): Record<string, string[]> | null {
  const [first, ...rest] = lowCounts;
  if (first === undefined) return null;
  const merged: Record<string, string[]> = {};
  for (const [host, products] of Object.entries(first)) {
    const everywhere = products.filter((p) => rest.every((other) => other[host]?.includes(p) === true));
    if (everywhere.length > 0) merged[host] = everywhere;
  }
  return Object.keys(merged).length > 0 ? merged : null;
}
