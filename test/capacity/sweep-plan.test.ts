import { describe, expect, it } from "vitest";
import { planSweep, replicationSeed } from "../../src/capacity/sweep-plan.js";

describe("the runs of a sweep", () => {
  it("has one point per fleet size and host count, fleet size first, and the replications of each", () => {
    const { points, runs } = planSweep(42, [1, 2, 3], [1000, 5000], 2);
    expect(points.map((p) => [p.clients, p.hosts])).toEqual([
      [1000, 1],
      [1000, 2],
      [1000, 3],
      [5000, 1],
      [5000, 2],
      [5000, 3],
    ]);
    expect(runs).toHaveLength(12);
    expect(runs.map((r) => [r.point, r.replication])).toEqual(
      points.flatMap((p) => [
        [p.index, 0],
        [p.index, 1],
      ]),
    );
    expect(runs.map((r) => r.index)).toEqual([...runs.keys()]);
  });

  it("gives every run its own seed, derived from the scenario seed and the point's values", () => {
    const { runs, points } = planSweep(42, [1, 2, 3, 4], [1000, 5000], 5);
    expect(new Set(runs.map((r) => r.seed)).size).toBe(runs.length);
    // The same point in a narrower sweep repeats the same runs.
    const narrow = planSweep(42, [3], [5000], 5);
    const wide = runs.filter((r) => points[r.point].hosts === 3 && points[r.point].clients === 5000);
    expect(narrow.runs.map((r) => r.seed)).toEqual(wide.map((r) => r.seed));
    // Another scenario seed, other runs.
    expect(planSweep(43, [3], [5000], 5).runs.map((r) => r.seed)).not.toEqual(narrow.runs.map((r) => r.seed));
    expect(replicationSeed(42, 3, 5000, 0)).toBe(narrow.runs[0].seed);
    expect(Number.isInteger(narrow.runs[0].seed) && narrow.runs[0].seed >= 0 && narrow.runs[0].seed < 2 ** 32).toBe(true);
  });
});
