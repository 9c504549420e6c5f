import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { recommendHosts, type PointVerdict } from "../../src/capacity/recommend.js";

const point = (hosts: number, pass: boolean, complete = true): PointVerdict => ({ hosts, pass: pass && complete, complete });

describe("the recommended host count", () => {
  it("is the smallest count whose replications all passed", () => {
    expect(recommendHosts([point(1, false), point(2, false), point(3, true), point(4, true)])).toEqual({ hosts: 3, failedAbove: [] });
    expect(recommendHosts([point(4, true), point(3, true), point(2, false)])).toEqual({ hosts: 3, failedAbove: [] });
  });

  it("names larger counts that failed after all", () => {
    expect(recommendHosts([point(2, true), point(3, false), point(4, true), point(5, false)])).toEqual({ hosts: 2, failedAbove: [3, 5] });
  });

  it("is none when no count passed, and unknown when a smaller count did not finish", () => {
    expect(recommendHosts([point(1, false), point(2, false)])).toEqual({ hosts: null, reason: "none-passed" });
    expect(recommendHosts([])).toEqual({ hosts: null, reason: "none-passed" });
    expect(recommendHosts([point(1, false), point(2, false, false), point(3, true)])).toEqual({ hosts: null, reason: "unfinished", unfinishedAt: 2 });
    // Unfinished counts above the answer do not matter.
    expect(recommendHosts([point(1, true), point(2, false, false)])).toEqual({ hosts: 1, failedAbove: [] });
  });

  it("property: for finished sweeps it is the minimum k whose replications all passed", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 32 }), { maxLength: 12 }),
        fc.array(fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }), { minLength: 12, maxLength: 12 }),
        (hosts, replicationPasses) => {
          const points = hosts.map((k, i) => point(k, replicationPasses[i].every(Boolean)));
          const passing = hosts.filter((_, i) => replicationPasses[i].every(Boolean));
          const r = recommendHosts(points);
          if (passing.length === 0) expect(r).toEqual({ hosts: null, reason: "none-passed" });
          else {
            expect(r.hosts).toBe(Math.min(...passing));
            if (r.hosts !== null) expect(r.failedAbove).toEqual(hosts.filter((k) => k > r.hosts! && !passing.includes(k)).sort((a, b) => a - b));
          }
        },
      ),
    );
  });
});
