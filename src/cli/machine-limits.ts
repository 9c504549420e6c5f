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

/** Realtime workers when --workers is not given. */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(availableParallelism(), 8));
}
