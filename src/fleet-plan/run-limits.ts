// What a run will cost before it starts: the memory its fleet needs and, in realtime, the
// wall time it lasts, against what the machine allows. Pure: the machine's numbers come
// in as arguments (cli/machine-limits.ts reads them), so validate and run judge alike.

import { formatBytes } from "../format/format-number.js";
import { shardSize, type ShardSpec } from "../core/shard/shard.js";
import { formatDurationShort } from "../format/format-duration.js";
import { formatCount } from "../format/format-number.js";
import type { Mode } from "../scenario/model.js";

// Measured on Node 20 (x64), scenarios/multi-host.yaml, `node --expose-gc`, after gc():
// - virtual: VirtualEngine of 200k clients +162 B/client RSS (148 B ArrayBuffers, 1.4 B
//   JS heap); 1M clients +141..147 B/client, also after 100M events; `kmssim run
//   --clients 1000000` peaked 137 B/client above the 10k-client run.
// - realtime: one FleetDriver slice of 200k clients +236 B/client RSS (181 B
//   ArrayBuffers, 50 B JS heap: a Mulberry32 per client); 1M: +232 B (169 + 51).
/** Virtual: the 128-byte client record plus the event queue's and tallies' share. */
export const VIRTUAL_BYTES_PER_CLIENT = 160;
/** Realtime: record, due times, context and the client's own PRNG object, per slice. */
export const REALTIME_BYTES_PER_CLIENT = 240;
/** Realtime: the part of REALTIME_BYTES_PER_CLIENT on the worker's JS heap. */
export const REALTIME_HEAP_BYTES_PER_CLIENT = 56;
/** Every slice sorts the boot times of its groups, whole groups (8-byte doubles), while it builds. */
export const BOOT_TIME_BYTES_PER_FLEET_CLIENT = 8;
/** --check: the invariant checker's own three bytes per client, rounded up. */
export const CHECK_BYTES_PER_CLIENT = 4;
/** The core keeps one 128-byte record per client in one ArrayBuffer per engine or slice. */
export const CLIENT_RECORD_BYTES = 128;
/** A process before its fleet: `kmssim run` of 10k virtual clients peaked at 112 MB RSS. */
export const BASE_VIRTUAL_BYTES = 112 * 2 ** 20;
/** Realtime adds DNS server, host listeners, sockets: realtime-smoke (1,800 clients) --workers 0 peaked at 184 MB. */
export const BASE_REALTIME_BYTES = 184 * 2 ** 20;
/** One worker thread: realtime-smoke peaked 63 MB higher with --workers 2 than with 0. */
export const BASE_WORKER_BYTES = 32 * 2 ** 20;
/** Part of physical memory a run may plan to use; the rest is the OS's and the sockets'. */
export const USABLE_MEMORY_FRACTION = 0.75;

/** A realtime run lasting longer than this wall time is refused unless forced. */
export const MAX_WALL_MS = 7 * 86_400_000;
/** … and one lasting longer than this gets a warning. */
export const WARN_WALL_MS = 3_600_000;

export interface FleetSizing {
  mode: Mode;
  /** Clients of the whole fleet (after --clients). */
  fleetClients: number;
  shard: ShardSpec;
  /** Realtime worker threads (0 = the main thread). */
  workers: number;
  check: boolean;
}

export interface MemoryEstimate {
  /** Clients this process keeps in memory (a virtual shard keeps the whole fleet). */
  storedClients: number;
  bytes: number;
  /** bytes / storedClients, for messages. */
  bytesPerClient: number;
  /** The largest client-record array one engine or slice allocates. */
  recordBytesPerSlice: number;
  /** The largest JS heap share one thread needs. */
  heapBytesPerThread: number;
}

export interface MachineLimits {
  /** Physical memory (or the container's limit). */
  memoryBytes: number;
  /** Largest typed array / ArrayBuffer view (buffer.constants.MAX_LENGTH). */
  maxArrayBytes: number;
  /** V8 heap limit of one thread. */
  heapLimitBytes: number;
}

export function estimateMemory(sizing: FleetSizing): MemoryEstimate {
  if (sizing.mode === "virtual") {
    // Every virtual shard simulates the whole fleet (hosts couple all clients): no discount.
    const stored = sizing.fleetClients;
    const perClient = VIRTUAL_BYTES_PER_CLIENT + (sizing.check ? CHECK_BYTES_PER_CLIENT : 0);
    return {
      storedClients: stored,
      bytes: BASE_VIRTUAL_BYTES + stored * perClient,
      bytesPerClient: perClient,
      recordBytesPerSlice: stored * CLIENT_RECORD_BYTES,
      heapBytesPerThread: 0,
    };
  }
  const stored = shardSize(sizing.shard, sizing.fleetClients);
  const slices = Math.max(1, Math.min(Math.max(1, sizing.workers), stored));
  const largestSlice = Math.ceil(stored / slices);
  const workerThreads = sizing.workers === 0 ? 0 : slices;
  const bytes =
    BASE_REALTIME_BYTES +
    workerThreads * BASE_WORKER_BYTES +
    stored * REALTIME_BYTES_PER_CLIENT +
    slices * sizing.fleetClients * BOOT_TIME_BYTES_PER_FLEET_CLIENT;
  return {
    storedClients: stored,
    bytes,
    bytesPerClient: stored === 0 ? 0 : Math.round((bytes - BASE_REALTIME_BYTES) / stored),
    recordBytesPerSlice: largestSlice * CLIENT_RECORD_BYTES,
    heapBytesPerThread: largestSlice * REALTIME_HEAP_BYTES_PER_CLIENT,
  };
}

/** What a run may plan to use of the machine's memory. */
export function usableMemoryBytes(machine: MachineLimits): number {
  return Math.floor(machine.memoryBytes * USABLE_MEMORY_FRACTION);
}

/**
 * Why the fleet cannot fit, in plain words, or null. `source` names where the fleet size
 * came from ("--clients 100000000", "the client groups' counts").
 */
export function memoryProblem(sizing: FleetSizing, machine: MachineLimits, source: string): string | null {
  const estimate = estimateMemory(sizing);
  const usable = usableMemoryBytes(machine);
  const maxPerSlice = Math.floor(machine.maxArrayBytes / CLIENT_RECORD_BYTES);
  const overMemory = estimate.bytes > usable;
  const overArray = estimate.recordBytesPerSlice > machine.maxArrayBytes;
  const overHeap = estimate.heapBytesPerThread > machine.heapLimitBytes;
  if (!overMemory && !overArray && !overHeap) return null;
  const what =
    `${source}: this fleet needs about ${formatBytes(estimate.bytes)} ` +
    `(${formatCount(estimate.storedClients)} clients × ~${estimate.bytesPerClient} B${sizing.mode === "virtual" && sizing.shard.count > 1 ? "; a virtual shard simulates the whole fleet" : ""})`;
  const allows = overMemory
    ? `this machine allows about ${formatBytes(usable)} (${Math.round(USABLE_MEMORY_FRACTION * 100)}% of its ${formatBytes(machine.memoryBytes)})`
    : overArray
      ? `one ${sizing.mode === "virtual" ? "run" : "worker"} holds at most ${formatCount(maxPerSlice)} clients (their ${CLIENT_RECORD_BYTES}-byte records share one array of at most ${formatBytes(machine.maxArrayBytes)})`
      : `one worker's JS heap allows about ${formatBytes(machine.heapLimitBytes)}`;
  const advice =
    sizing.mode === "virtual"
      ? "lower --clients (a virtual shard simulates the whole fleet, so --shard does not help; --mode realtime --shard i/N splits a fleet across machines)"
      : overMemory
        ? "lower --clients or split it with --shard i/N across machines"
        : "use more --workers, or split it with --shard i/N across machines";
  return `${what}; ${allows}: ${advice}`;
}

/** Wall time a realtime run lasts: its simulated duration compressed by timeScale. */
export function realtimeWallMs(durationMs: number, timeScale: number): number {
  return durationMs / timeScale;
}

const YEAR_MS = 365.25 * 86_400_000;

/** A wall time for messages: "3h 20m", "12d", "2.7 million years". */
export function formatWallTime(ms: number): string {
  const years = ms / YEAR_MS;
  if (!Number.isFinite(years)) return "forever";
  if (years >= 1e6) return `${Number((years / 1e6).toPrecision(2))} million years`;
  if (years >= 1) return `${Number(years.toPrecision(2))} years`;
  return formatDurationShort(ms / 1000);
}
