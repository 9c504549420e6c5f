// Every default of the scenario file in one place: the loader fills them in, the JSON
// Schema shows them to editors. Durations are in milliseconds.

import { MAX_CLOCK_SKEW_MS } from "../core/host/thresholds.js";
import { DEFAULT_ACTIVATION_INTERVAL_MS, DEFAULT_RENEWAL_INTERVAL_MS } from "../core/license.js";
import { PRODUCTS, type Mode, type Product, type Profile } from "./model.js";

export const MAX_HOSTS = 32;
/** A timeline longer than this is a typo (sampleInterval: 1ms over months), not a plan. */
export const MAX_TIMELINE_SAMPLES = 100_000;
/**
 * Clients of one fleet. Client i draws from PRNG stream i, and streams from 0x7000_0000 on
 * belong to the groups' boot times (fleet-plan/fleet-plan.ts), so the fleet stays well below that.
 * Memory bounds a fleet far lower on most machines (fleet-plan/run-limits.ts).
 */
export const MAX_FLEET_CLIENTS = 1_000_000_000;
/** Client groups: each is planned and sorted on its own; a generated file stays far below. */
export const MAX_CLIENT_GROUPS = 10_000;
/** A host's servers: the virtual model keeps one free-at time per server (8 bytes each). */
export const MAX_HOST_CONCURRENCY = 100_000;
/** Scripted events: each is one entry of the fixed schedule (and a timer in realtime). */
export const MAX_EVENTS = 100_000;
/** Hand-made SRV records (they name at most 32 distinct endpoints anyway). */
export const MAX_RECORDS = 1_000;
/** Domains one host publishes into. */
export const MAX_PUBLISH_DOMAINS = 64;
/** Durations that become a timer in realtime: Node's setTimeout waits at most 2^31 − 1 ms (24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** A product's CMID cache: each remembered id costs a host some 60 bytes, per product. */
export const MAX_CMID_CACHE_SIZE = 100_000;
/** Threshold of a product: its default cache (2 × threshold) must fit MAX_CMID_CACHE_SIZE. */
export const MAX_PRODUCT_THRESHOLD = MAX_CMID_CACHE_SIZE / 2;
export const DEFAULT_KMS_PORT = 1688;
export const SRV_SERVICE_PREFIX = "_vlmcs._tcp.";

export const DEFAULTS = {
  seed: 1,
  mode: "virtual" as Mode,
  durationMs: 30 * 86_400_000,
  timeScale: 86_400,
  dns: {
    server: "embedded",
    domain: "corp.example",
    publish: "auto" as "auto" | "manual",
    ttlMs: 3_600_000,
    /** A KMS host refreshes its DNS registration once a day. */
    publishIntervalMs: 86_400_000,
    publishRetryMs: 900_000,
  },
  host: {
    port: DEFAULT_KMS_PORT,
    priority: 0,
    weight: 100,
    /** Every product of the scenario's catalog (the three built-in ones unless the file adds more). */
    products: PRODUCTS as readonly Product[],
    serviceTimeMs: 2,
    concurrency: 64,
    activated: true,
    kmsEnabled: true,
    maxClockSkewMs: MAX_CLOCK_SKEW_MS,
  },
  client: {
    os: "win7" as Profile,
    product: "windows-client" as Product,
    bootSpreadMs: 3_600_000,
    startAtMs: 0,
    clockSkewMs: 0,
    hostCaching: true,
    activationIntervalMs: DEFAULT_ACTIVATION_INTERVAL_MS,
    renewalIntervalMs: DEFAULT_RENEWAL_INTERVAL_MS,
    startLicensed: 0,
  },
  realtime: { clock: "adaptive" as const },
  network: {
    latencyMs: 0.5,
    jitterMs: 0.1,
    rpcTimeoutMs: 5_000,
    dnsTimeoutMs: 2_000,
  },
} as const;

/** Timeline spacing when the file sets none: duration / 100 rounded to whole minutes, at least 1 s. */
export function defaultSampleIntervalMs(durationMs: number): number {
  return Math.max(1_000, Math.round(durationMs / 100 / 60_000) * 60_000);
}
