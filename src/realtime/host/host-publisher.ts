// Realtime hosts publishing themselves: the core's PublishSchedule decides when, and each
// attempt is a real RFC 2136 UPDATE signed with TSIG to the DNS server (embedded or the
// one the scenario names). Outcomes become events (12294 published / 12293 failed); a
// failing publish never stops a host from serving. Also plays the scavenger for servers
// that do not scavenge themselves (BIND): records it published and nobody refreshed for
// dns.scavengeAfter are deleted with the same key.

import { isStale, PublishEventId, PublishSchedule, staleAtMs, type PublishingHostAction, type PublishSlot } from "../../core/host/publish-schedule.js";
import type { FleetEventRecord } from "../../results/result.js";
import type { HostSpec, Scenario } from "../../scenario/model.js";
import { publishLists } from "../../scenario/publish-lists.js";
import { publishChanges, unpublishChanges } from "../../dns/update-client.js";
import type { UpdateChange } from "../../dns/update-message.js";
import type { ClockTimer, CompressedClock } from "../compressed-clock.js";
import type { RpcTarget } from "../client/rpc-call.js";
import type { TsigKey } from "../../dns/tsig.js";
import { sendDnsUpdate } from "../../dns/update-client.js";

export interface UpdateReply {
  rcodeName: string;
  tsigErrorName: string;
}

/** Sends one update for `zone`; resolves with the server's answer, rejects when there is none. */
export type UpdateSender = (zone: string, changes: readonly UpdateChange[]) => Promise<UpdateReply>;

export interface PublishedHost {
  /** Scenario host index. */
  host: number;
  name: string;
  address: string;
  port: number;
  priority: number;
  weight: number;
}

export interface HostPublisherOptions {
  scenario: Scenario;
  hosts: readonly PublishedHost[];
  send: UpdateSender;
  /** Simulated now. */
  simNowMs: () => number;
  /** Calls `fn` once simulated time reaches `simMs` (CompressedClock.at: the rate may change while it waits). */
  at: (simMs: number, fn: () => void) => ClockTimer;
  /** No attempt is scheduled after this simulated time; default the scenario's duration (`kmssim host`, which runs until stopped: Infinity). */
  untilMs?: number;
  /** Delete stale records ourselves (servers without scavenging). */
  scavengeByDelete: boolean;
  /** A record appeared or vanished (for the expected shares); `present` false = removed. */
  onRecord?: (host: number, domain: string, present: boolean) => void;
  /** Every publish outcome and scavenging, as it happens. */
  onEvent?: (event: FleetEventRecord) => void;
  /** First failure of each kind, in plain words, for the user. */
  onWarning?: (message: string) => void;
}

/** A scenario host as it publishes itself: listening at `target`, with its SRV priority and weight. */
export function publishedHost(index: number, spec: HostSpec, target: RpcTarget): PublishedHost {
  return { host: index, name: spec.name, address: target.address, port: target.port, priority: spec.priority, weight: spec.weight };
}

/**
 * What every publisher of a scenario's hosts shares (a run's own hosts, `kmssim host`):
 * updates signed with `key` to `server`, on the clock in force (`clock()`: a run sets its
 * time 0 anew when the fleet starts), where time before 0 (a --start-at ahead) counts as 0.
 */
export function publishingOn(
  scenario: Scenario,
  clock: () => CompressedClock,
  server: { host: string; port: number },
  key: TsigKey | null,
): Pick<HostPublisherOptions, "send" | "simNowMs" | "at"> {
  return {
    send: (zone, changes) => sendDnsUpdate(server, zone, changes, { key, timeoutMs: scenario.network.dnsTimeoutMs }),
    simNowMs: () => Math.max(0, clock().simNowMs()),
    at: (t, fn) => clock().at(t, fn),
  };
}

export class HostPublisher {
  readonly events: FleetEventRecord[] = [];
  private readonly schedule: PublishSchedule;
  private readonly byHost = new Map<number, PublishedHost>();
  private readonly present = new Set<PublishSlot>();
  private readonly warned = new Set<string>();
  private timer: ClockTimer | null = null;
  private inFlight = new Set<Promise<void>>();
  /** Slots whose publish is in flight: never scavenged meanwhile (the add and a delete would race). */
  private readonly publishing = new Set<PublishSlot>();
  /** Slots whose delete is in flight: a publish waits for its answer, so it lands after it. */
  private readonly deleting = new Map<PublishSlot, Promise<void>>();
  /** Stale slots whose delete failed: tried again from this simulated time (publishRetry later). */
  private readonly deleteRetryAtMs = new Map<PublishSlot, number>();
  private closed = false;
  attempts = 0;
  failures = 0;
  /** Attempts that got no answer at all (timeout, connection refused). */
  unanswered = 0;

  constructor(private readonly options: HostPublisherOptions) {
    const { scenario } = options;
    this.schedule = new PublishSchedule(publishLists(scenario), {
      publishIntervalMs: scenario.dns.publishIntervalMs,
      publishRetryMs: scenario.dns.publishRetryMs,
    });
    for (const host of options.hosts) this.byHost.set(host.host, host);
  }

  /** Publishes every host into every domain at `nowMs` and waits for the answers (time 0 of the run). */
  async publishAll(nowMs: number): Promise<void> {
    for (const host of this.byHost.keys()) this.schedule.serviceStarted(host, nowMs);
    await this.runDue(nowMs);
  }

  /** Starts the timers for what follows (re-registration, retries, scavenging). */
  start(): void {
    this.arm();
  }

  serviceStarted(host: number): void {
    this.schedule.serviceStarted(host, this.options.simNowMs());
    this.arm();
  }

  /** A scenario event for this host (crash, recover, decommission, …), by the core's rule. */
  hostEvent(host: number, action: PublishingHostAction): void {
    this.schedule.hostEvent(host, action, this.options.simNowMs());
    this.arm();
  }

  serviceStopped(host: number): void {
    this.schedule.serviceStopped(host);
    this.arm();
  }

  /** The server removed the record itself (it scavenges): the next successful publish announces it again. */
  recordRemoved(host: number, domain: string): void {
    const key = domain.replace(/\.$/, "").toLowerCase();
    for (const slot of this.present) {
      if (slot.host === host && slot.domain.replace(/\.$/, "").toLowerCase() === key) this.present.delete(slot);
    }
  }

  /** Stops the timers and waits for updates in flight. */
  async close(): Promise<void> {
    this.closed = true;
    this.timer?.clear();
    this.timer = null;
    await Promise.all([...this.inFlight]);
  }

  private arm(): void {
    if (this.closed) return;
    this.timer?.clear();
    const { scavengeAfterMs } = this.options.scenario.dns;
    let next = this.schedule.nextDueAtMs();
    if (this.options.scavengeByDelete && scavengeAfterMs > 0) {
      // A slot being published is looked at again when its publish ends (runDue re-arms).
      for (const slot of this.present) {
        if (!this.publishing.has(slot))
          next = Math.min(next, Math.max(staleAtMs(slot.lastOkAtMs, scavengeAfterMs), this.deleteRetryAtMs.get(slot) ?? -Infinity));
      }
    }
    if (next === Infinity || next > (this.options.untilMs ?? this.options.scenario.durationMs)) {
      this.timer = null;
      return;
    }
    this.timer = this.options.at(next, () => {
      this.timer = null;
      // A throwing callback must not become an unhandled rejection or stop the schedule.
      void this.runDue()
        .catch((err: unknown) => this.options.onWarning?.(`kmssim: publishing failed inside kmssim: ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => this.arm());
    });
  }

  private async runDue(now = this.options.simNowMs()): Promise<void> {
    const attempts = this.schedule.due(now).map((slot) => this.attempt(slot, now));
    if (this.options.scavengeByDelete) {
      for (const slot of [...this.present]) {
        if (this.publishing.has(slot) || (this.deleteRetryAtMs.get(slot) ?? -Infinity) > now) continue;
        if (isStale(slot.lastOkAtMs, now, this.options.scenario.dns.scavengeAfterMs)) attempts.push(this.scavenge(slot, now));
      }
    }
    await Promise.all(attempts);
  }

  private track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work);
    return work.finally(() => this.inFlight.delete(work));
  }

  private attempt(slot: PublishSlot, nowMs: number): Promise<void> {
    const host = this.byHost.get(slot.host);
    if (host === undefined) return Promise.resolve();
    this.schedule.begin(slot);
    this.attempts++;
    const ttlSeconds = Math.round(this.options.scenario.dns.ttlMs / 1000);
    this.publishing.add(slot);
    return this.track(
      (this.deleting.get(slot) ?? Promise.resolve())
        .then(() =>
          this.options.send(
            slot.domain,
            publishChanges(slot.domain, {
              target: targetNameOf(host.name, slot.domain),
              address: host.address,
              port: host.port,
              priority: host.priority,
              weight: host.weight,
              ttlSeconds,
            }),
          ),
        )
        .then(
          (reply) => (reply.rcodeName === "NOERROR" ? null : refusal(reply, slot.domain)),
          (error: unknown) => {
            this.unanswered++;
            return error instanceof Error ? error.message : String(error);
          },
        )
        .then((failure) => {
          const ok = failure === null;
          this.schedule.recordResult(slot, nowMs, ok);
          if (ok) {
            this.deleteRetryAtMs.delete(slot);
            if (!this.present.has(slot)) this.options.onRecord?.(slot.host, slot.domain, true);
            this.present.add(slot);
          } else {
            this.failures++;
            this.warnOnce(
              failure,
              `kmssim: ${host.name} could not publish its SRV record in ${slot.domain}: ${failure}. The host keeps serving; clients may not find it through DNS.`,
            );
          }
          this.record({
            t: nowMs / 1000,
            kind: "dns",
            target: host.name,
            action: ok ? "published" : "publish-failed",
            domain: slot.domain,
            eventId: ok ? PublishEventId.Published : PublishEventId.Failed,
            ...(ok ? {} : { reason: failure }),
          });
        })
        .finally(() => this.publishing.delete(slot)),
    );
  }

  private scavenge(slot: PublishSlot, nowMs: number): Promise<void> {
    const host = this.byHost.get(slot.host);
    this.present.delete(slot);
    if (host === undefined) return Promise.resolve();
    // The record is still on the server: try again after the retry wait.
    const retryLater = (): void => {
      this.present.add(slot);
      this.deleteRetryAtMs.set(slot, nowMs + this.options.scenario.dns.publishRetryMs);
    };
    const work = this.track(
      this.options.send(slot.domain, unpublishChanges(slot.domain, targetNameOf(host.name, slot.domain), host.port, host)).then(
        (reply) => {
          if (reply.rcodeName !== "NOERROR") {
            this.warnOnce(`scavenge:${reply.rcodeName}`, `kmssim: scavenging ${host.name}'s record in ${slot.domain} failed: ${refusal(reply, slot.domain)}`);
            retryLater();
            return;
          }
          this.deleteRetryAtMs.delete(slot);
          this.options.onRecord?.(slot.host, slot.domain, false);
          this.record({ t: nowMs / 1000, kind: "dns", target: host.name, action: "scavenged", domain: slot.domain });
        },
        (error: unknown) => {
          this.warnOnce("scavenge", `kmssim: scavenging ${host.name}'s record failed: ${error instanceof Error ? error.message : String(error)}`);
          retryLater();
        },
      ),
    );
    this.deleting.set(slot, work);
    const done = (): void => {
      if (this.deleting.get(slot) === work) this.deleting.delete(slot);
    };
    void work.then(done, done);
    return work;
  }

  private record(event: FleetEventRecord): void {
    this.events.push(event);
    this.options.onEvent?.(event);
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.options.onWarning?.(message);
  }
}

/** The owner name of a host's address record in a domain: `<host>.<domain>`. */
export function targetNameOf(hostName: string, domain: string): string {
  return `${hostName}.${domain}`.toLowerCase();
}

const REFUSALS: Record<string, string> = {
  REFUSED: "the server refused the update (unsigned, or updates not allowed for this key)",
  NOTAUTH: "the server is not authoritative for the zone or rejected the key",
  NOTZONE: "the record is outside the zone",
  SERVFAIL: "the server failed",
};

function refusal(reply: UpdateReply, domain: string): string {
  const tsig = reply.tsigErrorName !== "NOERROR" && reply.tsigErrorName !== "" ? ` (TSIG ${reply.tsigErrorName})` : "";
  const why =
    reply.tsigErrorName === "BADKEY"
      ? "the server does not know the key (name or algorithm)"
      : reply.tsigErrorName === "BADSIG"
        ? "the key's secret does not match the server's"
        : reply.tsigErrorName === "BADTIME"
          ? "the clocks of this machine and the server differ by more than 5 minutes"
          : reply.rcodeName === "NOTAUTH"
            ? `the server does not serve zone ${domain} or rejected the key`
            : (REFUSALS[reply.rcodeName] ?? "the server answered with an error");
  return `${reply.rcodeName}${tsig}: ${why}`;
}
