// The promise of shards (design.md): all shards of a virtual run, merged, reproduce the
// single run exactly: every counter and every histogram. Shares and spread are recomputed
// from sums of floats, so they may differ in the last rounded digit, never more.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mergeShardResults } from "../../src/merge/merge-results.js";
import type { Result } from "../../src/results/result.js";
import { buildResult } from "../../src/results/build-result.js";
import { VirtualEngine } from "../../src/sim/virtual-engine.js";
import { scenarioFrom } from "../sim/helpers.js";

// Faults of every kind, DNS publishing and scavenging, two profiles, a pinned group and a
// host below its threshold for a while: everything that couples clients through hosts.
const FAULT_HEAVY = `
name: shard-equality
seed: 5
duration: 20d
dns:
  publishInterval: 1d
  scavengeAfter: 3d
hosts:
  - { name: kms1, priority: 0, weight: 300, serviceTime: 3ms, concurrency: 4 }
  - { name: kms2, priority: 0, weight: 100, serviceTime: 5ms, concurrency: 2 }
  - { name: kms3, priority: 10, weight: 100, serviceTime: 2ms, concurrency: 8, products: [windows-client, windows-server] }
clients:
  - { name: desktops, count: 300, os: win7, product: windows-client, bootSpread: 2h }
  - { name: old, count: 60, os: vista, product: windows-client, bootSpread: 6h }
  - { name: servers, count: 40, os: win7, product: windows-server, bootSpread: 1d, kmsHost: kms3 }
network: { latency: 1ms, jitter: 0.5ms, rpcTimeout: 2s }
events:
  - { at: 3h, host: kms1, action: hang }
  - { at: 9h, host: kms1, action: recover }
  - { at: 1d, host: kms2, action: crash }
  - { at: 2d, dns: down }
  - { at: 50h, dns: up }
  - { at: 4d, host: kms2, action: recover }
  - { at: 8d, host: kms1, action: slow, serviceTime: 900ms }
  - { at: 9d, host: kms1, action: recover }
  - { at: 12d, host: kms2, action: decommission }
`;

function runVirtual(yaml: string, seed: number, clients: number | undefined, shard?: { index: number; count: number }): Result {
  const scenario = scenarioFrom(yaml);
  scenario.seed = seed;
  const engine = new VirtualEngine(scenario, { clients, shard });
  while (!engine.step(100_000));
  const meta =
    shard === undefined ? undefined : { ...shard, fleetClients: engine.fleet.size, runDigest: `test-${seed}-${clients}`, thresholds: scenario.thresholds };
  return buildResult(engine.totals(), 0, false, meta);
}

function mergedShards(yaml: string, seed: number, clients: number | undefined, count: number): Result {
  const inputs = Array.from({ length: count }, (_, k) => ({
    file: `shard${k + 1}.json`,
    result: runVirtual(yaml, seed, clients, { index: k + 1, count }),
  }));
  return mergeShardResults(inputs.reverse());
}

const RECOMPUTED_FLOATS = new Set(["share", "expectedShare", "jain", "maxOverMean", "cv", "maxShareDeviation"]);

/** Asserts `merged` equals `single`: floats recomputed from float sums within 2e-6, everything else exactly. */
function expectSameRun(merged: unknown, single: unknown, path = "result"): void {
  if (typeof single === "number" && typeof merged === "number" && RECOMPUTED_FLOATS.has(path.split(".").pop()!)) {
    expect(Math.abs(merged - single), path).toBeLessThanOrEqual(2e-6);
    return;
  }
  if (typeof single !== "object" || single === null) {
    expect(merged, path).toEqual(single);
    return;
  }
  expect(typeof merged, path).toBe("object");
  const a = merged as Record<string, unknown>;
  const b = single as Record<string, unknown>;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)].filter((k) => path !== "result" || (k !== "merged" && k !== "wallSeconds")));
  for (const key of keys) expectSameRun(a[key], b[key], `${path}.${key}`);
}

describe("merging all shards of a virtual run gives the single run", () => {
  it("on a fault-heavy scenario with 3 shards: every counter, histogram and timeline sample", () => {
    const single = runVirtual(FAULT_HEAVY, 5, undefined);
    const merged = mergedShards(FAULT_HEAVY, 5, undefined, 3);
    // The scenario exercises what couples clients: failures, failovers, refusals, below-threshold answers.
    expect(single.failovers).toBeGreaterThan(0);
    expect(single.hosts.find((h) => h.name === "kms2")!.refused).toBeGreaterThan(0);
    expect(single.hosts.find((h) => h.name === "kms1")!.unanswered).toBeGreaterThan(0);
    expect(single.rpc.activation.errors["0xC004F038"]).toBeGreaterThan(0);
    expect(merged.merged).toEqual({ shards: 3, runDigest: "test-5-undefined" });
    expect(merged.rpc.activation.histogram).toBe(single.rpc.activation.histogram);
    expect(merged.rpc.renewal.histogram).toBe(single.rpc.renewal.histogram);
    expect(merged.dns.histogram).toBe(single.dns.histogram);
    expectSameRun(merged, single);
  });

  it("for any seed, fleet size and shard count", () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), fc.integer({ min: 40, max: 260 }), fc.integer({ min: 1, max: 7 }), (seed, clients, count) => {
        expectSameRun(mergedShards(FAULT_HEAVY, seed, clients, count), runVirtual(FAULT_HEAVY, seed, clients));
      }),
      { numRuns: 12 },
    );
  });

  it("each shard measures its own part: clients and requests split, host state shared", () => {
    const shards = [1, 2, 3, 4].map((index) => runVirtual(FAULT_HEAVY, 9, undefined, { index, count: 4 }));
    const single = runVirtual(FAULT_HEAVY, 9, undefined);
    expect(shards.map((s) => s.clients.total)).toEqual([100, 100, 100, 100]);
    for (const shard of shards) {
      // Every shard simulated the whole fleet: what the hosts are is the single run's.
      expect(shard.hosts.map((h) => [h.state, h.count])).toEqual(single.hosts.map((h) => [h.state, h.count]));
      expect(shard.events).toEqual(single.events);
      // ... and it measured roughly a quarter of the requests.
      const requests = shard.hosts.reduce((a, h) => a + h.requests, 0);
      const all = single.hosts.reduce((a, h) => a + h.requests, 0);
      expect(requests / all).toBeGreaterThan(0.15);
      expect(requests / all).toBeLessThan(0.35);
    }
  });
});
