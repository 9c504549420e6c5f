// The result JSON (`kmssim run --out`, design.md "Result JSON"), defined once: the TypeScript
// types (result.ts), the JSON Schema (schema/result.schema.json), the reader of result files
// and the metric paths thresholds and compare accept all derive from it. Extend, never rename.

import { z } from "zod";
import { HOST_LICENSE_STATUSES } from "../core/host/product-report.js";
import { THRESHOLD_OPS } from "../scenario/schema.js";

export const RESULT_SCHEMA = "kmssim/result@1";

// ---- What each number means to thresholds and compare ----------------------------------

/** How compare shows a number and which floor a change must pass (compare/verdict.ts). */
export type MetricUnit = "ms" | "count" | "ratio" | "number";
/** Which way is better; absent on a number where neither is (a host's share of requests). */
export type Better = "lower" | "higher";

export type FieldRole =
  | { role: "metric"; unit: MetricUnit; better?: Better }
  /** Not a threshold path nor a compare metric: identity, bookkeeping or per-sample detail. */
  | { role: "not-metric"; why: string }
  /** A map whose keys are error codes or products: a missing key reads as 0. */
  | { role: "map"; keys: "codes" | "products" };

/** Kept apart from zod's global registry so the roles stay out of the JSON Schema. */
export const fieldRoles = z.registry<FieldRole>();

interface LeafOptions {
  better?: Better;
  description?: string;
}

/** Words the reader shows after "should be": plain, and never the file's content. */
const WHOLE = "a whole number ≥ 0";
const AMOUNT = "a number ≥ 0";
const NUMBER = "a number";

function leaf<T extends z.ZodType>(schema: T, unit: MetricUnit, options: LeafOptions): T {
  const described = options.description === undefined ? schema : (schema.describe(options.description) as T);
  fieldRoles.add(described, { role: "metric", unit, ...(options.better === undefined ? {} : { better: options.better }) });
  return described;
}

const count = (options: LeafOptions = {}) => leaf(z.int({ error: WHOLE }).min(0, { error: WHOLE }), "count", options);
const ms = (options: LeafOptions = {}) => leaf(z.number({ error: NUMBER }), "ms", { better: "lower", ...options });
const ratio = (options: LeafOptions = {}) => leaf(z.number({ error: NUMBER }), "ratio", options);
const amount = (options: LeafOptions = {}) => leaf(z.number({ error: AMOUNT }).min(0, { error: AMOUNT }), "number", options);
const plain = (options: LeafOptions = {}) => leaf(z.number({ error: NUMBER }), "number", options);

function notMetric<T extends z.ZodType>(schema: T, why: string): T {
  fieldRoles.add(schema, { role: "not-metric", why });
  return schema;
}

function map<T extends z.ZodType>(keys: "codes" | "products", value: T, description: string) {
  return z.record(z.string(), value).describe(description).register(fieldRoles, { role: "map", keys });
}

// ---- The result -------------------------------------------------------------------------

const latencySummaryMs = z.object({
  mean: ms(),
  p50: ms(),
  p90: ms(),
  p99: ms(),
  p999: ms(),
  max: ms(),
});

const histogram = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)], { error: "a compressed HdrHistogram (base64 text) or a list of them" })
  .describe("HdrHistogram of latencies in microseconds, compressed base64 (V2); a list of them is added up by compare");

const errorCounts = map("codes", count({ better: "lower" }), 'Error code (hex, e.g. "0xC004F038") → count. Keys sorted.');

export const rpcKindResultSchema = z.object({
  sent: count(),
  ok: count({ better: "higher" }),
  failed: count({ better: "lower" }),
  errors: errorCounts,
  latencyMs: latencySummaryMs,
  histogram,
  perSecond: amount({ description: "Mean RPCs of this kind per simulated second" }).optional(),
  successRate: ratio({ better: "higher", description: "ok / sent (1 when none was sent)" }).optional(),
  errorRate: ratio({ better: "lower", description: "failed / sent (0 when none was sent)" }).optional(),
});

/** A rate per simulated second: over the whole run, and in the busiest timeline interval. */
const rateResult = z
  .object({
    mean: amount({ description: "Over the whole simulated time" }),
    peak: amount({ description: "In the busiest timeline interval (intervals shorter than half the sample interval left out)" }),
  })
  .describe("Per simulated second");

const dnsResult = z.object({
  queries: count(),
  failed: count({ better: "lower" }),
  latencyMs: latencySummaryMs,
  histogram,
});

/** Request counters like `slmgr /dlv` shows on a KMS host (the same keys as core's HostCounters). */
export const hostDlvSchema = z
  .object({
    total: count(),
    failed: count({ better: "lower" }),
    licensed: count(),
    initialGrace: count(),
    outOfToleranceGrace: count(),
    notification: count(),
  })
  .describe("Request counters like `slmgr /dlv` shows on a KMS host");

const HOST_STATES = ["up", "hung", "down", "decommissioned"] as const;

/** One product on one host, as `slmgr /dlv <Activation ID>` shows it (core's HostProductTotals). */
export const hostProductSchema = z
  .object({
    name: z.string().describe("Product name"),
    activationId: z.string().nullable().describe("The product's Activation ID (null when the scenario sets none)"),
    threshold: notMetric(count({ description: "Activation threshold in force on this host (0: not served)" }), "a setting of the scenario, not a measurement"),
    licenseStatus: z
      .enum(HOST_LICENSE_STATUSES)
      .describe("The host's own licence for the product: licensed, notActivated (0xC004F041), kmsNotEnabled (0xC004F039), notServed (0xC004F042)"),
    count: count({ better: "higher", description: "Current count of distinct client machine ids" }),
    low: z.boolean().describe("In use on this host and below the threshold at the end (the Low Activation Count alert)"),
    dlv: hostDlvSchema,
    errors: map("codes", count({ better: "lower" }), "Failed requests for the product by the code the host answered; keys sorted"),
  })
  .describe("A product on a host, like `slmgr /dlv <Activation ID>`");

export const hostResultSchema = z.object({
  name: z.string(),
  requests: count(),
  activations: count(),
  renewals: count(),
  share: ratio({ description: "The host's part of all requests" }),
  expectedShare: ratio({ description: "The part the SRV records promise (win7: by priority then weight among hosts up; vista: equal)" }),
  count: map("products", count(), "Current count of distinct client machine ids per product served"),
  lowCount: z
    .array(z.string())
    .describe("Products this host has counted clients for, now below the activation threshold at the end, 0 included (the Low Activation Count alert)"),
  dlv: hostDlvSchema,
  products: z
    .array(hostProductSchema)
    .describe("Per product, like `slmgr /dlv <Activation ID>`: the products the host serves, and any other clients asked it for")
    .optional(),
  refused: count({ better: "lower", description: "Requests that arrived while the host was down" }),
  unanswered: count({ better: "lower", description: "Requests that arrived while the host was hung (never answered)" }),
  lost: count({ better: "lower", description: "Queued or in service when the host crashed or hung: the answer never left" }),
  late: count({ better: "lower", description: "Answered after the client's RPC timeout had expired (a slow or overloaded host)" }),
  state: z.enum(HOST_STATES).describe("State at the end of the run"),
  perSecond: rateResult.optional(),
  utilization: ratio({
    better: "lower",
    description: "Share of the host's server time spent serving: busy servers over its concurrency, over the run (realtime: wall time)",
  }).optional(),
  peakQueued: count({ better: "lower", description: "The most requests waiting for a free server at once" }).optional(),
  clientAnswered: count({ description: "Realtime only: answers from this host that clients received, counted on the client side" }).optional(),
  clientTimedOut: count({ better: "lower", description: "Realtime only: requests to this host whose client gave up first (RPC timeout)" }).optional(),
  publishFailed: count({ better: "lower", description: "The host's failed attempts to publish its SRV record (event 12293)" }).optional(),
  expectedRequests: notMetric(
    amount({ description: "Shard results only: the requests the SRV records promised this host, unrounded, for an exact merge" }),
    "shard bookkeeping: kmssim merge recomputes expectedShare from it",
  ).optional(),
});

const spreadResult = z.object({
  jain: ratio({ better: "higher", description: "Jain's fairness index of the hosts' shares (1 = even)" }),
  maxOverMean: ratio({ better: "lower" }),
  cv: ratio({ better: "lower" }),
  maxShareDeviation: ratio({ better: "lower", description: "Largest |share − expectedShare| of any host" }),
});

const intervalLatencyMs = z
  .object({ p50: ms(), p95: ms(), p99: ms() })
  .describe("Latency percentiles of the RPCs completed in the interval (from when each was due; timeouts count at the RPC timeout)");

const intervalRpc = z.object({
  completed: count({ description: "RPCs completed in the interval: answered, refused or timed out" }),
  failed: count({ better: "lower", description: "Of those, the ones that failed (error code, refused, timed out)" }),
  latencyMs: intervalLatencyMs.optional(),
});

const intervalRpcs = z
  .object({ activation: intervalRpc, renewal: intervalRpc, all: intervalRpc })
  .describe("Client side, per interval: RPCs completed and failed, and their latency percentiles (absent when none completed)");

const intervalHistograms = z
  .object({ activation: z.string().min(1).optional(), renewal: z.string().min(1).optional() })
  .describe("Shard results only: the interval's latency histograms (µs, compressed base64), so merge computes exact percentiles");

const timelineSample = z.object({
  t: amount({ description: "Simulated seconds since start" }),
  activated: count({ description: "Clients that have activated at least once, cumulative" }),
  licensed: count({ description: "Clients licensed at this instant" }),
  hostRequests: z.record(z.string(), count()).describe("Requests received per host during this sample interval"),
  hostExpected: z.record(z.string(), amount()).describe("Shard results only: requests the SRV records promised each host during the interval").optional(),
  spread: spreadResult,
  timeScale: plain({ description: "Realtime only: simulated seconds per wall second over the interval" }).optional(),
  lowCount: z
    .record(z.string(), z.array(z.string()))
    .describe("Hosts with a product below its activation threshold at this sample (the Low Activation Count monitor's poll); only hosts that have one")
    .optional(),
  rpc: intervalRpcs.optional(),
  hostErrors: z
    .record(z.string(), count({ better: "lower" }))
    .describe("Client side: RPCs to each host that failed during the interval (refused, timed out or answered with an error code)")
    .optional(),
  latencyHistograms: intervalHistograms.optional(),
});

const generatorResult = z
  .object({
    clock: z.enum(["adaptive", "strict"]).describe("adaptive: simulated time slows when the generator falls behind; strict: it never does"),
    requestedTimeScale: plain(),
    achievedTimeScale: plain({ better: "higher", description: "Simulated time covered per wall second, from time 0 to the end of simulated time" }),
    minTimeScale: plain({ better: "higher", description: "The slowest rate the adaptive clock ran at (= requested when it never slowed)" }),
    offeredRpcPerSecond: plain({
      description: "RPCs per wall second the scenario asks for at the requested time scale: those sent and those left unsent (unsentAtEnd)",
    }),
    achievedRpcPerSecond: plain({
      better: "higher",
      description: "RPCs per wall second actually sent, over the wall time from time 0 until sending stopped (a backlog sent after the end included)",
    }),
    sendLagMs: z.object({ mean: ms(), p50: ms(), p90: ms(), p99: ms(), max: ms() }).describe("Actual send − due time of every RPC and DNS query (wall ms)"),
    lateSends: count({ better: "lower", description: "RPCs and queries that left more than 100 ms late" }),
    unsentAtEnd: count({
      better: "lower",
      description: "Steps due (an RPC or DNS query each) still unsent, over 100 ms overdue, when sending stopped (the end grace ran out, or Ctrl-C)",
    }).optional(),
    lateFraction: ratio({ better: "lower", description: "lateSends and unsentAtEnd as a part of all steps due (sent or not)" }),
    eventLoopDelayMs: z.object({ p99: ms(), max: ms() }).describe("Worst event-loop delay of any thread (wall ms)"),
    threads: notMetric(
      z.array(z.object({ name: z.string(), eventLoopDelayMs: z.object({ p50: ms(), p99: ms(), max: ms() }), utilization: ratio() })),
      "per-thread detail whose names depend on --workers; thresholds use generator.eventLoopDelayMs, the worst thread",
    ),
    saturated: z.boolean().describe("More than 1 % of requests left over 100 ms late: latencies and outcomes measure this machine"),
  })
  .describe("Realtime only: how the load generator itself did");

export const ALERT_KINDS = ["dnsPublishing", "lowActivationCount", "hostDown", "hostHung", "licenceLapsed"] as const;

const alertRecord = z.object({
  kind: z.enum(ALERT_KINDS),
  severity: z.enum(["critical", "warning"]),
  host: z.string().describe("The host it is about (absent: the fleet)").optional(),
  product: z.string().optional(),
  firstSeen: z.number({ error: NUMBER }).describe("Simulated seconds when the monitor first saw it"),
  lastSeen: z.number({ error: NUMBER }).describe("Simulated seconds when the monitor last saw it (the end of the run: still open)"),
  open: z.boolean().describe("Still standing at the end of the run"),
  count: z
    .int({ error: WHOLE })
    .min(0, { error: WHOLE })
    .describe("How often it was seen: failed publishes, outages, or monitor polls (timeline samples) that found it"),
  message: z.string(),
});

const alertKindTotal = z.object({
  count: count({ better: "lower", description: "Sum of the kind's alerts' counts (0: never raised)" }),
});

const alertsResult = z
  .object({
    dnsPublishing: alertKindTotal.describe("A host failed to publish its SRV record (event 12293)"),
    lowActivationCount: alertKindTotal.describe("A host's count for a product in use fell below the activation threshold (0 included)"),
    hostDown: alertKindTotal.describe("A host crashed (down until it recovers)"),
    hostHung: alertKindTotal.describe("A host hung: it accepts requests and never answers"),
    licenceLapsed: alertKindTotal.describe("Clients that had activated were not licensed at a monitor poll (out-of-tolerance grace or worse)"),
    list: notMetric(z.array(alertRecord), "the alerts themselves; thresholds use alerts.<kind>.count"),
  })
  .describe(
    "What the KMS monitoring pack would have raised: DNS publishing failures and Low Activation Count, plus hosts down or hung and clients out of licence",
  );

const thresholdSpec = z.object({ metric: z.string(), op: z.enum(THRESHOLD_OPS), value: z.number({ error: NUMBER }) });

const thresholdResult = z.object({
  metric: z.string(),
  op: z.string(),
  value: z.number({ error: NUMBER }),
  actual: z.number({ error: NUMBER }).nullable().describe("null: the result has no number at that path (the threshold failed)"),
  pass: z.boolean(),
});

const positive = z.int({ error: "a whole number ≥ 1" }).min(1, { error: "a whole number ≥ 1" });

const shardMeta = z
  .object({
    index: positive.describe("1-based, as on the command line"),
    count: positive,
    fleetClients: z.int({ error: WHOLE }).min(0, { error: WHOLE }).describe("Clients in the whole fleet (all shards together)"),
    runDigest: z.string().describe("Fingerprint of scenario, seed, mode and fleet size: shards of one run share it"),
    thresholds: z.array(thresholdSpec).describe("The scenario's thresholds, judged only on the merged result"),
    externalHosts: z.boolean().describe("The shard ran with --external-hosts: its hosts[] are the clients' view").optional(),
  })
  .describe("Which part of a sharded run this result is (`run --shard i/N`)");

const fleetEventRecord = z.object({
  t: z.number({ error: NUMBER }).describe("Simulated seconds"),
  kind: z.enum(["host", "dns"]),
  target: z.string().describe('A host name, or "dns" for the DNS server itself'),
  action: z.string().describe("Scenario actions (crash, down, delete-record, …) and DNS record changes (published, publish-failed, scavenged)"),
  domain: z.string().optional(),
  eventId: z.int().describe("The KMS host's event id for a publish outcome: 12294 published, 12293 failed").optional(),
  reason: z.string().describe("Why a publish failed").optional(),
});

const clientsResult = z.object({
  total: count(),
  activated: count({ better: "higher" }),
  notActivated: count({ better: "lower" }),
  licensed: count({ better: "higher" }),
  unlicensed: count({ better: "lower" }),
  initialGrace: count(),
  outOfToleranceGrace: count({ better: "lower" }),
  errors: map("codes", count({ better: "lower" }), "Attempt-level failures a client saw (0xC004F074, 0x8007232B), as opposed to per-RPC outcomes under rpc"),
  inFlightAtEnd: count({ description: "RPCs or DNS queries still outstanding when the simulated time ran out" }),
  activationTimes: z
    .string()
    .min(1)
    .describe("HdrHistogram of when each client first activated, in whole simulated seconds (the value unit, µs elsewhere), compressed base64")
    .optional(),
});

/** One client group's client-side metrics (`clients[].name` of the scenario): k6's tags, for a fleet. */
export const groupResultSchema = z
  .object({
    name: z.string().describe("The client group's name in the scenario; threshold paths address it as groups.<name>.… (the longest name that fits)"),
    clients: count({ description: "Clients in the group (in this shard, for a shard result)" }),
    activated: count({ better: "higher", description: "Clients of the group that activated at least once" }),
    notActivated: count({ better: "lower" }),
    licensed: count({ better: "higher", description: "Clients of the group licensed at the end" }),
    unlicensed: count({ better: "lower" }),
    initialGrace: count(),
    outOfToleranceGrace: count({ better: "lower" }),
    rpc: z.object({ activation: rpcKindResultSchema, renewal: rpcKindResultSchema }),
    dns: dnsResult,
    failovers: count({ better: "lower" }),
    rediscoveries: count({ better: "lower" }),
  })
  .describe("One client group's part of the client-side metrics; over all groups they add up to the run's");

export const resultSchema = z
  .object({
    schema: z.literal(RESULT_SCHEMA),
    scenario: z.string(),
    mode: z.enum(["virtual", "realtime"]),
    seed: notMetric(z.number({ error: NUMBER }), "the run's identity, not a measurement"),
    simulatedSeconds: amount(),
    wallSeconds: amount({ better: "lower" }),
    rpcTimeoutMs: notMetric(
      amount({ description: "The clients' RPC timeout (network.rpcTimeout): a latency at or past it is a request that timed out" }),
      "a setting of the scenario, not a measurement",
    ).optional(),
    interrupted: z.boolean().optional(),
    incomplete: notMetric(
      z.object({ reason: z.string(), clientsUnreported: z.int({ error: WHOLE }).min(0, { error: WHOLE }) }),
      "present only when a run failed part-way",
    )
      .describe("The run failed part-way (a worker died): clients counts only the clients reported")
      .optional(),
    shard: notMetric(shardMeta, "which part of a sharded run this is").optional(),
    merged: notMetric(z.object({ shards: positive, runDigest: z.string() }), "which shards a merged result adds up")
      .describe("A result of kmssim merge: how many shard results it adds up")
      .optional(),
    clients: clientsResult,
    rpc: z.object({ activation: rpcKindResultSchema, renewal: rpcKindResultSchema }),
    rpcPerSecond: rateResult.optional().describe("Every RPC per simulated second (peak: requests that reached the hosts)"),
    dns: dnsResult,
    groups: z.array(groupResultSchema).describe("Per client group, in the scenario's order (absent in results of older kmssim)").optional(),
    hosts: z.array(hostResultSchema),
    spread: spreadResult,
    failovers: count({ better: "lower" }),
    rediscoveries: count({ better: "lower" }),
    events: notMetric(z.array(fleetEventRecord), "what happened when: a log, not a measurement"),
    timeline: notMetric(z.array(timelineSample), "per-interval samples: thresholds and compare judge the whole run"),
    alerts: alertsResult.optional(),
    generator: generatorResult.optional(),
    thresholds: notMetric(z.array(thresholdResult), "the verdicts on the metrics, not metrics"),
    pass: z.boolean(),
  })
  .meta({
    title: "kmssim result",
    description: `The result of one kmssim run (\`kmssim run --out\`), a shard of one, or a merge of shards (${RESULT_SCHEMA}).`,
  });

/** The JSON Schema of result files, as shipped in schema/result.schema.json. */
export function resultJsonSchema(): Record<string, unknown> {
  // io "input": what the reader accepts (fields a newer kmssim adds are ignored, not refused).
  return z.toJSONSchema(resultSchema, { io: "input" }) as Record<string, unknown>;
}
