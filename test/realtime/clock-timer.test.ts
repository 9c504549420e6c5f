// CompressedClock.at waits for a simulated instant however far away it is in wall time:
// Node's setTimeout fires at once for delays over 2^31 − 1 ms (24.8 days), which a long
// realtime scenario at timeScale 1 (a host event on day 30) would otherwise hit.
import { afterEach, describe, expect, it, vi } from "vitest";
import { CompressedClock, MAX_TIMER_MS } from "../../src/realtime/compressed-clock.js";

describe("CompressedClock.at", () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  /** Fake timers, and the clock's wall time read from the faked Date. */
  const fakeWallClock = (): void => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    vi.spyOn(CompressedClock, "wallNowMs").mockImplementation(() => Date.now());
  };

  it("fires an event 30 days ahead at timeScale 1 after 30 days, not at once", () => {
    fakeWallClock();
    const clock = new CompressedClock(CompressedClock.wallNowMs(), 1);
    const fired: number[] = [];
    const dayMs = 86_400_000;
    clock.at(30 * dayMs, () => fired.push(clock.simNowMs()));
    vi.advanceTimersByTime(MAX_TIMER_MS);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(29 * dayMs - MAX_TIMER_MS);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(dayMs);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toBeGreaterThanOrEqual(30 * dayMs);
  });

  it("fires at once for an instant already past, and never after clear()", () => {
    fakeWallClock();
    const clock = new CompressedClock(CompressedClock.wallNowMs(), 86_400);
    let past = 0;
    let cleared = 0;
    vi.advanceTimersByTime(10);
    clock.at(0, () => past++);
    clock.at(86_400_000, () => cleared++).clear();
    vi.advanceTimersByTime(5_000);
    expect(past).toBe(1);
    expect(cleared).toBe(0);
  });

  it("a slowed clock that speeds up while a timer waits: the timer fires within 10 wall ms of full rate after its instant", () => {
    fakeWallClock();
    const clock = new CompressedClock(CompressedClock.wallNowMs(), 86_400, { adaptive: true });
    clock.setScale(43_200);
    const targetMs = 250 * 43_200;
    const fired: number[] = [];
    clock.at(targetMs, () => fired.push(clock.simNowMs()));
    vi.advanceTimersByTime(1);
    clock.setScale(86_400);
    vi.advanceTimersByTime(500);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toBeGreaterThanOrEqual(targetMs);
    expect(fired[0] - targetMs).toBeLessThanOrEqual(10 * 86_400);
  });
});
