// The `generator` section of a realtime result: what the scenario asked of this machine,
// what it achieved, and whether its own lag makes the measurements suspect.

import type { GeneratorResult } from "../results/result.js";
import { LatencyRecorder } from "../results/latency-recorder.js";
import type { ThreadLoad } from "./fleet/thread-load.js";

/** Above this share of requests sent over LATE_SEND_MS late, the run is saturated. */
export const SATURATED_LATE_FRACTION = 0.01;

export interface GeneratorInputs {
  clock: "adaptive" | "strict";
  requestedTimeScale: number;
  minTimeScale: number;
  /** Simulated ms the run covered, and the wall ms it took to cover them. */
  simulatedMs: number;
  wallMs: number;
  rpcSent: number;
  /** Every slice's encoded send-lag histogram, and its count of late sends. */
  sendLagHistograms: readonly string[];
  lateSends: number;
  threads: readonly ThreadLoad[];
}

export function generatorReport(inputs: GeneratorInputs): GeneratorResult {
  const lag = LatencyRecorder.sumOf(inputs.sendLagHistograms, (_, error) => (error instanceof Error ? error : new Error(String(error))));
  const summary = lag.summary();
  const sends = lag.count;
  const lateFraction = sends === 0 ? 0 : inputs.lateSends / sends;
  const wallSeconds = inputs.wallMs / 1000;
  const offeredSeconds = inputs.simulatedMs / inputs.requestedTimeScale / 1000;
  return {
    clock: inputs.clock,
    requestedTimeScale: inputs.requestedTimeScale,
    achievedTimeScale: wallSeconds > 0 ? round(inputs.simulatedMs / inputs.wallMs) : inputs.requestedTimeScale,
    minTimeScale: round(inputs.minTimeScale),
    offeredRpcPerSecond: offeredSeconds > 0 ? round(inputs.rpcSent / offeredSeconds) : 0,
    achievedRpcPerSecond: wallSeconds > 0 ? round(inputs.rpcSent / wallSeconds) : 0,
    sendLagMs: { mean: summary.mean, p50: summary.p50, p90: summary.p90, p99: summary.p99, max: summary.max },
    lateSends: inputs.lateSends,
    lateFraction: Math.round(lateFraction * 1e6) / 1e6,
    eventLoopDelayMs: {
      p99: inputs.threads.reduce((worst, t) => Math.max(worst, t.eventLoopDelayMs.p99), 0),
      max: inputs.threads.reduce((worst, t) => Math.max(worst, t.eventLoopDelayMs.max), 0),
    },
    threads: inputs.threads.map((t) => ({ name: t.name, eventLoopDelayMs: { ...t.eventLoopDelayMs }, utilization: t.utilization })),
    saturated: lateFraction > SATURATED_LATE_FRACTION,
  };
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
