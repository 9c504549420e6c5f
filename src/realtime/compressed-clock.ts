// Realtime mode's clock: simulated time runs `timeScale` times faster than the wall
// clock (86400 = a day per second), from a shared wall-clock origin so every worker and
// the main thread agree on "now". Network latency and service times stay real.

import { performance } from "node:perf_hooks";

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
}
