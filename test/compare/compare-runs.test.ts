import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareResults, type ComparisonRow } from "../../src/compare/compare-runs.js";
import { CompareError } from "../../src/compare/errors.js";
import { parseMaxRegression } from "../../src/compare/limits.js";
import type { Result } from "../../src/results/result.js";
import { encodeLatencies, resultWith } from "./fixture.js";

const row = (rows: readonly ComparisonRow[], metric: string): ComparisonRow => {
  const found = rows.find((r) => r.metric === metric);
  if (found === undefined) throw new Error(`no row ${metric} in ${rows.map((r) => r.metric).join(", ")}`);
  return found;
};

describe("compareResults", () => {
  it("lists latency percentiles of every kind, rates, counts, spread and error codes", () => {
    const { rows } = compareResults(resultWith(), resultWith());
    const names = rows.map((r) => r.metric);
    for (const kind of ["rpc.activation", "rpc.renewal", "dns"]) {
      for (const p of ["p50", "p90", "p99", "p999", "max"]) expect(names).toContain(`${kind}.latencyMs.${p}`);
    }
    for (const m of [
      "rpc.activation.successRate",
      "clients.notActivated",
      "clients.unlicensed",
      "failovers",
      "rediscoveries",
      "spread.maxShareDeviation",
      "spread.jain",
      "rpc.activation.errors.0xC004F038",
      "clients.errors.0xC004F074",
    ]) {
      expect(names).toContain(m);
    }
    expect(row(rows, "rpc.activation.successRate").baseline).toBeCloseTo(5000 / 5100, 12);
    expect(row(rows, "spread.jain").better).toBe("higher");
    expect(row(rows, "failovers").better).toBe("lower");
  });

  it("percentiles come from the histograms, not from the latencyMs summary in the file", () => {
    // Below 2.048 ms HdrHistogram is exact to the µs.
    const r = resultWith({ activation: [1.5, 1.5, 1.5, 1.5] }, (x) => {
      x.rpc.activation.latencyMs.p50 = 999;
    });
    expect(row(compareResults(r, r).rows, "rpc.activation.latencyMs.p50").baseline).toBe(1.5);
  });

  it("a slower candidate regresses p99 past 10%; swapped, the same row is better", () => {
    // 2,000 samples: 20 beyond p99, enough for its interval to be bounded (see noise.test.ts).
    const fast = resultWith({ activation: Array.from({ length: 2000 }, (_, k) => (1 + (k % 10)) / 10) });
    const slow = resultWith({ activation: Array.from({ length: 2000 }, (_, k) => 1 + (k % 10)) });
    const forward = compareResults(fast, slow);
    expect(forward.pass).toBe(false);
    const p99 = row(forward.rows, "rpc.activation.latencyMs.p99");
    expect(p99).toMatchObject({ worse: true, regressed: true, baseline: 1 });
    // Above 2.048 ms a bucket's highest equivalent value is at most 0.1 % high.
    expect(p99.candidate).toBeGreaterThanOrEqual(10);
    expect(p99.candidate).toBeLessThanOrEqual(10.01);
    expect(p99.delta).toBeCloseTo(p99.candidate! - 1, 9);
    expect(p99.deltaPct).toBeCloseTo((p99.candidate! - 1) * 100, 4);
    expect(row(forward.rows, "rpc.renewal.latencyMs.p99")).toMatchObject({ delta: 0, regressed: false });
    const back = compareResults(slow, fast);
    expect(back.pass).toBe(true);
    expect(row(back.rows, "rpc.activation.latencyMs.p99")).toMatchObject({ worse: false, regressed: false, delta: -p99.delta! });
  });

  it("lower success, lower jain and more failures are worse", () => {
    const base = resultWith();
    const cand = resultWith({}, (r) => {
      r.rpc.activation.ok = 4000;
      r.spread.jain = 0.5;
      r.failovers = 30;
      r.clients.notActivated = 1;
      r.clients.activated -= 1;
    });
    const { rows, pass } = compareResults(base, cand);
    expect(pass).toBe(false);
    for (const m of ["rpc.activation.successRate", "spread.jain", "failovers", "clients.notActivated"]) {
      expect(row(rows, m), m).toMatchObject({ worse: true, regressed: true });
    }
  });

  it("an error code seen in one run only counts 0 in the other", () => {
    const base = resultWith();
    const cand = resultWith({}, (r) => {
      r.rpc.renewal.errors = { "0x800706BA": 3 };
    });
    const { rows } = compareResults(base, cand);
    expect(row(rows, "rpc.renewal.errors.0x800706BA")).toMatchObject({ baseline: 0, candidate: 3, deltaPct: null, regressed: true });
    expect(row(compareResults(cand, base).rows, "rpc.renewal.errors.0x800706BA")).toMatchObject({ baseline: 3, candidate: 0, worse: false });
  });

  it("a success rate with nothing sent is not measured: no verdict", () => {
    const base = resultWith({}, (r) => {
      r.rpc.renewal.sent = 0;
      r.rpc.renewal.ok = 0;
    });
    expect(row(compareResults(base, resultWith()).rows, "rpc.renewal.successRate")).toMatchObject({ baseline: null, delta: null, regressed: false });
  });

  it("several histograms of one kind (merged shards) are added before percentiles", () => {
    const whole = resultWith({ dns: [1, 1, 1, 1, 50] });
    const sharded = resultWith({}, (r) => {
      (r.dns as { histogram: string | string[] }).histogram = [encodeLatencies([1, 1]), encodeLatencies([1, 1, 50])];
    });
    const { rows, pass } = compareResults(whole, sharded);
    expect(pass).toBe(true);
    for (const p of ["p50", "p90", "p99", "p999", "max"]) expect(row(rows, `dns.latencyMs.${p}`).delta).toBe(0);
  });

  it("per-metric limits and --metric selection", () => {
    const base = resultWith({ activation: Array.from({ length: 1000 }, () => 10) });
    const cand = resultWith({ activation: Array.from({ length: 1000 }, () => 11.5) });
    expect(compareResults(base, cand).pass).toBe(false);
    const relaxed = compareResults(base, cand, { limits: parseMaxRegression("activation.latencyMs.*=20%") });
    expect(relaxed.pass).toBe(true);
    expect(row(relaxed.rows, "rpc.activation.latencyMs.p50").limitPct).toBe(20);
    const only = compareResults(base, cand, { metrics: ["spread.*"] });
    expect(only.rows.map((r) => r.metric)).toEqual(["spread.maxShareDeviation", "spread.jain"]);
    expect(only.pass).toBe(true);
    expect(() => compareResults(base, cand, { metrics: ["nothing.*"] })).toThrow(CompareError);
  });

  it("--metric with an exact path compares any other number of the results, with the direction the schema gives", () => {
    const base = resultWith();
    const cand = resultWith({}, (r) => {
      r.hosts[1].late += 5;
      r.hosts[0].share = 0.6;
      r.clients.activated -= 100;
    });
    const { rows, pass } = compareResults(base, cand, { metrics: ["hosts.kms2.branch.late", "hosts.kms1.share", "clients.activated", "spread.jain"] });
    expect(rows.map((r) => r.metric)).toEqual(["spread.jain", "hosts.kms2.branch.late", "hosts.kms1.share", "clients.activated"]);
    expect(row(rows, "hosts.kms2.branch.late")).toMatchObject({ unit: "count", better: "lower", baseline: 1, candidate: 6, regressed: true });
    expect(row(rows, "clients.activated")).toMatchObject({ unit: "count", better: "higher", delta: -100, worse: true, regressed: false });
    // A share is neither better higher nor lower: it changes, it never regresses.
    expect(row(rows, "hosts.kms1.share")).toMatchObject({ unit: "ratio", better: "neither", worse: false, regressed: false });
    expect(pass).toBe(false);
  });

  it("globs keep to the default metrics: the rows of a run without --metric are unchanged", () => {
    const plain = compareResults(resultWith(), resultWith()).rows.map((r) => r.metric);
    expect(plain).not.toContain("clients.total");
    expect(plain).not.toContain("hosts.kms1.late");
    expect(() => compareResults(resultWith(), resultWith(), { metrics: ["hosts.*"] })).toThrow(
      /selects no metric; .*or any other number of the results by its exact path/,
    );
    expect(() => compareResults(resultWith(), resultWith(), { metrics: ["hosts.kms9.late"] })).toThrow(CompareError);
  });

  it("warns when the runs differ in scenario, mode, clients or seed, or one was interrupted", () => {
    expect(compareResults(resultWith(), resultWith()).warnings).toEqual([]);
    const other = resultWith({}, (r) => {
      r.seed = 7;
      r.scenario = "other";
      r.clients.total = 10;
      r.mode = "realtime";
      r.interrupted = true;
    });
    const warnings = compareResults(resultWith(), other).warnings.join("\n");
    for (const word of ["scenario", "mode", "clients", "seed (baseline 42, candidate 7)", "candidate run was interrupted"]) expect(warnings).toContain(word);
  });
});

describe("compareResults: properties", () => {
  const latencies = fc.array(fc.double({ min: 0, max: 10_000, noNaN: true }), { maxLength: 40 });
  const count = fc.nat({ max: 10_000 });
  const fraction = fc.double({ min: 0, max: 1, noNaN: true });
  const arbResult = fc
    .record({
      activation: latencies,
      renewal: latencies,
      dns: latencies,
      failovers: count,
      notActivated: count,
      jain: fraction,
      deviation: fraction,
      ok: count,
      code: count,
    })
    .map((g): Result =>
      resultWith({ activation: g.activation, renewal: g.renewal, dns: g.dns }, (r) => {
        r.failovers = g.failovers;
        r.clients.notActivated = g.notActivated;
        r.spread.jain = g.jain;
        r.spread.maxShareDeviation = g.deviation;
        r.rpc.activation.ok = Math.min(g.ok, r.rpc.activation.sent);
        r.rpc.activation.errors = g.code > 0 ? { "0xC004F06C": g.code } : {};
      }),
    );
  const limitText = fc.integer({ min: 0, max: 200 }).map((n) => `${n}%`);

  it("a result compared with itself never regresses and every delta is 0", () => {
    fc.assert(
      fc.property(arbResult, limitText, (r, limit) => {
        const c = compareResults(r, structuredClone(r), { limits: parseMaxRegression(limit) });
        expect(c.pass).toBe(true);
        for (const x of c.rows) {
          expect(x.worse, x.metric).toBe(false);
          expect(x.delta === null || x.delta === 0, x.metric).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("swapping the runs: no row is worse both ways, and a regressed row comes back better", () => {
    fc.assert(
      fc.property(arbResult, arbResult, (a, b) => {
        const forward = compareResults(a, b).rows;
        const back = new Map(compareResults(b, a).rows.map((x) => [x.metric, x]));
        for (const x of forward) {
          const y = back.get(x.metric)!;
          expect(x.worse && y.worse, x.metric).toBe(false);
          if (x.regressed) expect(y.delta !== null && y.delta !== 0 && !y.worse, x.metric).toBe(true);
        }
      }),
      { numRuns: 40 },
    );
  });
});
