// How busy one thread of the load generator was: event-loop delay (perf_hooks) and the
// share of wall time its loop was working. A late loop sends late and reads answers late,
// so these say when the numbers measure this machine rather than the hosts.

import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from "node:perf_hooks";

/** Sampling period of the delay monitor; its samples include it, so it is taken off. */
const RESOLUTION_MS = 10;

export interface ThreadLoad {
  /** "main" (orchestration, metrics), "hosts" (hosts, DNS, events) or "worker-N" (a slice of the clients). */
  name: string;
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  /** Share of wall time the event loop was busy (0–1). */
  utilization: number;
}

export class ThreadLoadMonitor {
  private readonly whole: IntervalHistogram;
  private readonly window: IntervalHistogram;
  private readonly startUtilization: EventLoopUtilization;

  constructor(readonly name: string) {
    this.whole = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.window = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.whole.enable();
    this.window.enable();
    this.startUtilization = performance.eventLoopUtilization();
  }

  /** The p99 delay since the last call (wall ms); starts a new window. */
  takeWindowP99Ms(): number {
    const p99 = delayMs(this.window, 99);
    this.window.reset();
    return p99;
  }

  finish(): ThreadLoad {
    this.whole.disable();
    this.window.disable();
    return {
      name: this.name,
      eventLoopDelayMs: { p50: delayMs(this.whole, 50), p99: delayMs(this.whole, 99), max: round3(Math.max(0, this.whole.max / 1e6 - RESOLUTION_MS)) },
      utilization: round3(performance.eventLoopUtilization(this.startUtilization).utilization),
    };
  }
}

function delayMs(h: IntervalHistogram, percentile: number): number {
  if (h.count === 0) return 0;
  return round3(Math.max(0, h.percentile(percentile) / 1e6 - RESOLUTION_MS));
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
