// Client-side RPC outcomes by (kind, host, status) and latency buckets by (kind, host),
// kept by each fleet driver for the live metrics and sent, cumulative, with every progress
// message. Recording allocates nothing after a (kind, host)'s first RPC: statuses are
// interned into small slots (a run sees a handful), counts live in one Float64Array
// indexed by (status, host, kind), and each (kind, host) has its buckets.

import { LatencyBuckets, type LatencyBucketsWire } from "./latency-buckets.js";

export const RPC_KINDS = ["activation", "renewal"] as const;
export type RpcKind = (typeof RPC_KINDS)[number];

/** What a progress message carries (structured-clone friendly, cumulative). */
export interface LiveRpcWire {
  /** Flat (kind 0|1, host endpoint index or -1, status, count) tuples, non-zero counts only. */
  rpc: number[];
  /** Latency buckets per kind (0 activation, 1 renewal) and host (endpoint index or -1); only pairs that saw an RPC. */
  latency: LiveLatencyWire[];
  /** Flat (status, count) tuples of DNS queries answered or failed (status 0 = answered). */
  dns: number[];
}

export interface LiveLatencyWire extends LatencyBucketsWire {
  kind: number;
  host: number;
}

export function emptyLiveRpcWire(): LiveRpcWire {
  return { rpc: [], latency: [], dns: [] };
}

export class LiveRpcCounts {
  /** (host + 1) * 2 + kind → that pair's latency buckets. */
  private readonly latency = new Map<number, LatencyBuckets>();
  private readonly statuses: number[] = [];
  /** Host slots: endpoint index + 1 (slot 0 is "no host"). */
  private hostSlots: number;
  private counts: Float64Array;

  constructor(endpoints: number) {
    this.hostSlots = Math.max(1, endpoints + 1);
    this.counts = new Float64Array(0);
  }

  /** One RPC outcome; latency from when it was due, as the result measures it. */
  record(renewal: boolean, host: number, status: number, latencyMs: number): void {
    const kind = renewal ? 1 : 0;
    const pair = (host + 1) * 2 + kind;
    let buckets = this.latency.get(pair);
    if (buckets === undefined) this.latency.set(pair, (buckets = new LatencyBuckets()));
    buckets.record(latencyMs);
    let slot = this.statuses.indexOf(status);
    if (slot < 0 || host + 1 >= this.hostSlots) slot = this.grow(status, host);
    this.counts[(slot * this.hostSlots + host + 1) * 2 + kind]++;
  }

  toWire(dns: { ok: number; errors: ReadonlyMap<number, number> }): LiveRpcWire {
    const rpc: number[] = [];
    this.statuses.forEach((status, slot) => {
      for (let h = 0; h < this.hostSlots; h++) {
        for (let kind = 0; kind < 2; kind++) {
          const n = this.counts[(slot * this.hostSlots + h) * 2 + kind];
          if (n > 0) rpc.push(kind, h - 1, status, n);
        }
      }
    });
    const dnsFlat = dns.ok > 0 ? [0, dns.ok] : [];
    for (const [status, n] of dns.errors) dnsFlat.push(status, n);
    const latency = [...this.latency].map(([pair, buckets]) => ({ kind: pair % 2, host: Math.floor(pair / 2) - 1, ...buckets.toWire() }));
    return { rpc, latency, dns: dnsFlat };
  }

  /** A new status or a host past the table (DNS named an unplanned endpoint): rebuild once. */
  private grow(status: number, host: number): number {
    if (!this.statuses.includes(status)) this.statuses.push(status);
    const hostSlots = Math.max(this.hostSlots, host + 2);
    const counts = new Float64Array(this.statuses.length * hostSlots * 2);
    const oldSlots = this.counts.length / (this.hostSlots * 2);
    for (let s = 0; s < oldSlots; s++) {
      for (let h = 0; h < this.hostSlots; h++) {
        for (let kind = 0; kind < 2; kind++) counts[(s * hostSlots + h) * 2 + kind] = this.counts[(s * this.hostSlots + h) * 2 + kind];
      }
    }
    this.hostSlots = hostSlots;
    this.counts = counts;
    return this.statuses.indexOf(status);
  }
}

/** The workers' latest counts added up (main thread, at scrape time). */
export interface MergedLive {
  /** "kind|host|status" → count. */
  rpc: Map<string, { kind: RpcKind; host: number; status: number; count: number }>;
  /** "kind|host" → latency buckets. */
  latency: Map<string, { kind: RpcKind; host: number; buckets: LatencyBuckets }>;
  dns: Map<number, number>;
}

export function mergeLiveRpc(wires: readonly LiveRpcWire[]): MergedLive {
  const merged: MergedLive = { rpc: new Map(), latency: new Map(), dns: new Map() };
  for (const wire of wires) {
    for (let k = 0; k + 3 < wire.rpc.length; k += 4) {
      const [kind, host, status, count] = [wire.rpc[k], wire.rpc[k + 1], wire.rpc[k + 2], wire.rpc[k + 3]];
      const key = `${kind}|${host}|${status}`;
      const entry = merged.rpc.get(key);
      if (entry === undefined) merged.rpc.set(key, { kind: RPC_KINDS[kind], host, status, count });
      else entry.count += count;
    }
    for (const l of wire.latency) {
      const key = `${l.kind}|${l.host}`;
      let entry = merged.latency.get(key);
      if (entry === undefined) merged.latency.set(key, (entry = { kind: RPC_KINDS[l.kind], host: l.host, buckets: new LatencyBuckets() }));
      entry.buckets.addWire(l);
    }
    for (let k = 0; k + 1 < wire.dns.length; k += 2) merged.dns.set(wire.dns[k], (merged.dns.get(wire.dns[k]) ?? 0) + wire.dns[k + 1]);
  }
  return merged;
}
