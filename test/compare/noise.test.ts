// compare's noise rules: a single run's tail percentile with few samples beyond it does
// not regress on its own, a real shift does; replicated sides regress only when Welch's
// test says the change is significant.

import { describe, expect, it } from "vitest";
import { compareProfiles, compareResults, type ComparisonRow } from "../../src/compare/compare-runs.js";
import { foldReplications, replicationNoise } from "../../src/compare/replicated.js";
import { profileOf } from "../../src/compare/run-profile.js";
import { Mulberry32 } from "../../src/core/rng.js";
import { resultWith } from "./fixture.js";

const row = (rows: readonly ComparisonRow[], metric: string): ComparisonRow => {
  const found = rows.find((r) => r.metric === metric);
  if (found === undefined) throw new Error(`no row ${metric}`);
  return found;
};

/** `n` latencies of one queueing-like distribution: 2 ms plus an exponential tail (mean 2 ms), `scale` times longer. */
function latencies(seed: number, n: number, scale = 1): number[] {
  const rng = new Mulberry32(seed);
  return Array.from({ length: n }, () => scale * (2 - 2 * Math.log(1 - rng.next())));
}

describe("single runs: percentiles within sampling noise", () => {
  it("the same distribution with other seeds: the tail may move past the limit but never regresses", () => {
    let pastLimit = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const base = resultWith({ activation: latencies(seed, 5280) });
      const cand = resultWith({ activation: latencies(seed + 100, 5280) });
      const comparison = compareResults(base, cand);
      const p999 = row(comparison.rows, "rpc.activation.latencyMs.p999");
      expect(p999.regressed, `seed ${seed}`).toBe(false);
      if (p999.withinNoise) {
        pastLimit++;
        expect(p999.noise).toMatchObject({ method: "order-statistics", significant: false, baseline: { samples: 5280, beyond: 5.28 } });
      }
      expect(row(comparison.rows, "rpc.activation.latencyMs.max").regressed).toBe(false);
    }
    // The case of the issue happens: a tail 10 %+ apart by seed alone.
    expect(pastLimit).toBeGreaterThan(0);
  });

  it("every latency 25 % longer: p50 … p99 regress, their intervals apart", () => {
    const base = resultWith({ activation: latencies(1, 5280) });
    const cand = resultWith({ activation: latencies(2, 5280, 1.25) });
    const comparison = compareResults(base, cand);
    for (const key of ["p50", "p90", "p99"]) {
      const r = row(comparison.rows, `rpc.activation.latencyMs.${key}`);
      expect(r, key).toMatchObject({ regressed: true, withinNoise: false, noise: { significant: true } });
    }
    expect(comparison.pass).toBe(false);
  });

  it("metrics without a noise estimate are judged by their limit alone", () => {
    const base = resultWith({}, (r) => void (r.failovers = 0));
    const cand = resultWith({}, (r) => void (r.failovers = 2));
    const failovers = row(compareResults(base, cand).rows, "failovers");
    expect(failovers).toMatchObject({ regressed: true, withinNoise: false });
    expect(failovers.noise).toBeUndefined();
  });
});

describe("replications: Welch's t-test per metric", () => {
  const side = (seeds: readonly number[], scale: number, failovers: (k: number) => number) =>
    foldReplications(seeds.map((seed, k) => profileOf(resultWith({ activation: latencies(seed, 3000, scale) }, (r) => void (r.failovers = failovers(k))))));

  it("rows hold means; an error code seen in some runs counts 0 in the others", () => {
    const folded = foldReplications([
      profileOf(resultWith({}, (r) => void (r.rpc.activation.errors = { "0xC004F038": 6 }))),
      profileOf(resultWith({}, (r) => void (r.rpc.activation.errors = {}))),
    ]);
    expect(folded.replications).toBe(2);
    expect(folded.valuesOf("rpc.activation.errors.0xC004F038")).toEqual([6, 0]);
    expect(folded.profile.errorGroups[0].counts).toEqual({ "0xC004F038": 3 });
    expect(folded.valuesOf("rpc.activation.errors.0xC004F074")).toEqual([0, 0]);
  });

  it("same setup, other seeds: no regression; a slower candidate: the latencies regress", () => {
    const base = side([1, 2, 3, 4], 1, (k) => 100 + k * 10);
    const same = side([11, 12, 13, 14], 1, (k) => 115 - k * 10);
    const slow = side([21, 22, 23, 24], 1.25, (k) => 100 + k * 10);
    const noisy = compareProfiles(base.profile, same.profile, { noise: replicationNoise(base, same), ignoreSeed: true });
    expect(noisy.pass).toBe(true);
    const f = row(noisy.rows, "failovers");
    expect(f.noise).toMatchObject({ method: "welch", baseline: { n: 4, mean: 115 }, candidate: { n: 4, mean: 100 } });
    const regressed = compareProfiles(base.profile, slow.profile, { noise: replicationNoise(base, slow), ignoreSeed: true });
    expect(regressed.pass).toBe(false);
    expect(row(regressed.rows, "rpc.activation.latencyMs.p50")).toMatchObject({ regressed: true, noise: { significant: true } });
    expect(row(regressed.rows, "failovers").regressed).toBe(false);
  });
});
