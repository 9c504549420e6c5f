// What `--check` reports when the virtual engine breaks one of the model's invariants:
// which rule, the seed and simulated time, and the event that broke it, so the run can
// be replayed exactly (`kmssim run FILE --seed N --check`).

import { KmssimError } from "../core/kmssim-error.js";
import { formatDurationShort } from "../format/format-duration.js";

/** Stable names of the invariants (see invariants.ts for what each one says). */
export const INVARIANTS = [
  "time-monotonic",
  "one-pending-event",
  "legal-transition",
  "removed-host",
  "count-capacity",
  "cached-host",
  "rpc-books",
  "host-books",
] as const;
export type InvariantName = (typeof INVARIANTS)[number];

/** The event after which the invariant was found broken. */
export interface ViolationEvent {
  /** "timer", "dns-reply", "host-arrival", "rpc-reply", a scenario event ("crash kms2", "dns down"), a DNS change ("published kms1"), "sample" or "end". */
  kind: string;
  /** Client index, or -1 for events that are not a client's. */
  client: number;
  /** Host (endpoint) name the event concerned, or null. */
  host: string | null;
  /** Events checked so far, this one included (client, scenario, DNS-change and sample events). */
  number: number;
}

export class InvariantViolation extends KmssimError {
  constructor(
    readonly invariant: InvariantName,
    readonly detail: string,
    readonly seed: number,
    readonly nowMs: number,
    readonly event: ViolationEvent,
  ) {
    super(
      `invariant ${invariant} broken: ${detail}\n  seed ${seed} · simulated ${formatDurationShort(nowMs / 1000)} (${Number(nowMs.toFixed(3))} ms) · after ${describeEvent(event)}`,
      "KMSSIM_INVARIANT",
    );
    this.name = "InvariantViolation";
  }
}

export function describeEvent(event: ViolationEvent): string {
  const client = event.client >= 0 ? ` of client ${event.client}` : "";
  const host = event.host !== null ? ` at host ${event.host}` : "";
  return `event #${event.number}: ${event.kind}${client}${host}`;
}
