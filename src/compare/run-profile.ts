// The numbers compare looks at in one result, each with the direction that is better.
// Names follow the result JSON (and threshold metrics) where the value is stored there.

import type { Result } from "../output/result.js";
import { histogramList, mergedLatency, PERCENTILE_KEYS } from "./merged-latency.js";

export type Better = "lower" | "higher";
export type MetricUnit = "ms" | "count" | "ratio";

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
}

/** A result may carry one histogram per kind, or (merged shards) a list to add. */
type MaybeMany<T> = T & { histogram: string | readonly string[] };

const ratio = (ok: number, sent: number): number | null => (sent > 0 ? ok / sent : null);

/** Extracts every compared metric; throws CompareError on a histogram that does not decode. */
export function profileOf(result: Result): RunProfile {
  const metrics: MetricValue[] = [];
  const latency = (prefix: string, holder: MaybeMany<object>): void => {
    const p = mergedLatency(histogramList(holder.histogram), `${prefix}.histogram`);
    for (const key of PERCENTILE_KEYS) metrics.push({ metric: `${prefix}.latencyMs.${key}`, unit: "ms", better: "lower", value: p[key] });
  };
  const count = (metric: string, value: number): void => void metrics.push({ metric, unit: "count", better: "lower", value });
  const fraction = (metric: string, better: Better, value: number | null): void => void metrics.push({ metric, unit: "ratio", better, value });

  const { activation, renewal } = result.rpc;
  latency("rpc.activation", activation);
  latency("rpc.renewal", renewal);
  latency("dns", result.dns);
  fraction("rpc.activation.successRate", "higher", ratio(activation.ok, activation.sent));
  fraction("rpc.renewal.successRate", "higher", ratio(renewal.ok, renewal.sent));
  count("clients.notActivated", result.clients.notActivated);
  count("clients.unlicensed", result.clients.unlicensed);
  count("failovers", result.failovers);
  count("rediscoveries", result.rediscoveries);
  count("dns.failed", result.dns.failed);
  fraction("spread.maxShareDeviation", "lower", result.spread.maxShareDeviation);
  fraction("spread.jain", "higher", result.spread.jain);

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
      { prefix: "clients.errors", counts: result.clients.errors ?? {} },
    ],
  };
}
