// The domain's words, defined where the pure core can use them: products and client
// profiles, host and DNS faults, thresholds and what judging one gives. The scenario
// (scenario/model.ts) and the result (results/) speak the same words.

export type Mode = "virtual" | "realtime";
export type Profile = "win7" | "vista";
/** A product's name: one of the built-in PRODUCTS or one a scenario adds (`products:`). */
export type Product = string;
/** The built-in products, in catalog order (core/product.ts). */
export const PRODUCTS: readonly Product[] = ["windows-client", "windows-server", "office-2010"];

export type HostAction = "crash" | "hang" | "slow" | "recover" | "decommission";
export type DnsAction = "down" | "up";

export interface HostEvent {
  atMs: number;
  kind: "host";
  host: string;
  action: HostAction;
  /** For `slow`: service time while slow. Default 10 × the host's serviceTime. */
  serviceTimeMs: number | null;
}

export interface DnsEvent {
  atMs: number;
  kind: "dns";
  action: DnsAction;
}

/** An administrator's change to the records by hand (the article's uninstall step: delete the SRV record). */
export type RecordAction = "delete-record";

export interface RecordEvent {
  atMs: number;
  kind: "record";
  action: RecordAction;
  /** Owner of the SRV record, `_vlmcs._tcp.<domain>` (canonical). */
  name: string;
  /** Target of the record, as written (a bare label is in the record's domain). */
  target: string;
}

export type ScenarioEvent = HostEvent | DnsEvent | RecordEvent;

export const THRESHOLD_OPS = ["lt", "lte", "gt", "gte", "eq"] as const;
export type ThresholdOp = (typeof THRESHOLD_OPS)[number];

export interface ThresholdSpec {
  metric: string;
  op: ThresholdOp;
  value: number;
}

/** A threshold judged on a result: `actual` is null when the result has no such number. */
export interface ThresholdResult extends ThresholdSpec {
  actual: number | null;
  pass: boolean;
}

/** How evenly the hosts shared the requests, and how far from what the records promised. */
export interface SpreadResult {
  jain: number;
  maxOverMean: number;
  cv: number;
  maxShareDeviation: number;
}
