// Timelines of shard results added up, sample by sample. Virtual shards sample at the
// same simulated instants; realtime shards may end a little apart, so samples are
// matched by time: at an instant a shard has no sample for, its cumulative counts
// (activated, licensed) are those of its latest earlier sample and its interval counts 0.
// The spread of each interval is recomputed from the summed requests and promised requests.
// Client-side counts (RPCs completed and failed, failures per host) add up; percentiles do
// not, so they come from the shards' interval histograms added bucket by bucket, and are
// left out of an interval where a shard that completed RPCs has none (an older shard file).

import { spreadOfCounts } from "../core/metrics/spread.js";
import { LatencyRecorder } from "../results/latency-recorder.js";
import type { TimelineSample } from "../results/result.js";
import { intervalRpcsOf } from "../results/timeline-recorder.js";
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
    const client = new ClientSideSum(hostNames);
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
      client.add(latest);
    });
    const hostRequests: Record<string, number> = {};
    hostNames.forEach((name, h) => (hostRequests[name] = requests[h]));
    const lowCount = lowInEvery(lowCounts);
    return {
      t,
      activated,
      licensed,
      hostRequests,
      spread: spreadOfCounts(requests, expected),
      ...client.fields(),
      ...(lowCount === null ? {} : { lowCount }),
    };
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

/** One instant's client-side fields of the shards added up. */
class ClientSideSum {
  private readonly activation = new LatencyRecorder();
  private readonly renewal = new LatencyRecorder();
  private failedActivations = 0;
  private failedRenewals = 0;
  private completed = { activation: 0, renewal: 0 };
  private readonly hostErrors: number[];
  private seen = 0;
  /** The one shard's sample while only one brought client-side fields: its percentiles stand as they are. */
  private only: TimelineSample | null = null;
  /** Every shard that completed RPCs of the kind brought its histogram. */
  private exact = { activation: true, renewal: true };

  constructor(private readonly hostNames: readonly string[]) {
    this.hostErrors = hostNames.map(() => 0);
  }

  add(sample: TimelineSample): void {
    if (sample.rpc === undefined) return;
    this.only = this.seen++ === 0 ? sample : null;
    this.failedActivations += sample.rpc.activation.failed;
    this.failedRenewals += sample.rpc.renewal.failed;
    for (const kind of ["activation", "renewal"] as const) {
      this.completed[kind] += sample.rpc[kind].completed;
      const histogram = sample.latencyHistograms?.[kind];
      if (histogram !== undefined) this[kind].add(LatencyRecorder.decode(histogram));
      else if (sample.rpc[kind].completed > 0) this.exact[kind] = false;
    }
    this.hostNames.forEach((name, h) => (this.hostErrors[h] += sample.hostErrors?.[name] ?? 0));
  }

  fields(): Pick<TimelineSample, "rpc" | "hostErrors"> {
    if (this.seen === 0) return {};
    if (this.only?.rpc !== undefined) return { rpc: structuredClone(this.only.rpc), hostErrors: this.hostErrorsRecord() };
    const rpc = intervalRpcsOf(this.activation, this.renewal, this.failedActivations, this.failedRenewals);
    // Counts from the shards' own fields (they hold even where a histogram is missing).
    rpc.activation.completed = this.completed.activation;
    rpc.renewal.completed = this.completed.renewal;
    rpc.all.completed = this.completed.activation + this.completed.renewal;
    if (!this.exact.activation) delete rpc.activation.latencyMs;
    if (!this.exact.renewal) delete rpc.renewal.latencyMs;
    if (!this.exact.activation || !this.exact.renewal) delete rpc.all.latencyMs;
    return { rpc, hostErrors: this.hostErrorsRecord() };
  }

  private hostErrorsRecord(): Record<string, number> {
    const hostErrors: Record<string, number> = {};
    this.hostNames.forEach((name, h) => (hostErrors[name] = this.hostErrors[h]));
    return hostErrors;
  }
}
