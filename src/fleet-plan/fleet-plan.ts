// The fleet plan: everything about the clients that follows from the scenario and the
// seed alone, computed before any driver runs (k6 style: plan, then execute). Both the
// virtual engine and the realtime workers build their clients from it, so a client is
// the same client in either mode.

import type { ClientGroupConfig } from "../core/client/client-group.js";
import { lastRenewedBy, startsLicensed } from "../core/client/licensed-start.js";
import { expectedShares } from "../core/selection/expected-share.js";
import { productIdOf } from "../core/product.js";
import { deriveSeed, Mulberry32 } from "../core/rng.js";
import { hostBit, type SrvCandidate } from "../core/selection/srv-candidate.js";
import type { ClientGroupSpec, Profile, Scenario } from "../scenario/model.js";
import { traceBootOffsets } from "../scenario/trace.js";
import { publishLists } from "../scenario/publish-lists.js";
import { DnsDirectory } from "./dns-directory.js";

/** What a client selects from, for the expected-share accounting. */
export interface SelectionContext {
  profile: Profile;
  /** Records the context selects from now; a pinned context has one candidate. */
  candidates: readonly SrvCandidate[];
  /** The domain whose records these are; -1 for a pinned host. */
  domainId: number;
}

export interface FleetPlan {
  scenario: Scenario;
  dns: DnsDirectory;
  groups: ClientGroupConfig[];
  /** Clients per group, after `--clients` scaling. */
  groupCounts: number[];
  /** First global client index of each group. */
  groupStart: number[];
  /** Selection context of each group. */
  groupContext: number[];
  contexts: SelectionContext[];
  total: number;
}

export function planFleet(scenario: Scenario, clients?: number): FleetPlan {
  const dns = new DnsDirectory(scenario);
  const groupCounts = scaleCounts(
    scenario.clients.map((g) => g.count),
    clients,
  );
  const contexts: SelectionContext[] = [];
  const contextIds = new Map<string, number>();
  const contextFor = (key: string, make: () => SelectionContext): number => {
    let id = contextIds.get(key);
    if (id === undefined) {
      id = contexts.push(make()) - 1;
      contextIds.set(key, id);
    }
    return id;
  };
  const groupContext: number[] = [];
  const groups = scenario.clients.map((g): ClientGroupConfig => {
    const domainId = dns.domainId(g.domain);
    const pinnedHost = g.kmsHost === null ? -1 : dns.endpointFor(g.kmsHost, g.domain);
    groupContext.push(
      pinnedHost >= 0
        ? contextFor(`pinned:${pinnedHost}`, () => ({ profile: "win7", candidates: [{ host: pinnedHost, priority: 0, weight: 1 }], domainId: -1 }))
        : contextFor(`${g.os}:${domainId}`, () => ({ profile: g.os, candidates: dns.candidatesOf(dns.answerOf(domainId)), domainId })),
    );
    return {
      profile: g.os,
      product: productIdOf(g.product, scenario.products),
      // The product's validity and grace periods (semantics.ts checked the name is in the catalog).
      license: scenario.products[productIdOf(g.product, scenario.products)],
      domainId,
      pinnedHost,
      hostCaching: g.hostCaching,
      clockSkewMs: g.clockSkewMs,
      activationIntervalMs: g.activationIntervalMs,
      renewalIntervalMs: g.renewalIntervalMs,
    };
  });
  const groupStart: number[] = [];
  let total = 0;
  for (const count of groupCounts) {
    groupStart.push(total);
    total += count;
  }
  return { scenario, dns, groups, groupCounts, groupStart, groupContext, contexts, total };
}

/** After a record change: every DNS context selects from its domain's current answer. */
export function refreshContexts(plan: FleetPlan): void {
  for (const context of plan.contexts) {
    if (context.domainId >= 0) context.candidates = plan.dns.candidatesOf(plan.dns.answerOf(context.domainId));
  }
}

/**
 * What `visit` gets for each client: its global index, its group, when it boots, and, for a
 * client that starts licensed (startLicensed), when it was last renewed and by which
 * endpoint (-1 none), else NaN and -1: ClientFleet.install's last two arguments.
 */
export type ClientVisitor = (globalIndex: number, groupIndex: number, installedAtMs: number, renewedAtMs: number, renewedBy: number) => void;

/**
 * Calls `visit(globalIndex, groupIndex, installedAtMs, renewedAtMs, renewedBy)` for each client in
 * [first, first + count), in index order. Boot times of a group are independent uniform
 * draws over its boot spread from the group's own stream, handed out in ascending
 * order: the distribution of iid uniform boots (clients are interchangeable), but
 * clients that boot together sit together in memory, and so do their renewals.
 */
export function forEachClient(plan: FleetPlan, first: number, count: number, visit: ClientVisitor): void {
  forEachClientStrided(plan, first, 1, count, visit);
}

/**
 * Like forEachClient, for the strided clients first, first + stride, … (`count` of them):
 * a shard's part of the fleet (core/shard deals clients out round-robin). Each client
 * keeps its global index, so its boot time is the one it has in the whole fleet.
 */
export function forEachClientStrided(plan: FleetPlan, first: number, stride: number, count: number, visit: ClientVisitor): void {
  const end = first + count * stride;
  plan.groupCounts.forEach((groupCount, groupIndex) => {
    const start = plan.groupStart[groupIndex];
    const to = Math.min(end, start + groupCount);
    // The first index ≥ the group's start on the stride.
    const from = start <= first ? first : first + Math.ceil((start - first) / stride) * stride;
    if (from >= to) return;
    const g = plan.scenario.clients[groupIndex];
    const offsets = bootOffsetsOf(plan.scenario.seed, groupIndex, groupCount, g);
    // Only a group with clients that start licensed needs the shares of their last renewals.
    const shares = g.startLicensed === 0 ? null : lastRenewalShares(plan, groupIndex);
    for (let i = from; i < to; i += stride) {
      const installedAtMs = g.startAtMs + offsets[i - start];
      if (shares === null || !startsLicensed(i - start, g.startLicensed)) {
        visit(i, groupIndex, installedAtMs, NaN, -1);
        continue;
      }
      const host = lastRenewedBy(i - start, shares);
      // Its first request here is the next renewal: the last one was a renewal interval earlier
      // (the interval of the host that answered it, which overrides the client's own).
      const intervalMs = host >= 0 ? hostAnswerIntervals(plan, host, groupIndex).renewalIntervalMs : plan.groups[groupIndex].renewalIntervalMs;
      visit(i, groupIndex, installedAtMs, installedAtMs - intervalMs, host);
    }
  });
}

/**
 * The share of first choices each endpoint got from the group before the run, every host up:
 * its pinned host, or the records of its domain as a running fleet has them — the hand-made
 * ones and those of every host that publishes there (at time 0 they are not published yet).
 */
function lastRenewalShares(plan: FleetPlan, groupIndex: number): Float64Array {
  const context = plan.contexts[plan.groupContext[groupIndex]];
  const endpointCount = plan.dns.endpoints.length;
  let hostsUp = 0;
  plan.dns.endpoints.forEach((e, k) => {
    if (e.hostIndex >= 0) hostsUp = (hostsUp | hostBit(k)) >>> 0;
  });
  const candidates = [...context.candidates];
  if (context.domainId >= 0) {
    // Hosts are endpoints 0..hosts-1 and their publish domains are known to DnsDirectory from its start.
    publishLists(plan.scenario).forEach((domains, host) => {
      const spec = plan.scenario.hosts[host];
      if (domains.some((d) => plan.dns.domainId(d) === context.domainId)) candidates.push({ host, priority: spec.priority, weight: spec.weight });
    });
  }
  return expectedShares(context.profile, candidates, hostsUp, endpointCount);
}

/** A group's boot offsets from its start, ascending: its trace's when it has one, else drawn over bootSpread. */
function bootOffsetsOf(seed: number, groupIndex: number, count: number, g: ClientGroupSpec): Float64Array {
  if (g.trace === null) return sortedBootOffsets(seed, groupIndex, count, g.bootSpreadMs);
  if (g.trace.offsetsMs === null) throw new Error(`client group '${g.name}': its trace was not loaded (load the scenario from its file)`);
  return traceBootOffsets(g.trace.offsetsMs, count, g.trace.speedup);
}

export function sortedBootOffsets(seed: number, groupIndex: number, count: number, bootSpreadMs: number): Float64Array {
  const rng = new Mulberry32(deriveSeed(seed, BOOT_STREAM_BASE + groupIndex));
  const offsets = new Float64Array(count);
  for (let k = 0; k < count; k++) offsets[k] = rng.next() * bootSpreadMs;
  return offsets.sort();
}

/** Stream ids from here on belong to client groups (client streams use 0..count-1). */
const BOOT_STREAM_BASE = 0x7000_0000;

/** Clients in the fleet: `--clients` when given, else the scenario's groups added up. */
export function fleetSize(scenario: Scenario, clients?: number): number {
  return clients ?? scenario.clients.reduce((a, g) => a + g.count, 0);
}

/** Scales group counts to a new total, keeping proportions and every group non-empty. */
export function scaleCounts(counts: readonly number[], total?: number): number[] {
  if (total === undefined) return [...counts];
  const sum = counts.reduce((a, b) => a + b, 0);
  const scaled = counts.map((c) => Math.max(1, Math.floor((c * total) / sum)));
  let diff = total - scaled.reduce((a, b) => a + b, 0);
  // Each pass over the groups moves diff by at least one while it is not 0 (total ≥ groups).
  const maxSteps = scaled.length * (Math.abs(diff) + 1);
  for (let k = 0; diff !== 0 && k < maxSteps; k++) {
    const idx = k % scaled.length;
    if (diff > 0) {
      scaled[idx]++;
      diff--;
    } else if (scaled[idx] > 1) {
      scaled[idx]--;
      diff++;
    }
  }
  return scaled;
}

/** Timeline sample times: every sample interval, and the end of the run. */
export function sampleTimes(scenario: Scenario): number[] {
  const times: number[] = [];
  for (let k = 1; k * scenario.sampleIntervalMs < scenario.durationMs; k++) times.push(k * scenario.sampleIntervalMs);
  times.push(scenario.durationMs);
  return times;
}

/**
 * The intervals a client takes from an answer of endpoint `endpoint`: a host that sets
 * its own overrides the client's (design.md); one that does not leaves the client's.
 */
export function hostAnswerIntervals(plan: FleetPlan, endpoint: number, groupIndex: number): { activationIntervalMs: number; renewalIntervalMs: number } {
  const hostIndex = plan.dns.endpoints[endpoint]?.hostIndex ?? -1;
  const spec = hostIndex >= 0 ? plan.scenario.hosts[hostIndex] : null;
  const group = plan.groups[groupIndex];
  return {
    activationIntervalMs: spec?.activationIntervalMs ?? group.activationIntervalMs,
    renewalIntervalMs: spec?.renewalIntervalMs ?? group.renewalIntervalMs,
  };
}

/**
 * hostAnswerIntervals for every endpoint the plan knows and every group, as flat tables
 * (index endpoint × groups + group): the virtual engine reads them on every reply.
 */
export function answerIntervalTable(plan: FleetPlan): { activationMs: Float64Array; renewalMs: Float64Array } {
  const groups = plan.groups.length;
  const endpoints = plan.dns.endpoints.length;
  const activationMs = new Float64Array(endpoints * groups);
  const renewalMs = new Float64Array(endpoints * groups);
  for (let e = 0; e < endpoints; e++) {
    for (let g = 0; g < groups; g++) {
      const intervals = hostAnswerIntervals(plan, e, g);
      activationMs[e * groups + g] = intervals.activationIntervalMs;
      renewalMs[e * groups + g] = intervals.renewalIntervalMs;
    }
  }
  return { activationMs, renewalMs };
}
