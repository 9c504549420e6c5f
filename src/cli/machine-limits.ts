// The machine's side of the run limits (fleet-plan/run-limits.ts): physical memory or a
// container's limit, the largest typed array, the V8 heap of one thread.

import { constants as bufferConstants } from "node:buffer";
import { availableParallelism, totalmem } from "node:os";
import { getHeapStatistics } from "node:v8";
import type { MachineLimits } from "../fleet-plan/run-limits.js";

export function machineLimits(): MachineLimits {
  const total = totalmem();
  // No cgroup limit reads as 2^64 (or 0 where unsupported): physical memory bounds us then.
  const constrained = process.constrainedMemory?.() ?? 0;
  return {
    memoryBytes: constrained > 0 && constrained < total ? constrained : total,
    maxArrayBytes: bufferConstants.MAX_LENGTH,
    heapLimitBytes: getHeapStatistics().heap_size_limit,
  };
}

/**
 * Realtime workers when --workers is not given: one per core, up to 8, less the core the
 * hosts' thread needs when the hosts run in this process (`hostsHere`). Every request a
 * worker sends is one the hosts' thread accepts and answers at about the same CPU cost, so
 * a hosts' thread sharing its core with a worker slows them all (measured on 2 cores,
 * bench/realtime-load.yaml: 1 worker + the hosts sends ~1.6× the RPC/s of 2 workers + the
 * hosts, at ~13 % less CPU per request, like a bare client and server in two processes).
 */
export function defaultWorkers(hostsHere = false): number {
  const cores = availableParallelism();
  return Math.max(1, Math.min(hostsHere ? cores - 1 : cores, 8));
}
