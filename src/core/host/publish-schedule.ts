// When a KMS host (re)registers its DNS records (design.md, "Discovery"): at service
// start, then every publish interval while it runs; a failed publish is tried again
// after the retry wait. One slot per (host, domain of its publish list): each domain
// succeeds or fails on its own, and each outcome is an event the host reports.
// Pure: drivers say when the service starts or stops and what each attempt returned.

/** The KMS host's event ids for a publish that worked (12294) or failed (12293). */
import type { HostAction } from "../vocabulary.js";
export const PublishEventId = { Published: 12294, Failed: 12293 } as const;

export interface PublishTiming {
  publishIntervalMs: number;
  publishRetryMs: number;
}

export interface PublishSlot {
  readonly host: number;
  readonly domain: string;
  /** Next attempt (simulated ms); Infinity while the service is stopped. */
  nextAtMs: number;
  /** Last successful publish, or -Infinity. */
  lastOkAtMs: number;
}

/** The host events publishing follows (all of them). */
export type PublishingHostAction = HostAction;

export class PublishSchedule {
  readonly slots: PublishSlot[] = [];
  /** Decommissioned hosts never publish again, whatever follows. */
  private readonly gone = new Set<number>();

  /** `domainsByHost[h]`: the publish list of host h (an empty list publishes nothing). */
  constructor(
    domainsByHost: readonly (readonly string[])[],
    private readonly timing: PublishTiming,
  ) {
    domainsByHost.forEach((domains, host) => {
      for (const domain of domains) this.slots.push({ host, domain, nextAtMs: Infinity, lastOkAtMs: -Infinity });
    });
  }

  /** The service (re)started: it publishes into every domain at once. */
  serviceStarted(host: number, nowMs: number): void {
    for (const slot of this.slots) if (slot.host === host) slot.nextAtMs = nowMs;
  }

  /** Crashed, hung or decommissioned: no more publishing until it starts again. */
  serviceStopped(host: number): void {
    for (const slot of this.slots) if (slot.host === host) slot.nextAtMs = Infinity;
  }

  /**
   * What a host event does to publishing: a KMS service that crashed or hung stops
   * refreshing its records, one that recovers publishes at once, a decommissioned one
   * is gone for good; a slow one goes on as before.
   */
  hostEvent(host: number, action: PublishingHostAction, nowMs: number): void {
    if (this.gone.has(host)) return;
    if (action === "decommission") this.gone.add(host);
    if (action === "recover") this.serviceStarted(host, nowMs);
    else if (action !== "slow") this.serviceStopped(host);
  }

  /** The earliest pending attempt, or Infinity. */
  nextDueAtMs(): number {
    let next = Infinity;
    for (const slot of this.slots) if (slot.nextAtMs < next) next = slot.nextAtMs;
    return next;
  }

  /** Slots whose attempt is due at or before `nowMs`, in host then domain order. */
  due(nowMs: number): PublishSlot[] {
    return this.slots.filter((slot) => slot.nextAtMs <= nowMs);
  }

  /** An attempt ended; the next one follows after the interval (ok) or the retry wait. */
  recordResult(slot: PublishSlot, nowMs: number, ok: boolean): void {
    if (ok) slot.lastOkAtMs = nowMs;
    // A stop that came while the attempt was in flight wins.
    if (slot.nextAtMs === Infinity) return;
    slot.nextAtMs = nowMs + (ok ? this.timing.publishIntervalMs : this.timing.publishRetryMs);
  }

  /** Marks a slot as in flight, so `due` does not hand it out twice. */
  begin(slot: PublishSlot): void {
    slot.nextAtMs = Number.MAX_VALUE;
  }
}

/** When a record last refreshed at `lastOkAtMs` goes stale; Infinity when scavenging is off (age 0). */
export function staleAtMs(lastOkAtMs: number, scavengeAfterMs: number): number {
  return scavengeAfterMs > 0 ? lastOkAtMs + scavengeAfterMs : Infinity;
}

/**
 * True when a record last refreshed at `lastOkAtMs` is older than the scavenging age at
 * `nowMs`. Derived from the very deadline drivers wait for (staleAtMs): `now - lastOk >= age`
 * can be false at that instant in floating point, and a loop would spin there.
 */
export function isStale(lastOkAtMs: number, nowMs: number, scavengeAfterMs: number): boolean {
  return staleAtMs(lastOkAtMs, scavengeAfterMs) <= nowMs;
}
