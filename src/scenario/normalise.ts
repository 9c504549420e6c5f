// From a validated scenario file to the engines' `Scenario`: every default filled in,
// domains in canonical form, events in time order. Runs only on a file without errors.

import { dirname, resolve } from "node:path";
import { CMID_CAPACITY_FACTOR } from "../core/host/thresholds.js";
import { DEFAULT_KMS_PORT, DEFAULTS, SRV_SERVICE_PREFIX, defaultSampleIntervalMs } from "./defaults.js";
import { BUILT_IN_PRODUCTS, type ProductRules } from "../core/product.js";
import type { ClientGroupSpec, HostSpec, Scenario, ScenarioEvent, SrvRecord, ThresholdSpec, TsigKeySpec } from "./model.js";
import { THRESHOLD_OPS, type ScenarioFile } from "./schema.js";
import { parseDurationMs } from "./duration.js";
import { hostOfTarget, recordDomainOf, scenarioZones, targetFqdn } from "./srv-target.js";

type FileHost = ScenarioFile["hosts"][number];
type FileClient = ScenarioFile["clients"][number];
type FileEvent = NonNullable<ScenarioFile["events"]>[number];
type FileThreshold = NonNullable<ScenarioFile["thresholds"]>[number];
type FileRecord = NonNullable<NonNullable<ScenarioFile["dns"]>["records"]>[number];
type FileProduct = NonNullable<ScenarioFile["products"]>[number];

/** DNS names compare case-insensitively and may end in a root dot: `Corp.Example.` is `corp.example`. */
export function canonicalDomain(domain: string): string {
  return domain.toLowerCase().replace(/\.$/, "");
}

/** `name` of the file without folders and extension: `scenarios/multi-host.yaml` → `multi-host`. */
export function scenarioNameFromFile(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = base.lastIndexOf(".");
  const name = dot > 0 ? base.slice(0, dot) : base;
  return name === "" ? "scenario" : name;
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

export function normalise(file: ScenarioFile, fileName: string): Scenario {
  const durationMs = file.duration ?? DEFAULTS.durationMs;
  const domain = canonicalDomain(file.dns?.domain ?? DEFAULTS.dns.domain);
  const products = normaliseProducts(file.products ?? []);
  const hosts = file.hosts.map((host) => normaliseHost(host, domain, products));
  const clients = file.clients.map((client) => normaliseClient(client, domain));
  const owners = (file.dns?.records ?? []).map((record) => canonicalDomain(record.name ?? `${SRV_SERVICE_PREFIX}${domain}`));
  const zones = scenarioZones({ dns: { domain, records: owners.map((name) => ({ name })) }, clients, hosts });
  return {
    name: file.name ?? scenarioNameFromFile(fileName),
    seed: file.seed ?? DEFAULTS.seed,
    mode: file.mode ?? DEFAULTS.mode,
    durationMs,
    timeScale: file.timeScale ?? DEFAULTS.timeScale,
    sampleIntervalMs: file.sampleInterval ?? defaultSampleIntervalMs(durationMs),
    products,
    dns: {
      server: file.dns?.server ?? DEFAULTS.dns.server,
      domain,
      publish: file.dns?.publish ?? DEFAULTS.dns.publish,
      ttlMs: file.dns?.ttl ?? DEFAULTS.dns.ttlMs,
      records: (file.dns?.records ?? []).map((record, i) => normaliseRecord(record, owners[i], hosts, zones)),
      publishIntervalMs: file.dns?.publishInterval ?? DEFAULTS.dns.publishIntervalMs,
      publishRetryMs: file.dns?.publishRetry ?? DEFAULTS.dns.publishRetryMs,
      scavengeAfterMs: file.dns?.scavengeAfter ?? 0,
      tsig: normaliseTsig(file.dns, fileName),
    },
    hosts,
    clients,
    realtime: { clock: file.realtime?.clock ?? DEFAULTS.realtime.clock },
    network: {
      latencyMs: file.network?.latency ?? DEFAULTS.network.latencyMs,
      jitterMs: file.network?.jitter ?? DEFAULTS.network.jitterMs,
      rpcTimeoutMs: file.network?.rpcTimeout ?? DEFAULTS.network.rpcTimeoutMs,
      dnsTimeoutMs: file.network?.dnsTimeout ?? DEFAULTS.network.dnsTimeoutMs,
    },
    // Array.prototype.sort is stable: events at the same time keep their file order.
    events: (file.events ?? []).map((event) => normaliseEvent(event, domain)).sort((a, b) => a.atMs - b.atMs),
    thresholds: (file.thresholds ?? []).map(normaliseThreshold),
  };
}

function normaliseTsig(dns: ScenarioFile["dns"], fileName: string): TsigKeySpec | null {
  if (dns?.tsig !== undefined) return { kind: "inline", name: dns.tsig.name, secret: dns.tsig.secret };
  if (dns?.keyFile !== undefined) return { kind: "file", path: resolve(dirname(fileName), dns.keyFile) };
  return null;
}

/**
 * The catalog: the built-in products with the file's settings, then the file's own products
 * in file order (semantics.ts checked names, and that an added product has its ID and threshold).
 */
export function normaliseProducts(fileProducts: readonly FileProduct[]): ProductRules[] {
  const catalog = BUILT_IN_PRODUCTS.map((p) => ({ ...p }));
  for (const entry of fileProducts) {
    let rules = catalog.find((p) => p.name === entry.name);
    if (rules === undefined) {
      rules = { ...BUILT_IN_PRODUCTS[0], name: entry.name, activationId: null, threshold: entry.threshold ?? 1 };
      catalog.push(rules);
    }
    const threshold = entry.threshold ?? rules.threshold;
    // A new threshold keeps the 2 × threshold cache unless the file sets the cache too.
    const cacheSize = entry.cmidCacheSize ?? (entry.threshold !== undefined ? CMID_CAPACITY_FACTOR * threshold : rules.cmidCacheSize);
    Object.assign(rules, {
      activationId: entry.activationId?.toLowerCase() ?? rules.activationId,
      threshold,
      cmidCacheSize: cacheSize,
      cmidMemoryMs: entry.cmidMemory ?? rules.cmidMemoryMs,
      validityMs: entry.validity ?? rules.validityMs,
      initialGraceMs: entry.initialGrace ?? rules.initialGraceMs,
      outOfToleranceGraceMs: entry.outOfToleranceGrace ?? rules.outOfToleranceGraceMs,
    });
  }
  return catalog;
}

function normaliseHost(host: FileHost, domain: string, products: readonly ProductRules[]): HostSpec {
  const d = DEFAULTS.host;
  return {
    name: host.name,
    port: host.port ?? d.port,
    priority: host.priority ?? d.priority,
    weight: host.weight ?? d.weight,
    products: unique(host.products ?? products.map((p) => p.name)),
    serviceTimeMs: host.serviceTime ?? d.serviceTimeMs,
    concurrency: host.concurrency ?? d.concurrency,
    publishDomains: unique((host.publishDomains ?? [domain]).map(canonicalDomain)),
    publish: host.publish ?? true,
    activationIntervalMs: host.activationInterval ?? null,
    renewalIntervalMs: host.renewalInterval ?? null,
    activated: host.activated ?? d.activated,
    kmsEnabled: host.kmsEnabled ?? d.kmsEnabled,
    maxClockSkewMs: host.maxClockSkew ?? d.maxClockSkewMs,
  };
}

function normaliseClient(client: FileClient, domain: string): ClientGroupSpec {
  const d = DEFAULTS.client;
  return {
    name: client.name,
    count: client.count,
    os: client.os ?? d.os,
    product: client.product ?? d.product,
    domain: canonicalDomain(client.domain ?? domain),
    bootSpreadMs: client.bootSpread ?? d.bootSpreadMs,
    startAtMs: client.startAt ?? d.startAtMs,
    clockSkewMs: client.clockSkew ?? d.clockSkewMs,
    kmsHost: client.kmsHost?.trim() ?? null,
    hostCaching: client.hostCaching ?? d.hostCaching,
    activationIntervalMs: client.activationInterval ?? d.activationIntervalMs,
    renewalIntervalMs: client.renewalInterval ?? d.renewalIntervalMs,
    trace: client.trace === undefined ? null : { file: client.trace, speedup: client.traceSpeedup ?? 1, offsetsMs: null },
    startLicensed: client.startLicensed ?? d.startLicensed,
  };
}

/** The port defaults to the port of the host the target names, in whatever zone holds it. */
function normaliseRecord(record: FileRecord, owner: string, hosts: readonly HostSpec[], zones: readonly string[]): SrvRecord {
  const target = record.target.replace(/\.$/, "");
  const host = hostOfTarget(
    targetFqdn(target, recordDomainOf(owner)),
    zones,
    hosts.map((h) => h.name),
  );
  return {
    name: owner,
    target,
    port: record.port ?? (host < 0 ? DEFAULT_KMS_PORT : hosts[host].port),
    priority: record.priority ?? DEFAULTS.host.priority,
    weight: record.weight ?? DEFAULTS.host.weight,
  };
}

function normaliseEvent(event: FileEvent, domain: string): ScenarioEvent {
  if ("dns" in event) return { atMs: event.at, kind: "dns", action: event.dns };
  if ("record" in event) {
    const name = canonicalDomain(event.record.name ?? `${SRV_SERVICE_PREFIX}${domain}`);
    return { atMs: event.at, kind: "record", action: event.action, name, target: event.record.target.replace(/\.$/, "") };
  }
  return {
    atMs: event.at,
    kind: "host",
    host: event.host,
    action: event.action,
    serviceTimeMs: event.action === "slow" ? (event.serviceTime ?? null) : null,
  };
}

function normaliseThreshold(threshold: FileThreshold): ThresholdSpec {
  // semantics.ts guarantees exactly one operator.
  const op = THRESHOLD_OPS.find((candidate) => threshold[candidate] !== undefined) ?? "eq";
  const value = threshold[op] ?? 0;
  // semantics.ts checked that a text value is a duration, on a metric in ms.
  return { metric: threshold.metric, op, value: typeof value === "string" ? parseDurationMs(value) : value };
}
