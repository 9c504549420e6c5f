// The live metrics as a prom-client Registry (a fresh one, not the global registry; no
// default process metrics: the process is the simulator, and node_exporter-style process
// numbers would only describe kmssim itself). Every value is read at scrape time from a
// LiveRunView; before the run is set up the metrics have no samples.
//
// Counters that are cumulative elsewhere (in the workers, in the host servers) and the
// latency histogram built from the workers' bucket counts are registered as plain metric
// objects ({name, help, type, get}): prom-client's Counter cannot be set to a value and
// its Histogram cannot take external bucket counts, while Registry.metrics() only calls
// get() on what it holds (checked in prom-client 15.1.3 lib/registry.js). Gauges are
// prom-client Gauges with a collect() callback.

import { Gauge, Registry } from "prom-client";
import { Code, formatCode } from "../../core/errors.js";
import { LIVE_LATENCY_BOUNDS_MS } from "./latency-buckets.js";
import { mergeLiveRpc, type MergedLive } from "./live-rpc-counts.js";
import type { LiveHostView, LiveRunView } from "./live-view.js";

export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

type Labels = Record<string, string | number>;
interface Sample {
  value: number;
  labels: Labels;
  metricName?: string;
}

/** A status as a label: ok, unreachable (refused, reset or timed out), or the KMS error code. */
export function statusLabel(status: number): string {
  if (status === 0) return "ok";
  if (status === Code.RpcServerUnavailable) return "unreachable";
  return formatCode(status);
}

/** Seconds as Prometheus writes bucket bounds: "0.0005", "10". */
export function leLabel(boundMs: number): string {
  return String(boundMs / 1000);
}

export function createLiveRegistry(view: () => LiveRunView | null): Registry {
  const registry = new Registry();
  // One merge of the workers' counts per scrape, shared by the metrics that read it.
  let mergedFor: readonly unknown[] | null = null;
  let merged: MergedLive | null = null;
  const live = (run: LiveRunView): MergedLive => {
    const slices = run.slices();
    const wires = slices.map((s) => s.live);
    if (merged === null || mergedFor === null || wires.length !== mergedFor.length || wires.some((w, k) => w !== mergedFor![k])) {
      merged = mergeLiveRpc(wires);
      mergedFor = wires;
    }
    return merged;
  };

  collected(
    registry,
    "kmssim_rpc_total",
    "Client-side RPC outcomes by kind, host and status (ok, unreachable, or the KMS error code); from the workers' latest progress",
    "counter",
    () => {
      const run = view();
      if (run === null) return [];
      return [...live(run).rpc.values()].map((e) => ({
        value: e.count,
        labels: { kind: e.kind, host: run.endpointName(e.host), status: statusLabel(e.status) },
      }));
    },
  );
  collected(
    registry,
    "kmssim_rpc_latency_seconds",
    "Client-side RPC latency by kind and host, from when the request was due (no coordinated omission); sum by (le, kind) for the whole fleet",
    "histogram",
    () => {
      const run = view();
      if (run === null) return [];
      return [...live(run).latency.values()].flatMap((e) =>
        histogramSamples("kmssim_rpc_latency_seconds", { kind: e.kind, host: run.endpointName(e.host) }, e.buckets.cumulative(), e.buckets.sumMs / 1000),
      );
    },
  );
  collected(registry, "kmssim_dns_queries_total", "Client-side DNS SRV queries by status (ok, or the error the client saw)", "counter", () => {
    const run = view();
    if (run === null) return [];
    return [...live(run).dns].map(([status, n]) => ({ value: n, labels: { status: statusLabel(status) } }));
  });
  registerHostMetrics(registry, () => view()?.hosts() ?? []);
  // A partition (Prometheus: a sum over a label must mean something): sum() is the fleet.
  new Gauge({
    name: "kmssim_clients",
    help: "Simulated clients by state, each in one: licensed now, lapsed (activated before, not licensed now), not_activated (never yet); sum() is the fleet",
    labelNames: ["state"],
    registers: [registry],
    collect() {
      const run = view();
      if (run === null) return;
      for (const [state, n] of Object.entries(clientStates(run))) this.set({ state }, n);
    },
  });
  new Gauge({
    name: "kmssim_simulated_seconds",
    help: "Simulated time since the run's time 0",
    registers: [registry],
    collect() {
      const run = view();
      if (run !== null) this.set(run.simulatedSeconds());
    },
  });
  return registry;
}

/** The host-side metrics a run and `kmssim host` both serve, read from the hosts' own counters. */
export function registerHostMetrics(registry: Registry, hosts: () => readonly LiveHostView[]): void {
  collected(registry, "kmssim_host_requests_total", "Requests each host read (host-side count)", "counter", () =>
    hosts().map((h) => ({ value: h.requests, labels: { host: h.name } })),
  );
  collected(
    registry,
    "kmssim_host_faults_total",
    "Requests a host read but did not answer in time: unanswered (hung), lost (crash), late (client gone), bad_frame",
    "counter",
    () =>
      hosts().flatMap((h) => [
        { value: h.unanswered, labels: { host: h.name, reason: "unanswered" } },
        { value: h.lost, labels: { host: h.name, reason: "lost" } },
        { value: h.late, labels: { host: h.name, reason: "late" } },
        { value: h.badFrames, labels: { host: h.name, reason: "bad_frame" } },
      ]),
  );

  new Gauge({
    name: "kmssim_host_up",
    help: "1 while the host serves, 0 when crashed, hung or decommissioned",
    labelNames: ["host"],
    registers: [registry],
    collect() {
      for (const h of hosts()) this.set({ host: h.name }, h.up ? 1 : 0);
    },
  });
}

/** The clients in three states that add up to the fleet (counts from one progress message per worker, so consistent). */
export function clientStates(run: Pick<LiveRunView, "clientsTotal" | "slices">): { licensed: number; lapsed: number; not_activated: number } {
  const slices = run.slices();
  const activated = Math.min(
    run.clientsTotal,
    slices.reduce((a, s) => a + s.activated, 0),
  );
  const licensed = Math.min(
    activated,
    slices.reduce((a, s) => a + s.licensed, 0),
  );
  return { licensed, lapsed: activated - licensed, not_activated: run.clientsTotal - activated };
}

/** `_bucket{le}` for each bound and +Inf, then `_sum` and `_count` (= the +Inf bucket). */
export function histogramSamples(name: string, labels: Labels, cumulative: readonly number[], sumSeconds: number): Sample[] {
  const total = cumulative[cumulative.length - 1] ?? 0;
  const samples: Sample[] = LIVE_LATENCY_BOUNDS_MS.map((boundMs, k) => ({
    metricName: `${name}_bucket`,
    labels: { ...labels, le: leLabel(boundMs) },
    value: cumulative[k],
  }));
  samples.push({ metricName: `${name}_bucket`, labels: { ...labels, le: "+Inf" }, value: total });
  samples.push({ metricName: `${name}_sum`, labels, value: sumSeconds });
  samples.push({ metricName: `${name}_count`, labels, value: total });
  return samples;
}

/** A metric whose samples are computed at scrape time (see the file comment). */
export function collected(registry: Registry, name: string, help: string, type: "counter" | "histogram", samples: () => Sample[]): void {
  const metric = {
    name,
    help,
    type,
    aggregator: "sum",
    get: async () => ({ name, help, type, aggregator: "sum", values: samples() }),
    reset: () => {},
  };
  registry.registerMetric(metric as unknown as Parameters<Registry["registerMetric"]>[0]);
}
