import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CmidCounter, type Cmid } from "../../src/core/host/cmid-counter.js";
import { CMID_MEMORY_MS } from "../../src/core/host/thresholds.js";
import { DAY_MS } from "../../src/core/license.js";

describe("CmidCounter", () => {
  it("counts distinct ids, the requester included", () => {
    const counter = new CmidCounter(5);
    expect(counter.count(0)).toBe(0);
    expect(counter.observe(1, 0)).toBe(1);
    expect(counter.observe(1, 10)).toBe(1);
    expect(counter.observe(2, 20)).toBe(2);
    expect(counter.observe("2", 30)).toBe(3); // a string id is another machine than the number
    expect(counter.count(30)).toBe(3);
  });

  it("keeps at most 2 × threshold ids, evicting the least recently seen", () => {
    const counter = new CmidCounter(5);
    expect(counter.capacity).toBe(10);
    for (let id = 1; id <= 10; id++) counter.observe(id, id);
    counter.observe(1, 11); // 1 is fresh again; 2 is now the oldest
    expect(counter.observe(11, 12)).toBe(10);
    expect(counter.has(2, 12)).toBe(false);
    expect(counter.has(1, 12)).toBe(true);
    expect(counter.observe(12, 13)).toBe(10);
    expect(counter.has(3, 13)).toBe(false);
  });

  it("remembers an id for 30 days after its last request, inclusive", () => {
    expect(CMID_MEMORY_MS).toBe(30 * DAY_MS);
    const counter = new CmidCounter(25);
    counter.observe("a", 0);
    counter.observe("b", DAY_MS);
    expect(counter.count(30 * DAY_MS)).toBe(2);
    expect(counter.count(30 * DAY_MS + 1)).toBe(1);
    expect(counter.has("a", 30 * DAY_MS + 1)).toBe(false);
    // A new request refreshes the memory.
    counter.observe("b", 40 * DAY_MS);
    expect(counter.count(70 * DAY_MS)).toBe(1);
    expect(counter.count(70 * DAY_MS + 1)).toBe(0);
  });

  it("honours a custom memory", () => {
    const counter = new CmidCounter(1, 100);
    counter.observe(1, 0);
    expect(counter.count(100)).toBe(1);
    expect(counter.count(101)).toBe(0);
  });

  it("never lets time go back: an earlier nowMs is read as the latest one", () => {
    const counter = new CmidCounter(5, 100);
    counter.observe(1, 1000);
    counter.observe(2, 500); // recorded at 1000
    expect(counter.count(1100)).toBe(2);
    expect(counter.count(0)).toBe(2);
    expect(counter.count(1101)).toBe(0);
  });

  it("keeps as many ids as the largest cache a scenario allows (100,000), evicting the oldest beyond it", () => {
    const counter = new CmidCounter(50_000, CMID_MEMORY_MS, 100_000);
    let counted = 0;
    for (let id = 0; id < 100_000; id++) if (counter.observe(id, 0) === id + 1) counted++;
    expect(counted).toBe(100_000);
    expect(counter.observe(100_000, 1)).toBe(100_000);
    expect(counter.has(0, 1)).toBe(false);
    expect(counter.has(1, 1)).toBe(true);
    expect(counter.has(100_000, 1)).toBe(true);
  });

  it("rejects a bad threshold or memory", () => {
    expect(() => new CmidCounter(0)).toThrow(RangeError);
    expect(() => new CmidCounter(2.5)).toThrow(RangeError);
    expect(() => new CmidCounter(5, -1)).toThrow(RangeError);
    // The words name the setting and the value.
    expect(() => new CmidCounter(0)).toThrow("CmidCounter: threshold must be an integer >= 1, got 0");
    expect(() => new CmidCounter(5, Number.NaN)).toThrow("CmidCounter: memoryMs must be >= 0, got NaN");
    expect(() => new CmidCounter(5, 10, 0)).toThrow("CmidCounter: capacity must be an integer >= 1, got 0");
    expect(() => new CmidCounter(5, 10, 1.5)).toThrow("CmidCounter: capacity must be an integer >= 1, got 1.5");
    // The smallest of each is fine: memory 0 (only this instant counts), capacity 1.
    expect(new CmidCounter(1, 0, 1).capacity).toBe(1);
  });

  describe("properties", () => {
    /** Straightforward reference model: a Map from id to last-seen time. */
    class Reference {
      readonly seen = new Map<Cmid, number>();
      latest = -Infinity;
      constructor(
        readonly capacity: number,
        readonly memoryMs: number,
      ) {}
      private expire(t: number): number {
        this.latest = Math.max(this.latest, t);
        for (const [id, at] of this.seen) if (at < this.latest - this.memoryMs) this.seen.delete(id);
        return this.latest;
      }
      observe(id: Cmid, t: number): number {
        const now = this.expire(t);
        if (!this.seen.has(id) && this.seen.size === this.capacity) {
          let oldest: Cmid | undefined;
          let oldestAt = Infinity;
          for (const [k, at] of this.seen) if (at < oldestAt) [oldest, oldestAt] = [k, at];
          this.seen.delete(oldest as Cmid);
        }
        this.seen.delete(id);
        this.seen.set(id, now);
        return this.seen.size;
      }
      count(t: number): number {
        this.expire(t);
        return this.seen.size;
      }
    }

    const stepArb = fc.record({
      kind: fc.constantFrom("observe", "observe", "observe", "count"),
      id: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.constantFrom("a", "b", "c", "5")),
      dtMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 50 }), fc.integer({ min: -20, max: 300 })),
    });

    it("agrees with a reference model and never exceeds 2 × threshold", () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 200 }), fc.array(stepArb, { maxLength: 200 }), (threshold, memoryMs, steps) => {
          const counter = new CmidCounter(threshold, memoryMs);
          const reference = new Reference(2 * threshold, memoryMs);
          let t = 0;
          for (const step of steps) {
            t += step.dtMs;
            const got = step.kind === "observe" ? counter.observe(step.id, t) : counter.count(t);
            const want = step.kind === "observe" ? reference.observe(step.id, t) : reference.count(t);
            expect(got).toBe(want);
            expect(got).toBeLessThanOrEqual(2 * threshold);
            if (step.kind === "observe") {
              expect(got).toBeGreaterThanOrEqual(1);
              expect(counter.has(step.id, t)).toBe(true);
            }
          }
          for (const id of reference.seen.keys()) expect(counter.has(id, t)).toBe(true);
        }),
        { numRuns: 500 },
      );
    });

    /** Time steps that cross the 30-day memory: none, small, hours, days, exactly 30 days, just over, and back. */
    const monthDtArb = fc.oneof(
      fc.constant(0),
      fc.integer({ min: 1, max: 1000 }),
      fc.integer({ min: 1, max: 48 }).map((h) => h * 3_600_000),
      fc.integer({ min: 1, max: 40 }).map((d) => d * DAY_MS),
      fc.constantFrom(CMID_MEMORY_MS, CMID_MEMORY_MS + 1, CMID_MEMORY_MS - 1),
      fc.integer({ min: -DAY_MS, max: -1 }),
    );
    /** Numeric ids of every kind the counter must keep apart or together like Map keys. */
    const numericIdArb = fc.oneof(
      fc.integer({ min: 0, max: 20 }),
      fc.integer({ min: 0, max: 2 ** 30 }),
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      fc.constantFrom(2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 32 + 5, 5 + 2 ** 40, 1.5, -0, Number.NaN, Infinity),
    );

    it("agrees with the reference model over 30-day time jumps, repeated and all kinds of numeric ids, capacities 2..8", () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 4 }),
          fc.array(fc.oneof(numericIdArb, fc.constantFrom("a", "5", "ff00")), { minLength: 1, maxLength: 12 }),
          fc.array(
            fc.record({
              kind: fc.constantFrom("observe", "observe", "observe", "count", "has"),
              id: fc.oneof(fc.nat(), numericIdArb),
              fresh: fc.boolean(),
              dtMs: monthDtArb,
            }),
            { maxLength: 300 },
          ),
          (threshold, pool, steps) => {
            const counter = new CmidCounter(threshold);
            const reference = new Reference(2 * threshold, CMID_MEMORY_MS);
            expect(counter.capacity).toBe(2 * threshold);
            let t = 0;
            for (const step of steps) {
              t += step.dtMs;
              // Mostly ids from a small pool (so they repeat), sometimes a fresh one.
              const id = step.fresh && typeof step.id === "number" ? step.id : pool[Math.abs(Math.trunc(Number(step.id) || 0)) % pool.length];
              if (step.kind === "observe") expect(counter.observe(id, t)).toBe(reference.observe(id, t));
              else if (step.kind === "count") expect(counter.count(t)).toBe(reference.count(t));
              else {
                reference.count(t);
                expect(counter.has(id, t)).toBe(reference.seen.has(id));
              }
            }
            expect(counter.count(t)).toBe(reference.count(t));
            for (const id of pool) expect(counter.has(id, t)).toBe(reference.seen.has(id));
            for (const id of reference.seen.keys()) expect(counter.has(id, t)).toBe(true);
          },
        ),
        { numRuns: 500 },
      );
    });

    it("agrees with the reference model over long runs of mostly new numeric ids, capacities up to beyond 64", () => {
      // A fleet far larger than the capacity: nearly every request a new or evicted id,
      // so ids collide in the counter's lookup and are removed from it all the time.
      let s = 0x2545f491;
      const next = (): number => {
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        return s >>> 0;
      };
      for (const threshold of [1, 4, 25, 33, 70]) {
        const counter = new CmidCounter(threshold, 5_000);
        const reference = new Reference(2 * threshold, 5_000);
        const fleet = 40 * threshold;
        let t = 0;
        for (let i = 0; i < 20_000; i++) {
          t += next() % 4 === 0 ? next() % 3_000 : 0.05;
          const r = next();
          const id = r % 5 === 0 ? r % (threshold + 1) : r % 3 === 0 ? (r >>> 2) * 64 : r % fleet;
          const got = counter.observe(id, t);
          const want = reference.observe(id, t);
          if (got !== want) expect({ i, id, got }).toEqual({ i, id, got: want });
          if (i % 2000 === 0) {
            for (let k = 0; k < fleet; k++) {
              if (counter.has(k, t) !== reference.seen.has(k)) expect({ i, k, has: counter.has(k, t) }).toEqual({ i, k, has: reference.seen.has(k) });
            }
          }
        }
        for (const id of reference.seen.keys()) expect(counter.has(id, t)).toBe(true);
        expect(counter.count(t + 5_001)).toBe(0);
      }
    });

    it("at a fixed time observing never lowers the count; without requests the count never rises", () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 8 }),
          fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 60 }),
          fc.array(fc.integer({ min: 0, max: 40 * DAY_MS }), { maxLength: 10 }),
          (threshold, ids, laterMs) => {
            const counter = new CmidCounter(threshold);
            let previous = 0;
            for (const id of ids) {
              const n = counter.observe(id, 0);
              expect(n).toBeGreaterThanOrEqual(previous);
              previous = n;
            }
            expect(previous).toBe(Math.min(new Set(ids).size, 2 * threshold));
            for (const t of [...laterMs].sort((a, b) => a - b)) {
              const n = counter.count(t);
              expect(n).toBeLessThanOrEqual(previous);
              previous = n;
            }
            expect(counter.count(30 * DAY_MS + 1)).toBe(0);
          },
        ),
      );
    });

    it("agrees with the reference model when ids collide in the lookup table, runs wrapping past its end (backward-shift deletion)", () => {
      // The table is kept sparse, so random ids rarely share a bucket: build ids that do.
      // Same sizing as the counter: the smallest power of two >= 16 × (capacity + 1) buckets.
      const threshold = 2;
      const slots = 2 * threshold + 1;
      let bits = 3;
      while (1 << bits < 16 * slots) bits++;
      const buckets = 1 << bits;
      const home = (id: number): number => Math.imul(id, 0x9e3779b1 | 0) >>> (32 - bits);
      // Four ids homed in each of the last two buckets, the first two, and one in the middle.
      const wanted = [buckets - 2, buckets - 1, 0, 1, buckets >> 1];
      const pool: number[] = [];
      for (const bucket of wanted) {
        for (let id = 0, found = 0; found < 4; id++) {
          if (home(id) === bucket) {
            pool.push(id);
            found++;
          }
        }
      }
      fc.assert(
        fc.property(
          fc.array(fc.record({ at: fc.nat({ max: pool.length - 1 }), dtMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 })) }), { maxLength: 120 }),
          (steps) => {
            const counter = new CmidCounter(threshold, 60);
            const reference = new Reference(2 * threshold, 60);
            let t = 0;
            for (const step of steps) {
              t += step.dtMs;
              expect(counter.observe(pool[step.at], t)).toBe(reference.observe(pool[step.at], t));
              // Every id of every run is still found (or not) after each eviction and expiry.
              for (const id of pool) expect(counter.has(id, t)).toBe(reference.seen.has(id));
            }
          },
        ),
        { numRuns: 300 },
      );
    });
  });
});
