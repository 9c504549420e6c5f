// A scenario and a trace from what the KMS hosts logged (12290): one host per computer that
// processed requests, one client group per client domain and product (the product from the
// Activation ID, else from the N-policy: the minimum count a client needs), one trace row per
// client machine id with the time of its first request. The part of each group the log shows
// licensed starts licensed (startLicensed); the licence states and failures go into the
// scenario as comments, beside what the model makes of them.

import { stringify } from "yaml";
import type { HostRequestInfo, LicenceState } from "./event-info.js";
import { LICENCE_STATES } from "./event-info.js";
import type { KmsLog, Logged } from "./kms-log.js";
import { TRACE_HEADER } from "../scenario/trace.js";

/** Activation IDs the model knows by name (the KMS article's Office 2010 example). */
export const KNOWN_ACTIVATION_IDS: Readonly<Record<string, string>> = {
  "bfe7a195-4f8f-4f0b-a622-cf13c7d16864": "office-2010",
};

export interface ImportedFleet {
  scenarioYaml: string;
  traceCsv: string;
  hosts: { name: string; computer: string; requests: number; failed: number }[];
  groups: { name: string; clients: number; product: string; domain: string; states: Partial<Record<LicenceState, number>> }[];
  products: { activationId: string; minimumCount: number; product: string; why: string }[];
  spanMs: number;
  requests: number;
}

export interface ImportOptions {
  /** Scenario name. */
  name: string;
  /** The trace file as the scenario names it (relative to the scenario's folder). */
  traceRef: string;
  /** Replay this many times faster than the log (traceSpeedup). */
  speedup: number;
  seed: number;
}

const HOUR_MS = 3_600_000;
/**
 * A realtime replay runs an hour of the log per wall second: loopback round trips of tens of
 * ms stay simulated minutes, so requests stay in the hour the log has them (at the default
 * day per second each would be an hour late).
 */
export const REPLAY_TIME_SCALE = 3600;

export function fleetFromLog(log: KmsLog, options: ImportOptions): ImportedFleet {
  const requests = log.requests;
  if (requests.length === 0) throw new RangeError("no requests");
  const t0 = requests[0].timeMs;
  const spanMs = requests[requests.length - 1].timeMs - t0;

  const products = productsOf(requests);
  const productOf = new Map(products.map((p) => [p.activationId, p.product]));
  const hosts = hostsOf(requests);
  const hostDomain = mostCommon(requests.map((r) => domainOf(r.computer))) ?? "corp.example";

  // Each client machine once, at its first request; its group from that request.
  const firstByCmid = new Map<string, Logged<HostRequestInfo>>();
  for (const r of requests) if (!firstByCmid.has(r.info.cmid)) firstByCmid.set(r.info.cmid, r);
  const groupKey = (r: Logged<HostRequestInfo>): string => `${domainOf(r.info.clientFqdn) ?? hostDomain}\u0000${productOf.get(r.info.activationId)}`;
  const members = new Map<string, Logged<HostRequestInfo>[]>();
  for (const first of firstByCmid.values()) {
    const key = groupKey(first);
    // Pushed, not copied: a group of a million machines would otherwise copy its list a million times.
    const list = members.get(key) ?? [];
    list.push(first);
    members.set(key, list);
  }
  const usedNames = new Set<string>();
  const groups = [...members.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, firsts]) => {
      const [domain, product] = key.split("\u0000");
      const states: Partial<Record<LicenceState, number>> = {};
      for (const f of firsts) states[f.info.licenceState] = (states[f.info.licenceState] ?? 0) + 1;
      return { name: uniqueName(`${domain.split(".")[0]}-${product}`, usedNames), clients: firsts.length, product, domain, states, firsts };
    });

  const clientDomains = [...new Set(groups.map((g) => g.domain))].sort();
  const publishDomains = [...new Set([hostDomain, ...clientDomains])];
  const scenario = {
    name: options.name,
    seed: options.seed,
    duration: formatHours(Math.max(HOUR_MS, Math.ceil((spanMs / options.speedup + 1) / HOUR_MS) * HOUR_MS)),
    sampleInterval: spanMs / options.speedup >= 12 * HOUR_MS ? "1h" : "5m",
    timeScale: REPLAY_TIME_SCALE,
    dns: { domain: hostDomain },
    // Weights from each host's share of the log's requests: the replay spreads load as the fleet did.
    hosts: hosts.map((h) => ({
      name: h.name,
      weight: Math.max(1, Math.round((100 * h.requests) / requests.length)),
      ...(publishDomains.length > 1 ? { publishDomains } : {}),
    })),
    clients: groups.map((g) => ({
      name: g.name,
      count: g.clients,
      product: g.product,
      ...(g.domain === hostDomain ? {} : { domain: g.domain }),
      trace: options.traceRef,
      ...(options.speedup === 1 ? {} : { traceSpeedup: options.speedup }),
      // Machines the log shows licensed at their first request were renewing before it began.
      ...(licensedFraction(g) > 0 ? { startLicensed: licensedFraction(g) } : {}),
    })),
  };
  const trace = groups
    .flatMap((g) => g.firsts.map((f) => ({ client: f.info.clientFqdn, group: g.name, atS: (f.timeMs - t0) / 1000 })))
    .sort((a, b) => a.atS - b.atS || (a.client < b.client ? -1 : 1));
  const traceCsv = [TRACE_HEADER, ...trace.map((row) => `${row.client},${row.group},${round3(row.atS)}`)].join("\n") + "\n";

  return {
    scenarioYaml: header(log, hosts, groups, products, spanMs) + stringify(scenario, { lineWidth: 120, aliasDuplicateObjects: false }),
    traceCsv,
    hosts,
    groups: groups.map((g) => ({ name: g.name, clients: g.clients, product: g.product, domain: g.domain, states: g.states })),
    products,
    spanMs,
    requests: requests.length,
  };
}

function productsOf(requests: readonly Logged<HostRequestInfo>[]): ImportedFleet["products"] {
  const byId = new Map<string, number>();
  for (const r of requests) if (!byId.has(r.info.activationId)) byId.set(r.info.activationId, r.info.minimumCount);
  return [...byId.entries()].map(([activationId, minimumCount]) => {
    const known = KNOWN_ACTIVATION_IDS[activationId];
    if (known !== undefined) return { activationId, minimumCount, product: known, why: "its Activation ID" };
    // Windows clients need 25 machines counted, servers (and Office) 5: the N-policy tells which.
    const product = minimumCount >= 25 ? "windows-client" : "windows-server";
    return { activationId, minimumCount, product, why: `N-policy ${minimumCount}` };
  });
}

function hostsOf(requests: readonly Logged<HostRequestInfo>[]): ImportedFleet["hosts"] {
  const byComputer = new Map<string, { requests: number; failed: number }>();
  for (const r of requests) {
    const books = byComputer.get(r.computer) ?? { requests: 0, failed: 0 };
    books.requests++;
    if (r.info.hresult !== 0) books.failed++;
    byComputer.set(r.computer, books);
  }
  const used = new Set<string>();
  return [...byComputer.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([computer, books]) => ({ name: uniqueName(computer.split(".")[0], used), computer, ...books }));
}

/** The scenario's opening comments: where it came from and what the model does not take over. */
function header(
  log: KmsLog,
  hosts: ImportedFleet["hosts"],
  groups: { name: string; states: Partial<Record<LicenceState, number>> }[],
  products: ImportedFleet["products"],
  spanMs: number,
): string {
  const lines = [
    `# Imported by kmssim import from ${log.files === 1 ? "one export" : `${log.files} exports`}: ${log.requests.length} requests (event 12290) over ${formatHours(spanMs, true)}.`,
    "# Each client group boots from the trace (its clients' first requests in the log); after that the model",
    "# takes over (renewal intervals, failover). Clients the log shows licensed (licence state 1) start licensed",
    "# (startLicensed), their first request a renewal; each host starts remembering the machines it renewed last,",
    "# so its count is that of a fleet already running. The rest start freshly installed.",
    ...hosts.map((h) => `# host ${h.name} (${h.computer}): ${h.requests} requests, ${h.failed} failed in the log; its SRV weight is its share in %`),
    ...products.map((p) => `# Activation ID ${p.activationId} (N-policy ${p.minimumCount}): modelled as ${p.product}, from ${p.why}`),
    ...groups.map((g) => `# group ${g.name}, licence states at the first request: ${statesText(g.states)}`),
  ];
  return lines.map(commentLine).join("\n") + "\n";
}

/**
 * A comment line as one line: names come from the log, and a line break in one (CR, LF, NEL,
 * LS, PS) would end the comment and start YAML. The readers refuse such names; this holds
 * whatever reaches here.
 */
function commentLine(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029]/gu, " ");
}

/** The part of the group licensed at its first request in the log, to 6 decimals (exact in whole clients up to a million). */
function licensedFraction(g: { clients: number; states: Partial<Record<LicenceState, number>> }): number {
  return Math.round(((g.states.licensed ?? 0) / g.clients) * 1e6) / 1e6;
}

function statesText(states: Partial<Record<LicenceState, number>>): string {
  return LICENCE_STATES.filter((s) => (states[s] ?? 0) > 0)
    .map((s) => `${states[s]} ${s}`)
    .join(", ");
}

function domainOf(fqdn: string): string | null {
  const dot = fqdn.indexOf(".");
  return dot < 0 || dot === fqdn.length - 1 ? null : fqdn.slice(dot + 1);
}

function mostCommon(values: readonly (string | null)[]): string | null {
  const counts = new Map<string, number>();
  for (const v of values) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | null = null;
  for (const [v, n] of counts) if (best === null || n > counts.get(best)! || (n === counts.get(best)! && v < best)) best = v;
  return best;
}

/** A host or group name the scenario accepts (letters, digits, '-' and '_'), unique. */
function uniqueName(wanted: string, used: Set<string>): string {
  const base =
    wanted
      .replace(/[^A-Za-z0-9_-]/g, "-")
      .replace(/^-+/, "")
      .slice(0, 50) || "host";
  let name = base;
  for (let k = 2; used.has(name); k++) name = `${base}-${k}`;
  used.add(name);
  return name;
}

function formatHours(ms: number, words = false): string {
  const hours = ms / HOUR_MS;
  if (!words) return Number.isInteger(hours) ? `${hours}h` : `${Math.ceil(ms / 60_000)}m`;
  return hours >= 48 ? `${(hours / 24).toFixed(1)} days` : hours >= 1 ? `${hours.toFixed(1)} hours` : `${Math.round(ms / 60_000)} minutes`;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
