// Realtime mode's clock: simulated time runs `timeScale` times faster than the wall
// clock (86400 = a day per second), from a shared wall-clock origin so every worker and
// the main thread agree on "now". Network latency and service times stay real.

import { performance } from "node:perf_hooks";
import { MAX_TIMER_MS } from "../scenario/defaults.js";

export { MAX_TIMER_MS };

export class CompressedClock {
  /**
   * @param originEpochMs wall-clock origin (ms since the Unix epoch): simulated time 0.
   * @param timeScale simulated ms per wall ms.
   */
  constructor(
    readonly originEpochMs: number,
    readonly timeScale: number,
  ) {}

  /** Wall clock in ms since the epoch, at sub-millisecond resolution. */
  static wallNowMs(): number {
    return performance.timeOrigin + performance.now();
  }

  simNowMs(): number {
    return (CompressedClock.wallNowMs() - this.originEpochMs) * this.timeScale;
  }

  /** The wall time (ms since the epoch) at which simulated time reaches `simMs`. */
  wallAtMs(simMs: number): number {
    return this.originEpochMs + simMs / this.timeScale;
  }

  /** Wall ms from now until simulated time reaches `simMs` (0 if already past). */
  wallDelayUntilMs(simMs: number): number {
    return Math.max(0, this.wallAtMs(simMs) - CompressedClock.wallNowMs());
  }

  /**
   * Calls `fn` once simulated time reaches `simMs` (at once if it has). Node's timers
   * cannot wait longer than 2^31 − 1 ms (24.8 days; longer ones fire at once), which a
   * long scenario at a small time scale needs: the wait is taken in steps.
   */
  at(simMs: number, fn: () => void): ClockTimer {
    let timer: NodeJS.Timeout;
    const arm = (): void => {
      const delayMs = this.wallDelayUntilMs(simMs);
      timer = delayMs > MAX_TIMER_MS ? setTimeout(arm, MAX_TIMER_MS) : setTimeout(fn, delayMs);
    };
    arm();
    return { clear: () => clearTimeout(timer) };
  }
}

/** A pending `CompressedClock.at`. */
export interface ClockTimer {
  clear(): void;
}
