// The rule every result with client groups obeys: the groups partition the fleet, so each
// client-side count summed over the groups is the run's, and the groups' histograms added
// bucket by bucket are the run's histogram, byte for byte.

import { expect } from "vitest";
import { LatencyRecorder } from "../../src/results/latency-recorder.js";
import type { Result } from "../../src/results/result.js";

const sum = (values: readonly number[]): number => values.reduce((a, n) => a + n, 0);

/** Error counts keyed by code, added over parts. */
function addErrors(parts: readonly Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of parts) for (const [code, n] of Object.entries(part)) out[code] = (out[code] ?? 0) + n;
  return out;
}

function histogramOf(holder: { histogram: string | readonly string[] }): string {
  return typeof holder.histogram === "string" ? holder.histogram : holder.histogram[0];
}

function addedHistograms(holders: readonly { histogram: string | readonly string[] }[]): string {
  return LatencyRecorder.sumOf(holders.map(histogramOf), (_, e) => (e instanceof Error ? e : new Error(String(e)))).encode();
}

export function expectGroupsAddUp(result: Result): void {
  const groups = result.groups ?? [];
  expect(groups.length, "the result has groups").toBeGreaterThan(0);
  const over = (pick: (g: (typeof groups)[number]) => number): number => sum(groups.map(pick));
  const c = result.clients;
  expect({
    clients: over((g) => g.clients),
    activated: over((g) => g.activated),
    notActivated: over((g) => g.notActivated),
    licensed: over((g) => g.licensed),
    unlicensed: over((g) => g.unlicensed),
    initialGrace: over((g) => g.initialGrace),
    outOfToleranceGrace: over((g) => g.outOfToleranceGrace),
    failovers: over((g) => g.failovers),
    rediscoveries: over((g) => g.rediscoveries),
    dnsQueries: over((g) => g.dns.queries),
    dnsFailed: over((g) => g.dns.failed),
  }).toEqual({
    clients: c.total,
    activated: c.activated,
    notActivated: c.notActivated,
    licensed: c.licensed,
    unlicensed: c.unlicensed,
    initialGrace: c.initialGrace,
    outOfToleranceGrace: c.outOfToleranceGrace,
    failovers: result.failovers,
    rediscoveries: result.rediscoveries,
    dnsQueries: result.dns.queries,
    dnsFailed: result.dns.failed,
  });
  expect(addedHistograms(groups.map((g) => g.dns))).toBe(histogramOf(result.dns));
  for (const kind of ["activation", "renewal"] as const) {
    const total = result.rpc[kind];
    const parts = groups.map((g) => g.rpc[kind]);
    expect({ sent: sum(parts.map((p) => p.sent)), ok: sum(parts.map((p) => p.ok)), failed: sum(parts.map((p) => p.failed)) }, kind).toEqual({
      sent: total.sent,
      ok: total.ok,
      failed: total.failed,
    });
    expect(addErrors(parts.map((p) => p.errors)), `${kind} errors`).toEqual(total.errors);
    expect(addedHistograms(parts), `${kind} histogram`).toBe(histogramOf(total));
  }
}
