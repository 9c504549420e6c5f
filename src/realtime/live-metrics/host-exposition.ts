// The live metrics of `kmssim host` (--metrics-port / --metrics-listen): the hosts' own
// counters for the life of the process, read at scrape time. The requests, faults and up
// metrics are the run's own (registerHostMetrics), so one dashboard reads both; the rest
// only a host process has: answers by kind and status, the current count per product,
// requests waiting or in service, and the time a request spends on the host.

import { Gauge, Registry } from "prom-client";
import { collected, histogramSamples, registerHostMetrics, statusLabel } from "./exposition.js";
import { LatencyBuckets } from "./latency-buckets.js";
import type { LiveHostView } from "./live-view.js";
import type { RpcKind } from "./live-rpc-counts.js";

export interface HostProcessView extends LiveHostView {
  /** Current count per served product (the host's clock). */
  count: Record<string, number>;
  inService: number;
  waiting: number;
}

/** Answers by (host, kind, status) and their residence on the host; fed by the servers' onServed. */
export class HostAnswerCounts {
  readonly answers = new Map<string, { host: string; kind: RpcKind; status: number; count: number }>();
  readonly residence = new Map<string, { host: string; kind: RpcKind; buckets: LatencyBuckets }>();

  record(host: string, kind: RpcKind, status: number, residenceMs: number): void {
    const key = `${host}|${kind}|${status}`;
    const entry = this.answers.get(key);
    if (entry === undefined) this.answers.set(key, { host, kind, status, count: 1 });
    else entry.count++;
    let pair = this.residence.get(`${host}|${kind}`);
    if (pair === undefined) this.residence.set(`${host}|${kind}`, (pair = { host, kind, buckets: new LatencyBuckets() }));
    pair.buckets.record(residenceMs);
  }
}

export function createHostRegistry(hosts: () => readonly HostProcessView[], answers: HostAnswerCounts): Registry {
  const registry = new Registry();
  registerHostMetrics(registry, hosts);
  collected(registry, "kmssim_host_answers_total", "Answers each host wrote, by kind and status (ok or the KMS error code it answered)", "counter", () =>
    [...answers.answers.values()].map((e) => ({ value: e.count, labels: { host: e.host, kind: e.kind, status: statusLabel(e.status) } })),
  );
  collected(
    registry,
    "kmssim_host_service_seconds",
    "Wall time a request spent on the host, from being read to its answer being written (queue wait and service), by kind",
    "histogram",
    () =>
      [...answers.residence.values()].flatMap((e) =>
        histogramSamples("kmssim_host_service_seconds", { host: e.host, kind: e.kind }, e.buckets.cumulative(), e.buckets.sumMs / 1000),
      ),
  );
  new Gauge({
    name: "kmssim_host_count",
    help: "The host's current count per product (distinct client machines it remembers, as slmgr /dlv shows)",
    labelNames: ["host", "product"],
    registers: [registry],
    collect() {
      for (const h of hosts()) for (const [product, n] of Object.entries(h.count)) this.set({ host: h.name, product }, n);
    },
  });
  // A partition: the sum over state is every request the host holds now.
  new Gauge({
    name: "kmssim_host_pending",
    help: "Requests a host holds now: in_service (a server busy with it) or waiting (queued for a server)",
    labelNames: ["host", "state"],
    registers: [registry],
    collect() {
      for (const h of hosts()) {
        this.set({ host: h.name, state: "in_service" }, h.inService);
        this.set({ host: h.name, state: "waiting" }, h.waiting);
      }
    },
  });
  return registry;
}
