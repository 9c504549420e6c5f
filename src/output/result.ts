// The result JSON — a public contract (design.md, "Result JSON"). Extend, never rename.

import type { HostCounters } from "../core/host/host-logic.js";

export const RESULT_SCHEMA = "kmssim/result@1";

export interface LatencySummaryMs {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export interface RpcKindResult {
  sent: number;
  ok: number;
  failed: number;
  /** Error code (hex, e.g. "0xC004F038") → count. Keys sorted. */
  errors: Record<string, number>;
  latencyMs: LatencySummaryMs;
  /** HdrHistogram of latencies in microseconds, compressed base64 (HdrHistogram V2 format). */
  histogram: string;
}

export interface DnsResult {
  queries: number;
  failed: number;
  latencyMs: LatencySummaryMs;
  histogram: string;
}

/** Request counters like `slmgr /dlv` shows on a KMS host (the core's own shape). */
export type HostDlvCounters = HostCounters;

export interface HostResult {
  name: string;
  requests: number;
  activations: number;
  renewals: number;
  share: number;
  expectedShare: number;
  /** Current count of distinct client machine ids per product served. */
  count: Record<string, number>;
  /** Products with clients counted on this host but fewer than the activation threshold at the end (monitoring alert). */
  lowCount: string[];
  dlv: HostDlvCounters;
  /** Requests that arrived while the host was down (refused) or hung (never answered). */
  refused: number;
  unanswered: number;
  /** Queued or in service when the host crashed or hung: the answer never left. */
  lost: number;
  /** Answered after the client's RPC timeout had expired (a slow or overloaded host). */
  late: number;
  /** State at the end of the run. */
  state: "up" | "hung" | "down" | "decommissioned";
  /**
   * Realtime only: answers from this host that clients received, counted on the client
   * side. requests − lost − late should equal it (up to requests in flight at the end).
   */
  clientAnswered?: number;
  /** Realtime only: requests to this host whose client gave up first (RPC timeout); the host may still have answered. */
  clientTimedOut?: number;
  /**
   * Shard results only: the requests the SRV records promised this host, unrounded, so
   * that `kmssim merge` recomputes expectedShare exactly.
   */
  expectedRequests?: number;
}

export interface SpreadResult {
  jain: number;
  maxOverMean: number;
  cv: number;
  maxShareDeviation: number;
}

export interface TimelineSample {
  /** Simulated seconds since start. */
  t: number;
  /** Clients that have activated at least once, cumulative. */
  activated: number;
  /** Clients licensed at this instant. */
  licensed: number;
  /** Requests received per host during this sample interval. */
  hostRequests: Record<string, number>;
  /** Shard results only: requests the SRV records promised each host during the interval (for an exact merge of the spread). */
  hostExpected?: Record<string, number>;
  spread: SpreadResult;
  /** Realtime only: simulated seconds per wall second over the interval (the adaptive clock may run below the requested rate). */
  timeScale?: number;
}

/**
 * Realtime only: how the load generator itself did. When it falls behind, requests leave
 * late and latencies measure this machine, not the hosts (`saturated`).
 */
export interface GeneratorResult {
  /** adaptive: simulated time slows when the generator falls behind; strict: it never does. */
  clock: "adaptive" | "strict";
  requestedTimeScale: number;
  /** Simulated time covered per wall second, from time 0 to the end of simulated time. */
  achievedTimeScale: number;
  /** The slowest rate the adaptive clock ran at (= requested when it never slowed). */
  minTimeScale: number;
  /** RPCs per wall second the scenario asks for at the requested time scale. */
  offeredRpcPerSecond: number;
  /** RPCs per wall second actually sent. */
  achievedRpcPerSecond: number;
  /** Actual send − due time of every RPC and DNS query (wall ms). */
  sendLagMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  /** RPCs and queries that left more than 100 ms late, and their share of all. */
  lateSends: number;
  lateFraction: number;
  /** Worst event-loop delay of any thread (wall ms). */
  eventLoopDelayMs: { p99: number; max: number };
  threads: { name: string; eventLoopDelayMs: { p50: number; p99: number; max: number }; utilization: number }[];
  /** More than 1 % of requests left over 100 ms late: latencies and outcomes measure this machine. */
  saturated: boolean;
}

/** Which part of a sharded run a result is (`run --shard i/N`); `kmssim merge` joins the parts. */
export interface ShardMeta {
  /** 1-based, as on the command line. */
  index: number;
  count: number;
  /** Clients in the whole fleet (all shards together). */
  fleetClients: number;
  /** Fingerprint of scenario, seed, mode and fleet size: shards of one run share it. */
  runDigest: string;
  /**
   * The scenario's thresholds, judged only on the merged result (a shard's own numbers
   * are a part of the fleet's): a shard result's `thresholds` is empty.
   */
  thresholds: ThresholdSpecResult[];
  /** The shard ran with --external-hosts: its hosts[] are the clients' view (see `kmssim merge --hosts`). */
  externalHosts?: boolean;
}

/** A threshold's definition as the result carries it. */
export interface ThresholdSpecResult {
  metric: string;
  op: "lt" | "lte" | "gt" | "gte" | "eq";
  value: number;
}

export interface ThresholdResult {
  metric: string;
  op: string;
  value: number;
  actual: number | null;
  pass: boolean;
}

export interface FleetEventRecord {
  /** Simulated seconds. */
  t: number;
  kind: "host" | "dns";
  /** A host name, or "dns" for the DNS server itself. */
  target: string;
  /** Scenario actions (crash, down, …) and DNS record changes (published, publish-failed, scavenged). */
  action: string;
  /** Record changes: the domain of the record. */
  domain?: string;
  /** The KMS host's event id for a publish outcome: 12294 published, 12293 failed. */
  eventId?: number;
  /** Why a publish failed. */
  reason?: string;
}

export interface ClientsResult {
  total: number;
  activated: number;
  notActivated: number;
  licensed: number;
  unlicensed: number;
  initialGrace: number;
  outOfToleranceGrace: number;
  /**
   * Attempt-level failures a client saw (no host reachable 0xC004F074, DNS name does not
   * exist 0x8007232B), as opposed to per-RPC outcomes under `rpc`. Keys sorted.
   */
  errors: Record<string, number>;
  /** RPCs or DNS queries still outstanding when the simulated time ran out. */
  inFlightAtEnd: number;
}

export interface Result {
  schema: typeof RESULT_SCHEMA;
  scenario: string;
  mode: "virtual" | "realtime";
  seed: number;
  simulatedSeconds: number;
  wallSeconds: number;
  interrupted?: boolean;
  /** The run failed part-way (a worker died): `clients` counts only the clients reported. */
  incomplete?: { reason: string; clientsUnreported: number };
  /** Present on the result of one shard (`run --shard i/N`); a merged result lists the shards it joined under `merged`. */
  shard?: ShardMeta;
  /** A result of `kmssim merge`: how many shard results it adds up. */
  merged?: { shards: number; runDigest: string };
  clients: ClientsResult;
  rpc: { activation: RpcKindResult; renewal: RpcKindResult };
  dns: DnsResult;
  hosts: HostResult[];
  spread: SpreadResult;
  failovers: number;
  rediscoveries: number;
  events: FleetEventRecord[];
  timeline: TimelineSample[];
  /** Realtime only: how the load generator did (see GeneratorResult). */
  generator?: GeneratorResult;
  thresholds: ThresholdResult[];
  pass: boolean;
}
