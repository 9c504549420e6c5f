// The result's rates, from what it already holds (requests, simulated time, the timeline):
// one function for runs and for merges, so both report the same figures.

import { peakPerSecond, perSecond } from "../core/metrics/rates.js";
import type { Result } from "./result.js";

/** Six significant digits: a fleet's rates span 0.0001/s (a quiet month) to thousands/s (a storm). */
const sig6 = (x: number): number => Number(x.toPrecision(6));

/** An RPC kind's rate per simulated second and its success and error rates. */
function kindRates(kind: { sent: number; ok: number; failed: number }, seconds: number): { perSecond: number; successRate: number; errorRate: number } {
  return {
    perSecond: sig6(perSecond(kind.sent, seconds)),
    successRate: kind.sent > 0 ? sig6(kind.ok / kind.sent) : 1,
    errorRate: kind.sent > 0 ? sig6(kind.failed / kind.sent) : 0,
  };
}

/** `partial` with rpc.<kind>.perSecond, successRate, errorRate (also per group), rpcPerSecond and hosts[].perSecond filled in. */
export function withRates<R extends Omit<Result, "thresholds" | "pass">>(partial: R): R {
  const seconds = partial.simulatedSeconds;
  const ends = partial.timeline.map((s) => s.t);
  const hostCount = (name: string): number[] => partial.timeline.map((s) => s.hostRequests[name] ?? 0);
  const allCounts = partial.timeline.map((s) => Object.values(s.hostRequests).reduce((a, n) => a + n, 0));
  const { activation, renewal } = partial.rpc;
  return {
    ...partial,
    rpc: {
      activation: { ...activation, ...kindRates(activation, seconds) },
      renewal: { ...renewal, ...kindRates(renewal, seconds) },
    },
    ...(partial.groups === undefined
      ? {}
      : {
          groups: partial.groups.map((g) => ({
            ...g,
            rpc: {
              activation: { ...g.rpc.activation, ...kindRates(g.rpc.activation, seconds) },
              renewal: { ...g.rpc.renewal, ...kindRates(g.rpc.renewal, seconds) },
            },
          })),
        }),
    // The timeline counts what reached the hosts; the mean counts every RPC sent.
    rpcPerSecond: { mean: sig6(perSecond(activation.sent + renewal.sent, seconds)), peak: sig6(peakPerSecond(ends, allCounts)) },
    hosts: partial.hosts.map((h) => ({
      ...h,
      perSecond: { mean: sig6(perSecond(h.requests, seconds)), peak: sig6(peakPerSecond(ends, hostCount(h.name))) },
    })),
  };
}
