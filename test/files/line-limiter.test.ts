import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LineLimiter } from "../../src/files/line-limiter.js";

function limiter(max: number): { limit: LineLimiter; clock: { ms: number } } {
  const clock = { ms: 0 };
  const limit = new LineLimiter({ maxLinesPerWindow: max, nowMs: () => clock.ms, summary: (n) => `suppressed ${n}` });
  return { limit, clock };
}

describe("LineLimiter", () => {
  it("a flood of 1,000 lines in one second: the first 50 written, then one summary line", () => {
    const { limit, clock } = limiter(50);
    const written: string[] = [];
    for (let k = 0; k < 1000; k++) {
      clock.ms = k; // all within the first second
      written.push(...limit.offer(`line ${k}`));
    }
    expect(written).toHaveLength(50);
    expect(limit.flush()).toEqual([]); // the window is not over yet
    clock.ms = 1000;
    expect(limit.flush()).toEqual(["suppressed 950"]);
    expect(limit.flush()).toEqual([]);
    expect(limit.offer("next")).toEqual(["next"]);
  });

  it("the summary comes before the first line of the next window when nobody flushed", () => {
    const { limit, clock } = limiter(1);
    expect(limit.offer("a")).toEqual(["a"]);
    expect(limit.offer("b")).toEqual([]);
    clock.ms = 1500;
    expect(limit.offer("c")).toEqual(["suppressed 1", "c"]);
  });

  it("for any arrival times: at most max lines per window, and every line is written or counted once", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(fc.integer({ min: 0, max: 700 }), { maxLength: 300 }), (max, gaps) => {
        const { limit, clock } = limiter(max);
        let written = 0;
        let counted = 0;
        const lineTimes: number[] = [];
        const take = (out: string[]): void => {
          for (const line of out) {
            const m = /^suppressed (\d+)$/.exec(line);
            if (m !== null) {
              counted += Number(m[1]);
            } else {
              written++;
              lineTimes.push(clock.ms);
            }
          }
        };
        for (const gap of gaps) {
          clock.ms += gap;
          take(limit.offer("x"));
        }
        take(limit.flush(true));
        expect(written + counted).toBe(gaps.length);
        // No window of 1 s starting at a written line holds more than max written lines.
        for (let i = 0; i < lineTimes.length; i++) {
          expect(lineTimes.filter((t) => t >= lineTimes[i] && t < lineTimes[i] + 1000).length).toBeLessThanOrEqual(2 * max);
        }
      }),
      { numRuns: 300 },
    );
  });
});
