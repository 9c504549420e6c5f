// How much one host listener lets its peers hold, so that a LAN peer can neither starve
// good clients nor run the process out of descriptors: idle connections are closed, a
// connection with too much queued work stops being read (TCP backpressure), and at the
// connection cap a newcomer evicts the connection idle the longest.
//
// "Idle" means nothing pending for the peer (no request in service or waiting, none held
// unanswered by a hung host) and nothing received: a client waiting for its answer is
// never idle, so these limits do not change what a hung or slow host looks like.

import { MAX_TIMER_MS } from "../../scenario/defaults.js";

export interface ConnectionLimits {
  /** Wall ms a connection may stay idle before the host closes it. */
  idleTimeoutMs: number;
  /** Requests one connection may have in service or waiting; past it, reading pauses. */
  maxQueuedPerConnection: number;
  /** Open connections; a newcomer beyond it evicts the connection idle the longest. */
  maxConnections: number;
}

/**
 * Wall ms, not simulated: a compressed clock must not shorten it. Fleet clients wait at
 * most their RPC timeout, so hosts use the larger of this and twice that timeout.
 */
export const DEFAULT_IDLE_TIMEOUT_MS = 10_000;
/** Fleet clients send one request per connection; 64 leaves room for pipelining peers. */
export const DEFAULT_MAX_QUEUED_PER_CONNECTION = 64;
export const DEFAULT_MAX_CONNECTIONS = 4096;
/** Descriptors kept free for the listener, DNS publishing and files when the cap follows `ulimit -n`. */
export const RESERVED_DESCRIPTORS = 64;

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  idleTimeoutMs: DEFAULT_IDLE_TIMEOUT_MS,
  maxQueuedPerConnection: DEFAULT_MAX_QUEUED_PER_CONNECTION,
  maxConnections: DEFAULT_MAX_CONNECTIONS,
};

/** Idle timeout for hosts whose clients give up after `rpcTimeoutMs` (wall). */
export function idleTimeoutForRpcTimeout(rpcTimeoutMs: number): number {
  return Math.max(DEFAULT_IDLE_TIMEOUT_MS, 2 * rpcTimeoutMs);
}

/** Connection cap that stays below a descriptor limit (null: unknown), never below 1. */
export function maxConnectionsForFileLimit(fileLimit: number | null, hosts: number): number {
  if (fileLimit === null || !Number.isFinite(fileLimit)) return DEFAULT_MAX_CONNECTIONS;
  const share = Math.floor((fileLimit - RESERVED_DESCRIPTORS) / Math.max(1, hosts));
  return Math.max(1, Math.min(DEFAULT_MAX_CONNECTIONS, share));
}

export function checkConnectionLimits(limits: ConnectionLimits): void {
  const { idleTimeoutMs, maxQueuedPerConnection, maxConnections } = limits;
  if (!(idleTimeoutMs > 0 && idleTimeoutMs <= MAX_TIMER_MS))
    throw new RangeError(`KmsHostServer: idleTimeoutMs must be 1..${MAX_TIMER_MS} (Node's longest timer), got ${idleTimeoutMs}`);
  if (!Number.isInteger(maxQueuedPerConnection) || maxQueuedPerConnection < 1) {
    throw new RangeError(`KmsHostServer: maxQueuedPerConnection must be an integer >= 1, got ${maxQueuedPerConnection}`);
  }
  if (!(maxConnections >= 1)) throw new RangeError(`KmsHostServer: maxConnections must be >= 1, got ${maxConnections}`);
}
