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
  /**
   * Wall ms from time 0 until sending stopped: at least `wallMs`, longer when a backlog
   * was still being sent after the end (the end grace: rpcTimeout + 1 s).
   */
  sendingWallMs: number;
  rpcSent: number;
  /** Every slice's encoded send-lag histogram, and its count of late sends. */
  sendLagHistograms: readonly string[];
  lateSends: number;
  /** Steps due (an RPC or a DNS query each) left unsent, over LATE_SEND_MS overdue, when the slices stopped. */
  unsentAtEnd: number;
  threads: readonly ThreadLoad[];
}

export function generatorReport(inputs: GeneratorInputs): GeneratorResult {
  const lag = LatencyRecorder.sumOf(inputs.sendLagHistograms, (_, error) => (error instanceof Error ? error : new Error(String(error))));
  const summary = lag.summary();
  // A step that never left is the latest of all: it counts as late, among all that were due.
  const due = lag.count + inputs.unsentAtEnd;
  const lateFraction = due === 0 ? 0 : (inputs.lateSends + inputs.unsentAtEnd) / due;
  const wallSeconds = inputs.wallMs / 1000;
  const sendingSeconds = Math.max(inputs.sendingWallMs, inputs.wallMs) / 1000;
  // What the scenario asks: every step due, sent or not, in the wall time the requested rate takes.
  const offeredSeconds = inputs.simulatedMs / inputs.requestedTimeScale / 1000;
  return {
    clock: inputs.clock,
    requestedTimeScale: inputs.requestedTimeScale,
    achievedTimeScale: wallSeconds > 0 ? round(inputs.simulatedMs / inputs.wallMs) : inputs.requestedTimeScale,
    minTimeScale: round(inputs.minTimeScale),
    offeredRpcPerSecond: offeredSeconds > 0 ? round((inputs.rpcSent + inputs.unsentAtEnd) / offeredSeconds) : 0,
    // What left, over the wall time it took to send it (a backlog sent after the end included).
    achievedRpcPerSecond: sendingSeconds > 0 ? round(inputs.rpcSent / sendingSeconds) : 0,
    sendLagMs: { mean: summary.mean, p50: summary.p50, p90: summary.p90, p99: summary.p99, max: summary.max },
    lateSends: inputs.lateSends,
    unsentAtEnd: inputs.unsentAtEnd,
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
