// Rules that span several keys (unique names, references between sections, times inside
// the run). They read the raw parsed YAML defensively, so they run even when the schema
// found problems elsewhere and every error of the file is reported at once. A value of
// the wrong type is skipped here: the schema already reports it.

import { didYouMean } from "../core/did-you-mean.js";
import { BUILT_IN_PRODUCTS } from "../core/product.js";
import { DEFAULT_KMS_PORT, DEFAULTS, MAX_FLEET_CLIENTS, MAX_TIMELINE_SAMPLES } from "./defaults.js";
import { formatDuration, parseDuration } from "./duration.js";
import { parseKmsHost } from "./kms-host.js";
import type { PathSegment } from "./positions.js";
import { THRESHOLD_OPS } from "./schema.js";
import { show } from "./messages.js";

export interface SemanticIssue {
  path: PathSegment[];
  message: string;
}

export interface SemanticOptions {
  /** Checks a threshold's metric path; returns an error message or null. */
  validateMetric?: (metric: string, hostNames: string[], groupNames: string[], productNames: string[]) => string | null;
}

type Rec = Record<string, unknown>;

function isRecord(value: unknown): value is Rec {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function records(value: unknown): [number, Rec][] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item, i): [number, Rec][] => (isRecord(item) ? [[i, item]] : []));
}

/** A duration value in ms, or null when absent or invalid (the schema reports those). */
function durationMs(value: unknown): number | null {
  if (typeof value !== "string" && typeof value !== "number") return null;
  const parsed = parseDuration(value);
  return parsed.ok ? parsed.ms : null;
}

export function checkSemantics(raw: unknown, options: SemanticOptions = {}): SemanticIssue[] {
  if (!isRecord(raw)) return [];
  const issues: SemanticIssue[] = [];
  const hosts = records(raw.hosts);
  const hostNames = hosts.flatMap(([, h]) => (typeof h.name === "string" ? [h.name] : []));
  const groupNames = records(raw.clients).flatMap(([, g]) => (typeof g.name === "string" ? [g.name] : []));
  const runMs = raw.duration === undefined ? DEFAULTS.durationMs : durationMs(raw.duration);

  const productNames = checkProducts(raw, issues);

  uniqueNames("hosts", "host", hosts, issues);
  uniqueNames("clients", "client group", records(raw.clients), issues);
  checkProductRefs(raw, hosts, productNames, issues);
  checkClients(raw, hosts, hostNames, runMs, issues);
  checkFleetSize(raw, issues);
  checkEvents(raw, hostNames, runMs, issues);
  checkThresholds(raw, { hosts: hostNames, groups: groupNames, products: productNames }, options, issues);
  checkSampleInterval(raw, runMs, issues);
  checkTimeouts(raw, issues);
  checkDnsPublishing(raw, issues);
  return issues;
}

/**
 * The product list: unique names and Activation IDs, an added product's ID and threshold,
 * a cache that can hold the threshold. Returns the catalog's names (built-in first).
 */
function checkProducts(raw: Rec, issues: SemanticIssue[]): string[] {
  const entries = records(raw.products);
  uniqueNames("products", "product", entries, issues);
  const names: string[] = BUILT_IN_PRODUCTS.map((p) => p.name);
  const idOwner = new Map<string, string>();
  for (const p of BUILT_IN_PRODUCTS) if (p.activationId !== null) idOwner.set(p.activationId, p.name);
  for (const [i, entry] of entries) {
    if (typeof entry.name !== "string") continue;
    const builtIn = BUILT_IN_PRODUCTS.find((p) => p.name === entry.name);
    if (builtIn === undefined) {
      if (!names.includes(entry.name)) names.push(entry.name);
      for (const key of ["activationId", "threshold"] as const) {
        if (entry[key] === undefined) {
          issues.push({
            path: ["products", i],
            message: `product '${entry.name}' is not built in (${BUILT_IN_PRODUCTS.map((p) => p.name).join(", ")}): it needs ${key}`,
          });
        }
      }
    }
    if (typeof entry.activationId === "string") {
      const id = entry.activationId.toLowerCase();
      const owner = idOwner.get(id);
      if (owner !== undefined && owner !== entry.name) {
        issues.push({ path: ["products", i, "activationId"], message: `Activation ID ${id} already belongs to '${owner}'` });
      }
      idOwner.set(id, entry.name);
    }
    const threshold = typeof entry.threshold === "number" ? entry.threshold : builtIn?.threshold;
    if (typeof entry.cmidCacheSize === "number" && threshold !== undefined && entry.cmidCacheSize < threshold) {
      issues.push({
        path: ["products", i, "cmidCacheSize"],
        message: `${entry.cmidCacheSize} is below the threshold ${threshold}: the host's count could never reach it`,
      });
    }
  }
  return names;
}

/** Products the hosts serve and the clients ask for must be in the catalog. */
function checkProductRefs(raw: Rec, hosts: [number, Rec][], productNames: string[], issues: SemanticIssue[]): void {
  const check = (path: PathSegment[], name: unknown): void => {
    if (typeof name !== "string" || name === "" || productNames.includes(name)) return;
    // Worded like the schema's other choices; a product of its own goes under products:.
    issues.push({ path, message: `expected one of ${productNames.join(", ")}, got ${show(name)}${didYouMean(name, productNames)}` });
  };
  for (const [i, host] of hosts) if (Array.isArray(host.products)) host.products.forEach((name: unknown, j) => check(["hosts", i, "products", j], name));
  for (const [i, client] of records(raw.clients)) check(["clients", i, "product"], client.product);
}

function uniqueNames(section: string, what: string, items: [number, Rec][], issues: SemanticIssue[]): void {
  const firstIndex = new Map<string, number>();
  for (const [i, item] of items) {
    if (typeof item.name !== "string") continue;
    const first = firstIndex.get(item.name);
    if (first === undefined) firstIndex.set(item.name, i);
    else issues.push({ path: [section, i, "name"], message: `duplicate ${what} name '${item.name}' (also ${section}[${first}])` });
  }
}

function checkClients(raw: Rec, hosts: [number, Rec][], hostNames: string[], runMs: number | null, issues: SemanticIssue[]): void {
  for (const [i, client] of records(raw.clients)) {
    const startMs = durationMs(client.startAt);
    if (startMs !== null && runMs !== null && runMs > 0 && startMs > runMs) {
      issues.push({
        path: ["clients", i, "startAt"],
        message: `the group starts at ${formatDuration(startMs)}, after the run ends (duration ${formatDuration(runMs)})`,
      });
    }
    if (typeof client.kmsHost !== "string" || client.kmsHost === "") continue;
    const path = ["clients", i, "kmsHost"];
    const ref = parseKmsHost(client.kmsHost);
    if (ref === null) {
      issues.push({ path, message: `expected name[:port] of a scenario host (e.g. kms1 or kms1:1688), got "${client.kmsHost}"` });
      continue;
    }
    const host = hosts.find(([, h]) => h.name === ref.name)?.[1];
    if (host === undefined) {
      issues.push({ path, message: `unknown host '${ref.name}'${didYouMean(ref.name, hostNames)}` });
      continue;
    }
    const hostPort = host.port === undefined ? DEFAULT_KMS_PORT : host.port;
    if (ref.port !== null && typeof hostPort === "number" && ref.port !== hostPort) {
      issues.push({ path, message: `host '${ref.name}' listens on port ${hostPort}, not ${ref.port}` });
    }
  }
}

/** The schema bounds each group; together they must fit too (a group too big is reported there alone). */
function checkFleetSize(raw: Rec, issues: SemanticIssue[]): void {
  const counts = records(raw.clients).flatMap(([, c]) => (typeof c.count === "number" && Number.isInteger(c.count) ? [c.count] : []));
  if (counts.some((count) => count < 1 || count > MAX_FLEET_CLIENTS)) return;
  const total = counts.reduce((a, b) => a + b, 0);
  if (total > MAX_FLEET_CLIENTS) {
    issues.push({ path: ["clients"], message: `the groups add up to ${total} clients; at most ${MAX_FLEET_CLIENTS} are allowed in one fleet` });
  }
}

function checkEvents(raw: Rec, hostNames: string[], runMs: number | null, issues: SemanticIssue[]): void {
  for (const [i, event] of records(raw.events)) {
    const atMs = durationMs(event.at);
    if (atMs !== null && runMs !== null && runMs > 0 && atMs > runMs) {
      issues.push({
        path: ["events", i, "at"],
        message: `event at ${formatDuration(atMs)} is after the end of the run (duration ${formatDuration(runMs)})`,
      });
    }
    if ("dns" in event) continue; // a DNS event, or a malformed mix the schema reports
    if (typeof event.host === "string" && event.host !== "" && !hostNames.includes(event.host)) {
      issues.push({ path: ["events", i, "host"], message: `unknown host '${event.host}'${didYouMean(event.host, hostNames)}` });
    }
    if (event.serviceTime !== undefined && typeof event.action === "string" && event.action !== "slow") {
      issues.push({
        path: ["events", i, "serviceTime"],
        message: `serviceTime belongs only to action: slow (this event is '${event.action}')`,
      });
    }
  }
}

function checkThresholds(raw: Rec, names: MetricNames, options: SemanticOptions, issues: SemanticIssue[]): void {
  for (const [i, threshold] of records(raw.thresholds)) {
    const ops = THRESHOLD_OPS.filter((op) => threshold[op] !== undefined);
    if (ops.length === 0) {
      issues.push({ path: ["thresholds", i], message: `needs one of ${THRESHOLD_OPS.join(", ")} (e.g. lt: 50)` });
    } else if (ops.length > 1) {
      issues.push({ path: ["thresholds", i], message: `has ${ops.join(" and ")}; give exactly one operator per threshold` });
    }
    for (const op of ops) {
      const problem = thresholdValueProblem(threshold.metric, threshold[op]);
      if (problem !== null) issues.push({ path: ["thresholds", i, op], message: problem });
    }
    if (options.validateMetric !== undefined && typeof threshold.metric === "string" && threshold.metric !== "") {
      const problem = metricProblem(options.validateMetric, threshold.metric, names);
      if (problem !== null) issues.push({ path: ["thresholds", i, "metric"], message: problem });
    }
  }
}

/** A metric measured in ms: some segment of its path ends in Ms (latencyMs, sendLagMs). */
export function isMsMetric(metric: unknown): boolean {
  return typeof metric === "string" && metric.split(".").some((segment) => segment.endsWith("Ms"));
}

/** A duration text is a value only for a metric in ms, and must parse. */
function thresholdValueProblem(metric: unknown, value: unknown): string | null {
  if (typeof value !== "string") return null;
  const parsed = parseDuration(value);
  if (!isMsMetric(metric)) {
    return parsed.ok
      ? `a duration (${value}) fits only a metric in ms (such as rpc.activation.latencyMs.p99); give a number`
      : `expected a number, got ${show(value)}`;
  }
  return parsed.ok ? null : parsed.message;
}

// The hook belongs to another module; a bug there must not escape as a raw exception.
/** The names a threshold path may use: the scenario's hosts, client groups and products. */
interface MetricNames {
  hosts: string[];
  groups: string[];
  products: string[];
}

function metricProblem(validate: NonNullable<SemanticOptions["validateMetric"]>, metric: string, names: MetricNames): string | null {
  try {
    return validate(metric, names.hosts, names.groups, names.products);
  } catch (error) {
    return `cannot check metric '${metric}': ${error instanceof Error ? error.message : String(error)}`;
  }
}

function checkSampleInterval(raw: Rec, runMs: number | null, issues: SemanticIssue[]): void {
  const sampleMs = durationMs(raw.sampleInterval);
  if (sampleMs === null || sampleMs <= 0 || runMs === null || runMs <= 0) return;
  const samples = Math.ceil(runMs / sampleMs);
  if (samples > MAX_TIMELINE_SAMPLES) {
    issues.push({
      path: ["sampleInterval"],
      message: `${formatDuration(sampleMs)} gives ${samples} timeline samples over ${formatDuration(runMs)}; at most ${MAX_TIMELINE_SAMPLES} are allowed`,
    });
  }
}

/** A timeout shorter than the network round trip would make every request fail. */
function checkTimeouts(raw: Rec, issues: SemanticIssue[]): void {
  const network = isRecord(raw.network) ? raw.network : {};
  const latencyMs = network.latency === undefined ? DEFAULTS.network.latencyMs : durationMs(network.latency);
  const jitterMs = network.jitter === undefined ? DEFAULTS.network.jitterMs : durationMs(network.jitter);
  if (latencyMs === null || jitterMs === null) return;
  const roundTripMs = 2 * (latencyMs + jitterMs);
  for (const key of ["rpcTimeout", "dnsTimeout"] as const) {
    const timeoutMs = network[key] === undefined ? DEFAULTS.network[`${key}Ms`] : durationMs(network[key]);
    if (timeoutMs !== null && timeoutMs > 0 && timeoutMs <= roundTripMs) {
      issues.push({
        path: ["network", key],
        message: `${formatDuration(timeoutMs)} is not longer than the worst network round trip 2 × (latency + jitter) = ${Number(roundTripMs.toFixed(3))}ms; every request would time out`,
      });
    }
  }
}

/** Publishing keys that contradict each other. */
function checkDnsPublishing(raw: Rec, issues: SemanticIssue[]): void {
  const dns = isRecord(raw.dns) ? raw.dns : {};
  if (dns.tsig !== undefined && dns.keyFile !== undefined) {
    issues.push({ path: ["dns", "keyFile"], message: "give the TSIG key either inline (dns.tsig) or as a key file (dns.keyFile), not both" });
  }
  if (dns.publish === "manual") {
    for (const [i, host] of records(raw.hosts)) {
      if (host.publish === true)
        issues.push({
          path: ["hosts", i, "publish"],
          message: "dns.publish is manual: no host publishes its records; drop publish: true or set dns.publish: auto",
        });
    }
  }
  const scavengeMs = dns.scavengeAfter === undefined ? 0 : durationMs(dns.scavengeAfter);
  const intervalMs = dns.publishInterval === undefined ? DEFAULTS.dns.publishIntervalMs : durationMs(dns.publishInterval);
  if (scavengeMs !== null && intervalMs !== null && scavengeMs > 0 && scavengeMs <= intervalMs && dns.publish !== "manual") {
    issues.push({
      path: ["dns", "scavengeAfter"],
      message: `${formatDuration(scavengeMs)} is not longer than dns.publishInterval (${formatDuration(intervalMs)}): running hosts' records would be scavenged between refreshes`,
    });
  }
}
