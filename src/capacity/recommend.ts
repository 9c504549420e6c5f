// The answer of a sweep, per fleet size: the smallest host count whose every replication
// met every threshold. Points are judged in ascending host count; an unfinished point
// (interrupted) ahead of the first passing one leaves the answer open, since it might
// have passed.

export interface PointVerdict {
  hosts: number;
  /** Every replication of the point ran. */
  complete: boolean;
  /** Complete, and every replication met every threshold. */
  pass: boolean;
}

export type Recommendation =
  | {
      hosts: number;
      /** Larger host counts that failed after all (noise near the limit: add replications). */
      failedAbove: number[];
    }
  | { hosts: null; reason: "none-passed" | "unfinished"; /** unfinished: the first point that did not finish. */ unfinishedAt?: number };

export function recommendHosts(points: readonly PointVerdict[]): Recommendation {
  const sorted = [...points].sort((a, b) => a.hosts - b.hosts);
  const first = sorted.findIndex((p) => !p.complete || p.pass);
  if (first < 0) return { hosts: null, reason: "none-passed" };
  const point = sorted[first];
  if (!point.complete) return { hosts: null, reason: "unfinished", unfinishedAt: point.hosts };
  const failedAbove = sorted
    .slice(first + 1)
    .filter((p) => p.complete && !p.pass)
    .map((p) => p.hosts);
  return { hosts: point.hosts, failedAbove };
}
