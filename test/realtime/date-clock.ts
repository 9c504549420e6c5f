// A publisher's `at` on a Date.now() clock at scale 1, for tests that fake Date and timers.
import { MAX_TIMER_MS, type ClockTimer } from "../../src/realtime/compressed-clock.js";

export function atOnDateClock(simNowMs: () => number): (simMs: number, fn: () => void) => ClockTimer {
  return (simMs, fn) => {
    const delayMs = (): number => Math.min(Math.max(0, simMs - simNowMs()), MAX_TIMER_MS);
    const check = (): void => {
      if (simNowMs() >= simMs) fn();
      else timer = setTimeout(check, delayMs());
    };
    let timer = setTimeout(check, delayMs());
    return { clear: () => clearTimeout(timer) };
  };
}
