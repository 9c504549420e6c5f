// What `kmssim merge` refuses: results that are not shards, shards of different runs, a
// shard given twice or missing; and how timelines of realtime shards that end apart line up.

import { describe, expect, it } from "vitest";
import { checkShards, type ShardInput } from "../../src/merge/check-shards.js";
import { MergeError } from "../../src/merge/merge-error.js";
import { mergeShardResults } from "../../src/merge/merge-results.js";
import { mergeTimelines } from "../../src/merge/merge-timeline.js";
import type { Result, TimelineSample } from "../../src/results/result.js";
import { buildResult } from "../../src/results/build-result.js";
import { VirtualEngine } from "../../src/sim/virtual-engine.js";
import { scenarioFrom } from "../sim/helpers.js";

const SMALL = `
name: small
seed: 3
duration: 2d
hosts:
  - { name: kms1 }
  - { name: kms2 }
clients:
  - { name: desktops, count: 60, os: win7, product: windows-client, bootSpread: 1h }
thresholds:
  - { metric: clients.notActivated, eq: 0 }
  - { metric: rpc.activation.sent, lt: 80 }
`;

function shard(index: number, count: number, digest = "d1"): ShardInput {
  const scenario = scenarioFrom(SMALL);
  const engine = new VirtualEngine(scenario, { shard: { index, count } });
  while (!engine.step(100_000));
  const result = buildResult(engine.totals(), 0, false, { index, count, fleetClients: 60, runDigest: digest, thresholds: scenario.thresholds });
  return { file: `s${index}of${count}.json`, result };
}

const mergeError = (inputs: ShardInput[]): MergeError => {
  try {
    checkShards(inputs);
  } catch (err) {
    if (err instanceof MergeError) return err;
    throw err;
  }
  return expect.fail("checkShards accepted the inputs");
};

describe("checkShards", () => {
  it("puts the shards in shard order", () => {
    expect(checkShards([shard(3, 3), shard(1, 3), shard(2, 3)]).map((s) => s.result.shard!.index)).toEqual([1, 2, 3]);
  });

  it("refuses a result without a shard field, naming the file", () => {
    const whole = { file: "whole.json", result: { ...shard(1, 1).result, shard: undefined } as Result };
    const err = mergeError([shard(1, 2), whole]);
    expect(err.code).toBe("KMSSIM_NOT_A_SHARD");
    expect(err.message).toContain("'whole.json' is not a shard result");
  });

  it("refuses shards of different runs and says what differs", () => {
    const other = shard(2, 2, "d2");
    other.result = { ...other.result, seed: 99 };
    const err = mergeError([shard(1, 2), other]);
    expect(err.code).toBe("KMSSIM_DIFFERENT_RUNS");
    expect(err.message).toContain("seed 99 vs 3");
  });

  it("refuses a shard given twice", () => {
    const twice = { ...shard(1, 2), file: "copy.json" };
    const err = mergeError([shard(1, 2), twice, shard(2, 2)]);
    expect(err.code).toBe("KMSSIM_DUPLICATE_SHARD");
    expect(err.message).toContain("'s1of2.json' and 'copy.json'");
  });

  it("lists the missing shards", () => {
    const err = mergeError([shard(2, 4), shard(4, 4)]);
    expect(err.code).toBe("KMSSIM_MISSING_SHARD");
    expect(err.message).toContain("2 are missing: 1/4, 3/4");
  });
});

describe("mergeShardResults", () => {
  it("evaluates the thresholds on the merged result, not per shard", () => {
    // Below the count threshold clients retry: each half of the fleet sends about 55 activations, the whole about 110.
    const parts = [shard(1, 2), shard(2, 2)];
    for (const part of parts) {
      expect(part.result.thresholds).toEqual([]);
      expect(part.result.pass).toBe(true);
      expect(part.result.rpc.activation.sent).toBeLessThan(80);
    }
    const merged = mergeShardResults(parts);
    const sent = parts[0].result.rpc.activation.sent + parts[1].result.rpc.activation.sent;
    expect(merged.rpc.activation.sent).toBe(sent);
    expect(merged.thresholds[1]).toMatchObject({ metric: "rpc.activation.sent", actual: sent, pass: false });
    expect(merged.thresholds[0]).toMatchObject({ metric: "clients.notActivated", actual: 0, pass: true });
    expect(merged.pass).toBe(false);
  });

  it("refuses shards whose host lists differ, either way round", () => {
    const [a, b] = [shard(1, 2), shard(2, 2)];
    // Consistent within the file (its timeline names the same hosts): only the lists differ.
    const rename = (s: TimelineSample): TimelineSample => ({ ...s, hostRequests: { kms1: s.hostRequests.kms1, kms9: s.hostRequests.kms2 } });
    const renamed = {
      ...b,
      result: { ...b.result, hosts: b.result.hosts.map((h) => (h.name === "kms2" ? { ...h, name: "kms9" } : h)), timeline: b.result.timeline.map(rename) },
    };
    expect(() => mergeShardResults([a, renamed])).toThrow(/'s2of2.json' has no host 'kms2'|'s2of2.json' has a host 'kms9'/);
    const withKms3 = (s: TimelineSample): TimelineSample => ({ ...s, hostRequests: { ...s.hostRequests, kms3: s.hostRequests.kms1 } });
    const more = {
      ...b,
      result: { ...b.result, hosts: [...b.result.hosts, { ...b.result.hosts[0], name: "kms3" }], timeline: b.result.timeline.map(withKms3) },
    };
    expect(() => mergeShardResults([a, more])).toThrow("'s2of2.json' has a host 'kms3' that 's1of2.json' does not have");
  });

  it("marks the merge interrupted or incomplete when a shard was, and it does not pass", () => {
    const [a, b] = [shard(1, 2), shard(2, 2)];
    b.result = { ...b.result, incomplete: { reason: "a fleet worker exited with code 1", clientsUnreported: 10 } };
    const merged = mergeShardResults([a, b]);
    expect(merged.incomplete).toEqual({ reason: "shard 2/2: a fleet worker exited with code 1", clientsUnreported: 10 });
    expect(merged.pass).toBe(false);
  });
});

describe("mergeTimelines", () => {
  const sample = (t: number, activated: number, kms1: number, kms2: number): TimelineSample => ({
    t,
    activated,
    licensed: activated,
    hostRequests: { kms1, kms2 },
    hostExpected: { kms1: (kms1 + kms2) / 2, kms2: (kms1 + kms2) / 2 },
    spread: { jain: 1, maxOverMean: 1, cv: 0, maxShareDeviation: 0 },
  });
  const input = (file: string, timeline: TimelineSample[]): ShardInput => ({ file, result: { timeline } as Result });

  it("matches samples by time and carries a shard's cumulative counts over instants it has no sample for", () => {
    const merged = mergeTimelines(
      [input("a", [sample(10, 5, 4, 4), sample(20, 8, 2, 2)]), input("b", [sample(10, 3, 6, 0), sample(19.5, 6, 1, 1)])],
      ["kms1", "kms2"],
    );
    expect(merged.map((s) => s.t)).toEqual([10, 19.5, 20]);
    expect(merged.map((s) => s.activated)).toEqual([8, 5 + 6, 8 + 6]);
    expect(merged.map((s) => s.hostRequests)).toEqual([
      { kms1: 10, kms2: 4 },
      { kms1: 1, kms2: 1 },
      { kms1: 2, kms2: 2 },
    ]);
    // 10 vs 4 requests against an even promise: the spread is recomputed from the sums.
    expect(merged[0].spread.maxShareDeviation).toBeCloseTo(10 / 14 - 0.5, 6);
    expect(merged[2].spread.maxShareDeviation).toBe(0);
  });
});
