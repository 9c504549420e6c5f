// Virtual mode's DNS publishing, planned before the run: the embedded server accepts a
// host's update whenever it is up, so every publish outcome and every scavenging follows
// from the scenario's events alone. The result is a time-ordered list of record changes
// the virtual engine applies like any other scheduled event. (Realtime mode sends real
// RFC 2136 updates instead and learns the outcomes from the server.)

import { isStale, PublishSchedule, staleAtMs, type PublishSlot } from "../core/host/publish-schedule.js";
import type { Scenario } from "../scenario/model.js";
import { publishLists } from "../scenario/publish-lists.js";
import { recordRef } from "../scenario/srv-target.js";

export type PublishChangeKind = "published" | "publish-failed" | "scavenged";

export interface PublishChange {
  atMs: number;
  kind: PublishChangeKind;
  /** Index into scenario.hosts. */
  host: number;
  domain: string;
  /** Why a publish failed. */
  reason?: string;
}

/** Bounds the plan of a pathological scenario (1-minute intervals over years, many hosts). */
export const MAX_PUBLISH_CHANGES = 1_000_000;

export function planPublishing(scenario: Scenario): PublishChange[] {
  if (scenario.dns.publish !== "auto") return [];
  const { publishIntervalMs, publishRetryMs, scavengeAfterMs } = scenario.dns;
  const schedule = new PublishSchedule(publishLists(scenario), { publishIntervalMs, publishRetryMs });
  scenario.hosts.forEach((_, h) => schedule.serviceStarted(h, 0));
  const present = new Set<PublishSlot>();
  const changes: PublishChange[] = [];
  const endMs = scenario.durationMs;
  let dnsUp = true;
  let eventIndex = 0;

  const scavengeDue = (): number => {
    let next = Infinity;
    for (const slot of present) next = Math.min(next, staleAtMs(slot.lastOkAtMs, scavengeAfterMs));
    return next;
  };

  while (changes.length < MAX_PUBLISH_CHANGES) {
    const nextEvent = eventIndex < scenario.events.length ? scenario.events[eventIndex].atMs : Infinity;
    const nextPublish = schedule.nextDueAtMs();
    const nextScavenge = scavengeDue();
    const now = Math.min(nextEvent, nextPublish, nextScavenge);
    if (now > endMs || now === Infinity) break;
    if (nextEvent === now) {
      // Scenario events first: a host that crashes at t does not publish at t.
      const event = scenario.events[eventIndex++];
      if (event.kind === "dns") {
        dnsUp = event.action === "up";
        continue;
      }
      if (event.kind === "record") {
        // Deleted by hand: nothing left to scavenge; the host's next refresh registers it again.
        const ref = recordRef(scenario, event.name, event.target);
        for (const slot of [...present]) if (slot.host === ref.host && slot.domain === ref.domain) present.delete(slot);
        continue;
      }
      const h = scenario.hosts.findIndex((spec) => spec.name === event.host);
      if (h >= 0) schedule.hostEvent(h, event.action, now);
      continue;
    }
    if (nextPublish === now) {
      for (const slot of schedule.due(now)) {
        schedule.recordResult(slot, now, dnsUp);
        if (dnsUp) present.add(slot);
        changes.push(
          dnsUp
            ? { atMs: now, kind: "published", host: slot.host, domain: slot.domain }
            : { atMs: now, kind: "publish-failed", host: slot.host, domain: slot.domain, reason: "the DNS server did not answer" },
        );
      }
      continue;
    }
    for (const slot of [...present]) {
      if (!isStale(slot.lastOkAtMs, now, scavengeAfterMs)) continue;
      present.delete(slot);
      changes.push({ atMs: now, kind: "scavenged", host: slot.host, domain: slot.domain });
    }
  }
  return changes;
}
