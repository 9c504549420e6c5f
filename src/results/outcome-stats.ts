// Counters and latency histogram of one RPC kind (activation or renewal) or of DNS.

import { formatCode } from "../core/errors.js";
import { LatencyRecorder } from "./latency-recorder.js";

export interface OutcomeStatsWire {
  sent: number;
  ok: number;
  failed: number;
  errors: [number, number][];
  histogram: string;
}

export class OutcomeStats {
  sent = 0;
  ok = 0;
  failed = 0;
  readonly errors = new Map<number, number>();
  readonly latency = new LatencyRecorder();

  /** One answered, refused or timed-out request; latency runs from when it was due. */
  record(status: number, latencyMs: number): void {
    this.latency.recordMs(latencyMs);
    if (status === 0) {
      this.ok++;
    } else {
      this.failed++;
      this.errors.set(status, (this.errors.get(status) ?? 0) + 1);
    }
  }

  errorsByHex(): Record<string, number> {
    return countsByHex(this.errors);
  }

  /** A structured-clone-friendly copy, for a worker to send to the main thread. */
  toWire(): OutcomeStatsWire {
    return { sent: this.sent, ok: this.ok, failed: this.failed, errors: [...this.errors], histogram: this.latency.encode() };
  }

  /** Adds another part of the fleet's counts (exact: histograms merge bucket by bucket). */
  addWire(wire: OutcomeStatsWire): void {
    this.sent += wire.sent;
    this.ok += wire.ok;
    this.failed += wire.failed;
    for (const [code, n] of wire.errors) this.errors.set(code, (this.errors.get(code) ?? 0) + n);
    this.latency.add(LatencyRecorder.decode(wire.histogram));
  }
}

/** Error-code counts as a JSON object with hex keys in a stable (sorted) order. */
export function countsByHex(counts: ReadonlyMap<number, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const code of [...counts.keys()].sort((a, b) => a - b)) out[formatCode(code)] = counts.get(code)!;
  return out;
}
