// The adaptive clock's shared log: simulated time is continuous and never goes back across
// rate changes, wall↔simulated conversions invert each other, and a worker thread reading
// the same buffer sees the rate the main thread set.
import fc from "fast-check";
import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ClockSegments } from "../../src/realtime/clock-segments.js";
import { CompressedClock } from "../../src/realtime/compressed-clock.js";

const changes = fc.array(fc.tuple(fc.double({ min: 0, max: 10_000, noNaN: true }), fc.double({ min: 1, max: 1e5, noNaN: true })), { maxLength: 30 });

describe("ClockSegments", () => {
  it("continuous and increasing simulated time, and wallAtSimMs inverts simAtWallMs, for any rate changes", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1e5, noNaN: true }),
        changes,
        fc.array(fc.double({ min: -1000, max: 400_000, noNaN: true }), { minLength: 2, maxLength: 20 }),
        (scale0, steps, probes) => {
          const origin = 1_000_000;
          const log = ClockSegments.create(origin, scale0, 64);
          let wall = origin;
          for (const [gapMs, scale] of steps) {
            wall += gapMs;
            const before = log.simAtWallMs(wall);
            log.append(wall, scale);
            // No jump at the change.
            expect(log.simAtWallMs(wall)).toBeCloseTo(before, 3);
          }
          const sorted = probes.map((p) => origin + p).sort((a, b) => a - b);
          for (let k = 1; k < sorted.length; k++) expect(log.simAtWallMs(sorted[k])).toBeGreaterThanOrEqual(log.simAtWallMs(sorted[k - 1]) - 1e-6);
          for (const w of sorted) {
            const sim = log.simAtWallMs(w);
            expect(log.wallAtSimMs(sim)).toBeCloseTo(w, 3);
          }
        },
      ),
    );
  });

  it("keeps its rate when full, and ignores a non-positive or unchanged rate", () => {
    const log = ClockSegments.create(0, 10, 2);
    expect(log.append(5, 10)).toBe(false);
    expect(log.append(5, 0)).toBe(false);
    expect(log.append(5, 5)).toBe(true);
    expect(log.append(6, 2)).toBe(false);
    expect(log.scale).toBe(5);
    expect(log.simAtWallMs(7)).toBe(50 + 2 * 5);
  });

  it("a worker attached to the buffer reads the main thread's rate and time", async () => {
    const clock = new CompressedClock(CompressedClock.wallNowMs(), 86_400, { adaptive: true });
    clock.setScale(1000);
    const code = `
      const { parentPort, workerData } = require("node:worker_threads");
      const count = new Int32Array(workerData, 0, 1);
      const data = new Float64Array(workerData, 8, 3 * Atomics.load(count, 0));
      parentPort.postMessage({ n: Atomics.load(count, 0), scale: data[data.length - 1] });`;
    const seen = await new Promise<{ n: number; scale: number }>((resolve, reject) => {
      const worker = new Worker(code, { eval: true, workerData: clock.segments.buffer });
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    expect(seen).toEqual({ n: 2, scale: 1000 });
    expect(CompressedClock.attach(clock.segments.buffer).timeScale).toBe(1000);
  });
});

describe("CompressedClock.at with a changing rate", () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it("never fires before its simulated instant when the clock slows while it waits, nor long after when it speeds up", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    vi.spyOn(CompressedClock, "wallNowMs").mockImplementation(() => Date.now());
    const clock = new CompressedClock(CompressedClock.wallNowMs(), 86_400, { adaptive: true });
    const dayMs = 86_400_000;
    const firedAt: number[] = [];
    clock.at(2 * dayMs, () => firedAt.push(clock.simNowMs()));
    vi.advanceTimersByTime(500); // half a day
    clock.setScale(8_640); // ten times slower: the second half-day and a day take 15 s more
    vi.advanceTimersByTime(1_000);
    expect(firedAt).toEqual([]);
    vi.advanceTimersByTime(13_000);
    expect(firedAt).toEqual([]);
    vi.advanceTimersByTime(2_000);
    expect(firedAt).toHaveLength(1);
    expect(firedAt[0]).toBeGreaterThanOrEqual(2 * dayMs);
    // Late only by the re-check step (250 wall ms at 8,640×: 36 simulated minutes).
    expect(firedAt[0] - 2 * dayMs).toBeLessThanOrEqual(250 * 8_640);

    const later: number[] = [];
    clock.at(30 * dayMs, () => later.push(clock.simNowMs()));
    clock.setScale(86_400 * 10); // faster: must not wait for the old, slower estimate
    vi.advanceTimersByTime(28 * 100 + 300);
    expect(later).toHaveLength(1);
    expect(later[0]).toBeGreaterThanOrEqual(30 * dayMs);
  });

  it("startAt moves time 0 for every reader of the log (a run sets it once its slices are built), but not once the rate changed", () => {
    const clock = new CompressedClock(1_000, 3_600, { adaptive: true });
    const reader = CompressedClock.attach(clock.segments.buffer);
    clock.startAt(5_000);
    expect(reader.originEpochMs).toBe(5_000);
    expect(reader.segments.simAtWallMs(5_000)).toBe(0);
    expect(reader.wallAtMs(3_600_000)).toBe(6_000);
    expect(reader.timeScale).toBe(3_600);
    expect(clock.segments.append(6_000, 1_800)).toBe(true);
    expect(() => clock.startAt(9_000)).toThrow(/origin moves only before/);
    expect(reader.originEpochMs).toBe(5_000);
  });

  it("a fixed-rate clock refuses setScale", () => {
    expect(() => new CompressedClock(0, 10).setScale(5)).toThrow(/fixed-rate/);
  });
});
