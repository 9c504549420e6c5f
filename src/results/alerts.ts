// The alerts the KMS monitoring pack would have raised during a run, read off the result
// itself (its event log, its timeline samples and the hosts at the end), so both drivers and
// `kmssim merge` get them from one place. The pack watches DNS publishing failures (event
// 12293) and Low Activation Count; hosts down or hung and clients out of licence are what an
// operator pages on besides. One alert per kind, host and product, as the pack keeps one
// alert with a repeat count: `count` is how often it was seen.

import type { FleetEventRecord, Result, TimelineSample } from "./result.js";
import { ALERT_KINDS } from "./result-schema.js";

export type AlertKind = (typeof ALERT_KINDS)[number];
export type AlertsResult = NonNullable<Result["alerts"]>;
export type AlertRecord = AlertsResult["list"][number];

const SEVERITY: Record<AlertKind, AlertRecord["severity"]> = {
  dnsPublishing: "warning",
  lowActivationCount: "warning",
  hostDown: "critical",
  hostHung: "critical",
  licenceLapsed: "critical",
};

/** What the alerts are read from: any result, before or after its thresholds. */
export type AlertSource = Pick<Result, "events" | "hosts" | "timeline" | "simulatedSeconds" | "clients">;

/** A condition the monitor sees at some instants (a poll) or at an event. */
interface Seen {
  kind: AlertKind;
  host?: string;
  product?: string;
  t: number;
  message: string;
}

/** One alert per kind, host and product. */
function keyOf(kind: AlertKind, host: string | undefined, product: string | undefined): string {
  return `${kind}\u0000${host ?? ""}\u0000${product ?? ""}`;
}

class AlertBook {
  private readonly byKey = new Map<string, AlertRecord>();

  see({ kind, host, product, t, message }: Seen): void {
    const key = keyOf(kind, host, product);
    const alert = this.byKey.get(key);
    if (alert === undefined) {
      this.byKey.set(key, {
        kind,
        severity: SEVERITY[kind],
        ...(host === undefined ? {} : { host }),
        ...(product === undefined ? {} : { product }),
        firstSeen: t,
        lastSeen: t,
        open: false,
        count: 1,
        message,
      });
      return;
    }
    alert.lastSeen = Math.max(alert.lastSeen, t);
    alert.count += 1;
    alert.message = message;
  }

  /** Seen again without counting another occurrence (a condition that lasts). */
  extend(kind: AlertKind, host: string | undefined, product: string | undefined, t: number, open: boolean): void {
    const alert = this.byKey.get(keyOf(kind, host, product));
    if (alert === undefined) return;
    alert.lastSeen = Math.max(alert.lastSeen, t);
    alert.open = open;
  }

  setOpen(kind: AlertKind, host: string | undefined, product: string | undefined): void {
    const alert = this.byKey.get(keyOf(kind, host, product));
    if (alert !== undefined) alert.open = true;
  }

  result(): AlertsResult {
    const list = [...this.byKey.values()].sort((a, b) => a.firstSeen - b.firstSeen || ALERT_KINDS.indexOf(a.kind) - ALERT_KINDS.indexOf(b.kind));
    const total = (kind: AlertKind): { count: number } => ({ count: list.filter((a) => a.kind === kind).reduce((n, a) => n + a.count, 0) });
    return {
      dnsPublishing: total("dnsPublishing"),
      lowActivationCount: total("lowActivationCount"),
      hostDown: total("hostDown"),
      hostHung: total("hostHung"),
      licenceLapsed: total("licenceLapsed"),
      list,
    };
  }
}

/** The run's alerts, oldest first. */
export function alertsOf(source: AlertSource): AlertsResult {
  const book = new AlertBook();
  const endS = source.simulatedSeconds;
  publishFailures(book, source.events);
  outages(book, source.events, endS);
  polls(book, source);
  return book.result();
}

/** The hosts with their failed publish attempts counted from the event log (`hosts[].publishFailed`). */
export function withPublishFailed<H extends { name: string }>(hosts: readonly H[], events: readonly FleetEventRecord[]): (H & { publishFailed: number })[] {
  const byHost = new Map<string, number>();
  for (const e of events) if (isPublishFailure(e)) byHost.set(e.target, (byHost.get(e.target) ?? 0) + 1);
  return hosts.map((h) => ({ ...h, publishFailed: byHost.get(h.name) ?? 0 }));
}

function isPublishFailure(e: FleetEventRecord): boolean {
  return e.kind === "dns" && e.action === "publish-failed";
}

function publishFailures(book: AlertBook, events: readonly FleetEventRecord[]): void {
  // Open while a host's latest publish attempt failed.
  const failing = new Map<string, boolean>();
  for (const e of [...events].sort((a, b) => a.t - b.t)) {
    if (e.kind === "dns" && e.action === "published") failing.set(e.target, false);
    if (!isPublishFailure(e)) continue;
    failing.set(e.target, true);
    const where = e.domain === undefined ? "" : ` in ${e.domain}`;
    const why = e.reason === undefined ? "" : `: ${e.reason}`;
    book.see({ kind: "dnsPublishing", host: e.target, t: e.t, message: `${e.target} failed to publish its SRV record${where} (event 12293)${why}` });
  }
  for (const [host, failed] of failing) if (failed) book.setOpen("dnsPublishing", host, undefined);
}

/** Crash and hang open an outage; recover or decommission ends it. */
function outages(book: AlertBook, events: readonly FleetEventRecord[], endS: number): void {
  const open = new Map<string, "hostDown" | "hostHung">();
  const close = (host: string, t: number): void => {
    const kind = open.get(host);
    if (kind === undefined) return;
    book.extend(kind, host, undefined, t, false);
    open.delete(host);
  };
  for (const e of [...events].sort((a, b) => a.t - b.t)) {
    if (e.kind !== "host") continue;
    if (e.action === "crash" || e.action === "hang") {
      const kind = e.action === "crash" ? "hostDown" : "hostHung";
      if (open.get(e.target) === kind) continue;
      close(e.target, e.t);
      open.set(e.target, kind);
      const message = kind === "hostDown" ? `${e.target} crashed: down until it recovers` : `${e.target} hung: it accepts requests and answers none`;
      book.see({ kind, host: e.target, t: e.t, message });
    } else if (e.action === "recover" || e.action === "decommission") {
      close(e.target, e.t);
    }
  }
  for (const [host, kind] of open) book.extend(kind, host, undefined, endS, true);
}

/**
 * What a poll of the monitor finds: the timeline's samples, the last one (or the run's end,
 * added when no sample stands there) read from the hosts at the end, which every driver reports.
 */
function polls(book: AlertBook, source: AlertSource): void {
  const samples: Pick<TimelineSample, "t" | "activated" | "licensed" | "lowCount">[] = [...source.timeline];
  const lowCount: Record<string, string[]> = {};
  for (const h of source.hosts) if (h.lowCount.length > 0) lowCount[h.name] = h.lowCount;
  const atEnd = { t: source.simulatedSeconds, activated: source.clients.activated, licensed: source.clients.licensed, lowCount };
  const last = samples[samples.length - 1];
  if (last === undefined || last.t < source.simulatedSeconds) samples.push(atEnd);
  else samples[samples.length - 1] = { ...last, lowCount };
  samples.forEach((sample, k) => {
    const isLast = k === samples.length - 1;
    for (const [host, products] of Object.entries(sample.lowCount ?? {})) {
      for (const product of products) {
        book.see({
          kind: "lowActivationCount",
          host,
          product,
          t: sample.t,
          message: `${host}'s count for ${product} is below the activation threshold: the next client asking it gets 0xC004F038`,
        });
        if (isLast) book.setOpen("lowActivationCount", host, product);
      }
    }
    const lapsed = sample.activated - sample.licensed;
    if (lapsed > 0) {
      const clients = lapsed === 1 ? "1 client" : `${lapsed} clients`;
      book.see({
        kind: "licenceLapsed",
        t: sample.t,
        message: `${clients} that had activated were not licensed when last seen (out-of-tolerance grace or worse)`,
      });
      if (isLast) book.setOpen("licenceLapsed", undefined, undefined);
    }
  });
}
