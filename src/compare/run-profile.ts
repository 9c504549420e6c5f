// The numbers compare looks at in one result, each with the direction that is better.
// Names follow the result JSON (and threshold metrics) where the value is stored there.

import type { Result } from "../results/result.js";
import { metricLeaves } from "../results/result-metrics.js";
import type { Better as SchemaBetter, MetricUnit } from "../results/result-schema.js";
import { CONFIDENCE } from "../stats/confidence.js";
import { histogramList, mergedLatency, PERCENTILE_KEYS } from "./merged-latency.js";
import type { SampleInterval } from "./noise.js";

/** "neither": a number with no better direction (a host's share); it never regresses. */
export type Better = SchemaBetter | "neither";
export type { MetricUnit };

export interface MetricValue {
  metric: string;
  unit: MetricUnit;
  better: Better;
  /** null: not measured in this run (e.g. a success rate with nothing sent). */
  value: number | null;
}

/** Who ran: compare warns when these differ between the two runs. */
export interface RunIdentity {
  scenario: string;
  mode: string;
  seed: number;
  clients: number;
  interrupted: boolean;
}

export interface RunProfile {
  identity: RunIdentity;
  /** Fixed metrics, present in every run, in display order. */
  metrics: MetricValue[];
  /** Error counts by code, per group (`rpc.activation.errors` → code → count); an absent code is 0. */
  errorGroups: { prefix: string; counts: Record<string, number> }[];
  /** Every number of the result by its path (the result schema's metrics): `--metric` may name any. */
  fields: ReadonlyMap<string, MetricValue>;
  /** Latency percentile metrics with the interval their sample supports (single-run noise). */
  intervals: ReadonlyMap<string, SampleInterval>;
}

const ratio = (ok: number, sent: number): number | null => (sent > 0 ? ok / sent : null);

/**
 * Extracts every compared metric; throws CompareError on a histogram that does not decode.
 * `confidence` sizes the percentiles' sampling intervals.
 */
export function profileOf(result: Result, confidence = CONFIDENCE): RunProfile {
  const fields = new Map(
    metricLeaves(result).map((leaf): [string, MetricValue] => [
      leaf.path,
      { metric: leaf.path, unit: leaf.unit, better: leaf.better ?? "neither", value: leaf.value },
    ]),
  );
  /** A number of the result, its unit and direction as the result schema gives them. */
  const field = (metric: string): MetricValue => {
    const value = fields.get(metric);
    if (value === undefined) throw new Error(`the result schema has no metric '${metric}'`);
    return value;
  };
  const metrics: MetricValue[] = [];
  const intervals = new Map<string, SampleInterval>();
  const latency = (prefix: string, holder: { histogram: string | readonly string[] }): void => {
    const merged = mergedLatency(histogramList(holder.histogram), `${prefix}.histogram`, confidence);
    for (const key of PERCENTILE_KEYS) {
      const metric = `${prefix}.latencyMs.${key}`;
      metrics.push({ ...field(metric), value: merged.percentiles[key] });
      intervals.set(metric, merged.intervals[key]);
    }
  };
  /** A number compared as the result stores it. */
  const stored = (metric: string): void => void metrics.push(field(metric));
  const fraction = (metric: string, better: Better, value: number | null): void => void metrics.push({ metric, unit: "ratio", better, value });

  const { activation, renewal } = result.rpc;
  latency("rpc.activation", activation);
  latency("rpc.renewal", renewal);
  latency("dns", result.dns);
  fraction("rpc.activation.successRate", "higher", ratio(activation.ok, activation.sent));
  fraction("rpc.renewal.successRate", "higher", ratio(renewal.ok, renewal.sent));
  for (const metric of ["clients.notActivated", "clients.unlicensed", "failovers", "rediscoveries", "dns.failed", "spread.maxShareDeviation", "spread.jain"]) {
    stored(metric);
  }

  return {
    identity: {
      scenario: result.scenario,
      mode: result.mode,
      seed: result.seed,
      clients: result.clients.total,
      interrupted: result.interrupted === true,
    },
    metrics,
    errorGroups: [
      { prefix: "rpc.activation.errors", counts: activation.errors },
      { prefix: "rpc.renewal.errors", counts: renewal.errors },
      { prefix: "clients.errors", counts: result.clients.errors },
    ],
    fields,
    intervals,
  };
}
