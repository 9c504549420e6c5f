// Realtime mode's clock: simulated time runs `timeScale` times faster than the wall
// clock (86400 = a day per second), from a shared wall-clock origin so every worker and
// the main thread agree on "now". Network latency and service times stay real.
//
// The rate may change during a run (the adaptive clock slows when the load generator
// falls behind): every thread reads it from one shared segment log, so all agree.

import { performance } from "node:perf_hooks";
import { MAX_TIMER_MS } from "../scenario/defaults.js";
import { ClockSegments } from "./clock-segments.js";

export { MAX_TIMER_MS };

/** Timers look again at least this often while the rate may change. */
const RECHECK_WALL_MS = 250;
/**
 * A slowed clock may speed up while a timer waits, and the timer then fires late (250 ms
 * at ×1.5 was 2 simulated hours at a day per second). Its wait is never longer than the
 * requested rate, the fastest, would take to the target, or this long: the most it oversleeps.
 */
const SPEED_UP_RECHECK_WALL_MS = 10;

export class CompressedClock {
  readonly segments: ClockSegments;

  /** The rate may change (`setScale`): timers look at the clock again while they wait. */
  readonly adaptive: boolean;

  /**
   * @param originEpochMs wall-clock origin (ms since the Unix epoch): simulated time 0.
   * @param timeScale simulated ms per wall ms (the requested rate; see `setScale`).
   */
  constructor(originEpochMs: number, timeScale: number, options: { adaptive?: boolean; segments?: ClockSegments } = {}) {
    this.segments = options.segments ?? ClockSegments.create(originEpochMs, timeScale);
    this.adaptive = options.adaptive === true;
  }

  /** A clock reading the log another thread drives (its `segments.buffer`). */
  static attach(buffer: SharedArrayBuffer): CompressedClock {
    const segments = ClockSegments.attach(buffer);
    return new CompressedClock(segments.originEpochMs, segments.firstScale, { segments, adaptive: true });
  }

  /** Wall clock in ms since the epoch, at sub-millisecond resolution. */
  static wallNowMs(): number {
    return performance.timeOrigin + performance.now();
  }

  get originEpochMs(): number {
    return this.segments.originEpochMs;
  }

  /** The rate the run asked for. */
  get requestedTimeScale(): number {
    return this.segments.firstScale;
  }

  /** The rate in force now. */
  get timeScale(): number {
    return this.segments.scale;
  }

  /** Simulated time 0 is at wall time `originEpochMs` (before the run starts; see ClockSegments.moveOrigin). */
  startAt(originEpochMs: number): void {
    this.segments.moveOrigin(originEpochMs);
  }

  /** From now on simulated time runs at `scale` (the main thread only; an adaptive clock). */
  setScale(scale: number): boolean {
    if (!this.adaptive) throw new Error("setScale on a fixed-rate clock");
    return this.segments.append(CompressedClock.wallNowMs(), scale);
  }

  simNowMs(): number {
    return this.segments.simAtWallMs(CompressedClock.wallNowMs());
  }

  /** The wall time (ms since the epoch) at which simulated time reaches `simMs`, at the rates known now. */
  wallAtMs(simMs: number): number {
    return this.segments.wallAtSimMs(simMs);
  }

  /** Wall ms from now until simulated time reaches `simMs` (0 if already past). */
  wallDelayUntilMs(simMs: number): number {
    return Math.max(0, this.wallAtMs(simMs) - CompressedClock.wallNowMs());
  }

  /**
   * Calls `fn` once simulated time reaches `simMs` (at once if it has). The rate may change
   * while it waits, so a long wait is taken in steps and checked against the clock again
   * when it ends (this also keeps under Node's timer limit, 2^31 − 1 ms: 24.8 days).
   */
  at(simMs: number, fn: () => void): ClockTimer {
    // A fixed-rate clock only needs Node's limit; one whose rate may change looks again often.
    const stepMs = this.adaptive ? RECHECK_WALL_MS : MAX_TIMER_MS;
    const waitMs = (): number => {
      const atThisRateMs = Math.min(this.wallDelayUntilMs(simMs), stepMs);
      if (!this.adaptive || this.timeScale >= this.requestedTimeScale) return atThisRateMs;
      const atFullRateMs = (simMs - this.simNowMs()) / this.requestedTimeScale;
      return Math.min(atThisRateMs, Math.max(atFullRateMs, SPEED_UP_RECHECK_WALL_MS));
    };
    const check = (): void => {
      if (this.simNowMs() >= simMs) fn();
      // At least 1 ms: the timer must not spin when the target is within rounding.
      else timer = setTimeout(check, Math.max(1, waitMs()));
    };
    let timer = setTimeout(check, waitMs());
    return { clear: () => clearTimeout(timer) };
  }
}

/** A pending `CompressedClock.at`. */
export interface ClockTimer {
  clear(): void;
}
