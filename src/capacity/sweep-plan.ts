// The runs of a sweep, planned before any runs (k6 style): one point per (fleet size,
// host count), `replications` runs per point, each with its own seed derived from the
// scenario seed and the point's values — not its position — so `--hosts 3..3` repeats
// exactly the runs of the 3-host point of `--hosts 1..8`. Points are ordered fleet size
// first, then host count, so an interrupted sweep has finished its small host counts.

import { deriveSeed } from "../core/rng.js";

export interface SweepPoint {
  index: number;
  hosts: number;
  /** Total clients of each run (the fleet size). */
  clients: number;
}

export interface SweepRun {
  /** Position in the run list. */
  index: number;
  point: number;
  replication: number;
  seed: number;
}

export interface SweepPlan {
  points: SweepPoint[];
  runs: SweepRun[];
}

/** The seed of replication `replication` (0-based) at `hosts` hosts and `clients` clients. */
export function replicationSeed(baseSeed: number, hosts: number, clients: number, replication: number): number {
  return deriveSeed(deriveSeed(deriveSeed(baseSeed, hosts), clients), replication);
}

export function planSweep(baseSeed: number, hostCounts: readonly number[], fleetSizes: readonly number[], replications: number): SweepPlan {
  const points: SweepPoint[] = [];
  const runs: SweepRun[] = [];
  for (const clients of fleetSizes) {
    for (const hosts of hostCounts) {
      const point = points.push({ index: points.length, hosts, clients }) - 1;
      for (let replication = 0; replication < replications; replication++) {
        runs.push({ index: runs.length, point, replication, seed: replicationSeed(baseSeed, hosts, clients, replication) });
      }
    }
  }
  return { points, runs };
}
