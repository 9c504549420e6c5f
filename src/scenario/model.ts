// The normalised scenario: what the loader hands to the engines after validation.
// Every duration is already in milliseconds (names end in Ms), every default filled in.
// The YAML contract (design.md) uses short keys (`latency: 0.5ms`); this shape is internal.

export { PRODUCTS } from "../core/vocabulary.js";
export type { ProductRules as ProductSpec } from "../core/product.js";
import type { ProductRules } from "../core/product.js";
export type {
  DnsAction,
  DnsEvent,
  HostAction,
  HostEvent,
  Mode,
  Product,
  Profile,
  RecordAction,
  RecordEvent,
  ScenarioEvent,
  ThresholdOp,
  ThresholdSpec,
} from "../core/vocabulary.js";
import type { Mode, Product, Profile, ScenarioEvent, ThresholdSpec } from "../core/vocabulary.js";

export interface SrvRecord {
  /** Owner name, e.g. `_vlmcs._tcp.corp.example`. */
  name: string;
  /** Target host name; a target that names no scenario host is unreachable. */
  target: string;
  port: number;
  priority: number;
  weight: number;
}

export interface HostSpec {
  name: string;
  port: number; // default 1688
  priority: number; // default 0
  weight: number; // default 100
  /** The host's licence pack: names of catalog products it serves (default: every one). */
  products: Product[];
  serviceTimeMs: number; // default 2
  concurrency: number; // default 64
  publishDomains: string[]; // default [dns.domain]
  /** false: this host does not publish its records (slmgr /cdns); default true (dns.publish: manual turns every host's off). */
  publish: boolean;
  /** Host overrides of the client intervals, sent in every answer (null: client default). */
  activationIntervalMs: number | null;
  renewalIntervalMs: number | null;
  /** `false` models a host whose own license is not activated (0xC004F041). Default true. */
  activated: boolean;
  /** `false` models KMS not enabled on the machine (0xC004F039). Default true. */
  kmsEnabled: boolean;
  /** Client and host clocks may differ by this much (inclusive) before 0xC004F06C. Default 4 h. */
  maxClockSkewMs: number;
}

export interface ClientGroupSpec {
  name: string;
  count: number;
  os: Profile; // default win7
  product: Product; // default windows-client; a name in Scenario.products
  domain: string; // default dns.domain
  bootSpreadMs: number; // default 1h
  /** Group joins the fleet at this simulated time (default 0). */
  startAtMs: number;
  clockSkewMs: number; // default 0
  /** Pinned host `name[:port]` (slmgr /skms); null = discover through DNS. */
  kmsHost: string | null;
  hostCaching: boolean; // default true
  activationIntervalMs: number; // default 120 min
  renewalIntervalMs: number; // default 10080 min
  /** Boots from a client trace instead of bootSpread (null: bootSpread). */
  trace: ClientTrace | null;
  /** Fraction 0..1 of the group already licensed at the start: their first request is a renewal (default 0). */
  startLicensed: number;
}

/** `clients[].trace`: the group's first requests from a trace file (`kmssim import`). */
export interface ClientTrace {
  /** As the scenario names it, relative to the scenario's folder. */
  file: string;
  /** Replay this many times faster than the trace (traceSpeedup, default 1). */
  speedup: number;
  /** The group's rows, sorted, ms from the trace's start; null until the loader read the file. */
  offsetsMs: number[] | null;
}

export interface RealtimeSpec {
  /** adaptive (default): the clock slows when the generator falls behind; strict: never. */
  clock: "adaptive" | "strict";
}

export interface NetworkSpec {
  latencyMs: number; // one way, default 0.5
  jitterMs: number; // default 0.1
  rpcTimeoutMs: number; // default 5000
  dnsTimeoutMs: number; // default 2000
}

export interface DnsSpec {
  server: "embedded" | string;
  domain: string;
  publish: "auto" | "manual";
  ttlMs: number;
  records: SrvRecord[];
  publishIntervalMs: number; // default 24 h
  publishRetryMs: number; // default 15 min
  /** 0: never scavenge. */
  scavengeAfterMs: number;
  /** Key the hosts sign updates with; null: a key made for the run (embedded server). */
  tsig: TsigKeySpec | null;
}

/** A TSIG key given inline, or a key file (path already resolved against the scenario's folder). */
export type TsigKeySpec = { kind: "inline"; name: string; secret: string } | { kind: "file"; path: string };

export interface Scenario {
  name: string;
  seed: number;
  mode: Mode;
  durationMs: number;
  timeScale: number;
  /**
   * Every product the scenario knows, index = ProductId: the three built-in ones (with the
   * file's settings) first, then the ones the file adds, in file order.
   */
  products: ProductRules[];
  /** Spacing of timeline samples; default duration / 100 rounded to a whole minute (min 1 s). */
  sampleIntervalMs: number;
  dns: DnsSpec;
  hosts: HostSpec[];
  clients: ClientGroupSpec[];
  network: NetworkSpec;
  realtime: RealtimeSpec;
  /** Sorted by atMs (stable). */
  events: ScenarioEvent[];
  thresholds: ThresholdSpec[];
}
