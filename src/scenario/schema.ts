// The scenario file as users write it (design.md, "Scenario file (YAML)"): short keys,
// durations as text with units, every key but `hosts` and `clients` optional. Parsing
// turns durations into milliseconds; defaults are filled in later by normalise.ts.
// Cross-field rules (unique names, references, ...) live in semantics.ts.

import { z } from "zod";
import {
  DEFAULTS,
  MAX_CLIENT_GROUPS,
  MAX_CMID_CACHE_SIZE,
  MAX_EVENTS,
  MAX_FLEET_CLIENTS,
  MAX_HOST_CONCURRENCY,
  MAX_HOSTS,
  MAX_PRODUCT_THRESHOLD,
  MAX_PUBLISH_DOMAINS,
  MAX_RECORDS,
  MAX_TIMER_MS,
} from "./defaults.js";
import { durationPattern, formatDuration, parseDuration } from "./duration.js";
import { show } from "./messages.js";
import { MAX_PRODUCTS } from "../core/product.js";
import { CMID_CAPACITY_FACTOR, CMID_MEMORY_MS } from "../core/host/thresholds.js";
import { ACTIVATION_VALIDITY_MS, INITIAL_GRACE_MS, OUT_OF_TOLERANCE_GRACE_MS } from "../core/license.js";
import { PRODUCTS } from "./model.js";

type DurationKind = "positive" | "nonNegative" | "signed";

/** A duration the KMS client itself only accepts within a range. */
interface KmsRange {
  minMs: number;
  maxMs: number;
  why: string;
}

/** slmgr /sai and /sri take 15 to 43,200 minutes; a shorter interval is a typo (and a run that never ends). */
const KMS_INTERVAL: KmsRange = { minMs: 15 * 60_000, maxMs: 43_200 * 60_000, why: "a KMS client takes 15 minutes to 30 days, as slmgr /sai and /sri do" };

// Duration schemas by identity, so the JSON Schema export can describe them as patterns.
const durationKinds = new WeakMap<object, { kind: DurationKind; defaultMs: number | undefined }>();

const LOWER_BOUND: Record<DurationKind, string> = { positive: " > 0", nonNegative: " ≥ 0", signed: "" };

function withDefault(description: string, shown: string | undefined): string {
  return shown === undefined ? description : `${description} Default: ${shown}.`;
}

/** An activation or renewal interval: 15m to 30d (KMS_INTERVAL). */
function kmsInterval(description: string, defaultMs?: number) {
  return duration("positive", description, defaultMs, undefined, KMS_INTERVAL);
}

/** A duration key: text with a unit (or plain 0) in, milliseconds out; `maxMs` bounds it. */
function duration(kind: DurationKind, description: string, defaultMs?: number, maxMs?: number, range?: KmsRange) {
  const schema = z
    .union([z.string(), z.number()], {
      error: (issue) => `expected a duration like 30s or 2h, got ${show(issue.input)}`,
    })
    .transform((value, ctx) => {
      const parsed = parseDuration(value);
      if (!parsed.ok) {
        ctx.addIssue({ code: "custom", message: parsed.message, input: value });
        return z.NEVER;
      }
      const tooSmall = kind === "positive" ? parsed.ms <= 0 : kind === "nonNegative" && parsed.ms < 0;
      if (tooSmall) {
        ctx.addIssue({ code: "custom", message: `expected a duration${LOWER_BOUND[kind]}, got ${show(value)}`, input: value });
        return z.NEVER;
      }
      if (range !== undefined && (parsed.ms < range.minMs || parsed.ms > range.maxMs)) {
        ctx.addIssue({
          code: "custom",
          message: `expected a duration from ${formatDuration(range.minMs)} to ${formatDuration(range.maxMs)} (${range.why}), got ${show(value)}`,
          input: value,
        });
        return z.NEVER;
      }
      if (maxMs !== undefined && parsed.ms > maxMs) {
        ctx.addIssue({
          code: "custom",
          message: `expected a duration ≤ ${formatDuration(maxMs)}${maxMs === MAX_TIMER_MS ? " (the longest a timer waits)" : ""}, got ${show(value)}`,
          input: value,
        });
        return z.NEVER;
      }
      return parsed.ms + 0; // turns -0 into 0
    })
    .meta({ description: withDefault(description, defaultMs === undefined ? undefined : formatDuration(defaultMs)) });
  durationKinds.set(schema, { kind, defaultMs });
  return schema;
}

interface NumberRule {
  int?: boolean;
  min?: number;
  max?: number;
  /** Exclusive lower bound. */
  above?: number;
  /** Wording of the expectation when the generated one is clumsy. */
  expected?: string;
}

/** A number key whose every failure (wrong type, out of range) gets one message. */
function number(rule: NumberRule, description: string, defaultValue?: number) {
  const range =
    rule.min !== undefined && rule.max !== undefined
      ? ` ${rule.min}..${rule.max}`
      : rule.min !== undefined
        ? ` ≥ ${rule.min}`
        : rule.above !== undefined
          ? ` > ${rule.above}`
          : "";
  const expected = rule.expected ?? `${rule.int ? "an integer" : "a number"}${range}`;
  const error = (issue: { input?: unknown }) => `expected ${expected}, got ${show(issue.input)}`;
  let schema = z.number({ error });
  if (rule.int) schema = schema.int({ error });
  if (rule.min !== undefined) schema = schema.min(rule.min, { error });
  if (rule.max !== undefined) schema = schema.max(rule.max, { error });
  if (rule.above !== undefined) schema = schema.gt(rule.above, { error });
  return schema.meta({
    description: withDefault(description, defaultValue === undefined ? undefined : String(defaultValue)),
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
  });
}

function boolean(description: string, defaultValue: boolean) {
  return z.boolean().meta({ description: `${description} Default: ${defaultValue}.`, default: defaultValue });
}

function text(pattern: RegExp, expected: string, description: string) {
  return z
    .string()
    .regex(pattern, { error: (issue) => `expected ${expected}, got ${show(issue.input)}` })
    .describe(description);
}

/** The message of a list longer than `max`. */
function tooMany(max: number, what: string) {
  return (issue: { input?: unknown }) => `allows at most ${max} ${what}, got ${Array.isArray(issue.input) ? issue.input.length : "more"}`;
}

const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
const LABEL = "[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?";
const DOMAIN = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*\\.?$`);
const DNS_SERVER = /^(?:embedded|(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(?:6553[0-5]|655[0-2]\d|65[0-4]\d\d|6[0-4]\d{3}|[1-5]\d{4}|[1-9]\d{0,3}))$/;

const domain = (description: string) => text(DOMAIN, "a DNS domain name like corp.example", description);
const port = (description: string, defaultValue?: number) => number({ int: true, min: 1, max: 65535 }, description, defaultValue);
const u16 = (description: string, defaultValue?: number) => number({ int: true, min: 0, max: 65535 }, description, defaultValue);

/** A product's name: no dots, so `hosts.kms1.count.<product>` stays one path segment. */
const PRODUCT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
const GUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;

const product = text(
  PRODUCT_NAME,
  "a product name of letters, digits, '-' and '_' (e.g. office-2010)",
  `Product a license is for: ${PRODUCTS.join(", ")}, or one the scenario adds under products.`,
);

const productSchema = z
  .strictObject({
    name: product.describe(`Product name: ${PRODUCTS.join(", ")} changes that built-in product's settings; any other name adds a product.`),
    activationId: text(
      GUID,
      "an Activation ID, a GUID like bfe7a195-4f8f-4f0b-a622-cf13c7d16864",
      "The Activation ID `slmgr /dlv` takes for this product. Needed for a product the scenario adds. Default for office-2010: bfe7a195-4f8f-4f0b-a622-cf13c7d16864.",
    ).optional(),
    threshold: number(
      { int: true, min: 1, max: MAX_PRODUCT_THRESHOLD },
      "Activation threshold: distinct machines a host must count before it activates the product. Needed for a product the scenario adds. Default: windows-client 25, windows-server 5, office-2010 5.",
    ).optional(),
    cmidMemory: duration("positive", "A host remembers a client machine id this long after its last request.", CMID_MEMORY_MS).optional(),
    cmidCacheSize: number(
      { int: true, min: 1, max: MAX_CMID_CACHE_SIZE },
      `Most client machine ids a host keeps for the product (the least recently seen is evicted); at least the threshold. Default: ${CMID_CAPACITY_FACTOR} × threshold.`,
    ).optional(),
    validity: duration("positive", "How long an activation is valid without a renewal.", ACTIVATION_VALIDITY_MS).optional(),
    initialGrace: duration("nonNegative", "Fresh install grace period before a never-activated client is unlicensed.", INITIAL_GRACE_MS).optional(),
    outOfToleranceGrace: duration(
      "nonNegative",
      "Grace after the validity lapses without a renewal, before the client is unlicensed.",
      OUT_OF_TOLERANCE_GRACE_MS,
    ).optional(),
  })
  .describe("A product: its Activation ID, threshold and the numbers of its counting and licence rules.");

const srvRecordSchema = z
  .strictObject({
    name: domain("Owner name of the SRV record. Default: _vlmcs._tcp.<dns.domain>.").optional(),
    target: domain("Host the record points at; a target that names no scenario host is unreachable."),
    port: port("Port in the record. Default: the target host's port (1688 if the target is no scenario host).").optional(),
    priority: u16("SRV priority: lower is tried first (win7 clients).", DEFAULTS.host.priority).optional(),
    weight: u16("SRV weight inside one priority (win7 clients).", DEFAULTS.host.weight).optional(),
  })
  .describe("A hand-made SRV record (used with publish: manual, added to published ones with auto).");

const tsigKeySchema = z
  .strictObject({
    name: domain("Key name, as in the DNS server's configuration (e.g. kmssim-key)."),
    secret: text(/^[A-Za-z0-9+/]+={0,2}$/, "a base64 secret (tsig-keygen prints one)", "The shared secret, base64."),
    algorithm: z.enum(["hmac-sha256"]).meta({ description: "Only hmac-sha256 is supported.", default: "hmac-sha256" }).optional(),
  })
  .describe("TSIG key the hosts sign their DNS updates with (RFC 8945). Default: a key made for the run (embedded server only).");

const dnsSchema = z
  .strictObject({
    server: text(
      DNS_SERVER,
      "'embedded' or host:port of a DNS server (e.g. 127.0.0.1:53)",
      `'embedded' or host:port of a real DNS server. Default: ${DEFAULTS.dns.server}.`,
    ).optional(),
    domain: domain(`Clients' default domain. Default: ${DEFAULTS.dns.domain}.`).optional(),
    publish: z
      .enum(["auto", "manual"])
      .meta({ description: "auto: hosts publish their own SRV records; manual: only dns.records exist.", default: "auto" })
      .optional(),
    ttl: duration("nonNegative", "TTL of SRV records; 0 turns client DNS caching off.", DEFAULTS.dns.ttlMs).optional(),
    records: z
      .array(srvRecordSchema)
      .max(MAX_RECORDS, { error: tooMany(MAX_RECORDS, "records") })
      .describe("Manual SRV records.")
      .optional(),
    publishInterval: duration(
      "positive",
      "How often a running host re-registers its records (auto publish), like a KMS host's daily DNS refresh.",
      DEFAULTS.dns.publishIntervalMs,
    ).optional(),
    publishRetry: duration("positive", "Wait after a failed publish before the host tries again.", DEFAULTS.dns.publishRetryMs).optional(),
    scavengeAfter: duration(
      "nonNegative",
      "Records not refreshed for this long are scavenged (removed); 0 never scavenges. Records from dns.records are static and never scavenged.",
      0,
    ).optional(),
    tsig: tsigKeySchema.optional(),
    keyFile: z
      .string()
      .min(1, { error: "expected a path to a key file, got an empty string" })
      .describe("TSIG key file as `tsig-keygen -a hmac-sha256 NAME` writes it (path relative to the scenario file). Instead of dns.tsig.")
      .optional(),
  })
  .describe("DNS the clients discover hosts through.");

const hostSchema = z
  .strictObject({
    name: text(HOST_NAME, "a host name of letters, digits, '-' and '_' (one DNS label, e.g. kms1)", "Host name, unique in the scenario."),
    port: port("TCP port the host listens on.", DEFAULTS.host.port).optional(),
    priority: u16("SRV priority the host publishes: lower is tried first (win7 clients).", DEFAULTS.host.priority).optional(),
    weight: u16("SRV weight the host publishes, inside one priority.", DEFAULTS.host.weight).optional(),
    products: z
      .array(product)
      .describe("The host's licence pack: products it activates (others get 0xC004F042). Default: every product of the scenario.")
      .optional(),
    serviceTime: duration("nonNegative", "Mean time to serve one request.", DEFAULTS.host.serviceTimeMs, MAX_TIMER_MS).optional(),
    concurrency: number(
      { int: true, min: 1, max: MAX_HOST_CONCURRENCY },
      "Requests served at once; more wait in a queue.",
      DEFAULTS.host.concurrency,
    ).optional(),
    publishDomains: z
      .array(domain("Domain the host publishes its SRV record into."))
      .max(MAX_PUBLISH_DOMAINS, { error: tooMany(MAX_PUBLISH_DOMAINS, "publish domains per host") })
      .describe("Domains the host publishes into (like DnsDomainPublishList). Default: [dns.domain].")
      .optional(),
    publish: boolean(
      "false: this host does not publish its own SRV records (like slmgr /cdns on it); hand-made records (dns.records) may still name it. dns.publish: manual turns it off for every host.",
      true,
    ).optional(),
    activationInterval: kmsInterval("Activation retry interval the host tells clients, overriding theirs (15m to 30d). Default: the clients' own.").optional(),
    renewalInterval: kmsInterval("Renewal interval the host tells clients, overriding theirs (15m to 30d). Default: the clients' own.").optional(),
    activated: boolean("false: the host's own license is not activated (0xC004F041).", DEFAULTS.host.activated).optional(),
    kmsEnabled: boolean("false: KMS is not enabled on the machine (0xC004F039).", DEFAULTS.host.kmsEnabled).optional(),
    maxClockSkew: duration(
      "nonNegative",
      "Largest difference between a client's clock and the host's it accepts; beyond it 0xC004F06C.",
      DEFAULTS.host.maxClockSkewMs,
    ).optional(),
  })
  .describe("A simulated KMS host.");

const clientSchema = z
  .strictObject({
    name: z.string().min(1).describe("Client group name, unique in the scenario."),
    count: number({ int: true, min: 1, max: MAX_FLEET_CLIENTS }, "Number of clients in the group."),
    os: z
      .enum(["win7", "vista"])
      .meta({
        description: "Host selection profile: win7 (priority/weight, RFC 2782) or vista (uniform at random).",
        default: DEFAULTS.client.os,
      })
      .optional(),
    product: product.meta({ description: "Product the clients activate.", default: DEFAULTS.client.product }).optional(),
    domain: domain("Domain the clients look up _vlmcs._tcp.<domain> in. Default: dns.domain.").optional(),
    bootSpread: duration("nonNegative", "First activation attempts spread over this window.", DEFAULTS.client.bootSpreadMs).optional(),
    startAt: duration("nonNegative", "Simulated time the group joins the fleet.", DEFAULTS.client.startAtMs).optional(),
    clockSkew: duration("signed", "Clients' clock offset from the hosts' (may be negative, e.g. -5h).", DEFAULTS.client.clockSkewMs).optional(),
    kmsHost: z.string().min(1).describe("Pin the clients to one host, name[:port] (like slmgr /skms); no DNS discovery then.").optional(),
    hostCaching: boolean("false: discover through DNS every time (like slmgr /ckhc).", DEFAULTS.client.hostCaching).optional(),
    activationInterval: kmsInterval("Retry interval after a failed activation (15m to 30d, as slmgr /sai).", DEFAULTS.client.activationIntervalMs).optional(),
    renewalInterval: kmsInterval("Interval between renewal attempts (15m to 30d, as slmgr /sri).", DEFAULTS.client.renewalIntervalMs).optional(),
    trace: z
      .string()
      .min(1)
      .max(4096)
      .describe(
        "Boot the clients at their first requests in a trace file (client,group,firstRequestS; `kmssim import` writes one) instead of bootSpread: " +
          "a path relative to the scenario's folder, inside it. The rows with this group's name are used; count differing from them scales the trace.",
      )
      .optional(),
    traceSpeedup: number({ min: 1e-3, max: 1e6 }, "Replay the trace this many times faster (10: a day of the log in 2.4 hours).", 1).optional(),
    startLicensed: number(
      { min: 0, max: 1 },
      "Fraction of the group already licensed when it starts (1: all; `kmssim import` sets it from the log's licence states): " +
        "each was last renewed one renewal interval before its first request, by a host the SRV records give it, which remembers its CMID; " +
        "that first request is a renewal. The others start freshly installed.",
      DEFAULTS.client.startLicensed,
    ).optional(),
  })
  .describe("A group of identical simulated clients.");

const networkSchema = z
  .strictObject({
    latency: duration("nonNegative", "One-way network latency.", DEFAULTS.network.latencyMs).optional(),
    jitter: duration("nonNegative", "Random variation of the latency.", DEFAULTS.network.jitterMs).optional(),
    rpcTimeout: duration("positive", "Time a client waits for a host's answer.", DEFAULTS.network.rpcTimeoutMs, MAX_TIMER_MS).optional(),
    dnsTimeout: duration("positive", "Time a client waits for a DNS answer.", DEFAULTS.network.dnsTimeoutMs, MAX_TIMER_MS).optional(),
  })
  .describe("Network model between clients, hosts and DNS.");

const realtimeSchema = z
  .strictObject({
    clock: z
      .enum(["adaptive", "strict"])
      .meta({
        description:
          "adaptive: simulated time slows while this machine cannot keep up, so outcomes stay valid and only wall time grows; " +
          "strict: always timeScale, and the result says when the generator was saturated. --clock overrides.",
        default: DEFAULTS.realtime.clock,
      })
      .optional(),
  })
  .describe("Realtime mode: how the compressed clock behaves when the load generator falls behind.");

const HOST_ACTIONS = ["crash", "hang", "slow", "recover", "decommission"] as const;

const hostEventSchema = z
  .strictObject({
    at: duration("nonNegative", "Simulated time of the event."),
    host: z.string().min(1).describe("Name of the host the event happens to."),
    action: z.enum(HOST_ACTIONS).describe("crash | hang | slow | recover | decommission."),
    serviceTime: duration("positive", "For slow: service time while slow. Default: 10 × the host's serviceTime.", undefined, MAX_TIMER_MS).optional(),
  })
  .describe("A fault or change on a host.");

const dnsEventSchema = z
  .strictObject({
    at: duration("nonNegative", "Simulated time of the event."),
    dns: z.enum(["down", "up"]).describe("down: DNS stops answering; up: it answers again."),
  })
  .describe("DNS going down or coming back.");

const recordEventSchema = z
  .strictObject({
    at: duration("nonNegative", "Simulated time of the event."),
    action: z.enum(["delete-record"]).describe("delete-record: an administrator deletes the SRV record (hand-made or published by a host)."),
    record: z
      .strictObject({
        name: domain("Owner name of the SRV record. Default: _vlmcs._tcp.<dns.domain>.").optional(),
        target: domain("Target of the record to delete (a host name, or a name in any zone of the run)."),
      })
      .describe("The SRV record to delete, by owner and target."),
  })
  .describe(
    "A record deleted by hand, as when a KMS host is removed: clients no longer find it from then on (once their cached answer expires). A host that still publishes registers it again at its next refresh.",
  );

export { THRESHOLD_OPS } from "../core/vocabulary.js";

/** A number, or for a metric in ms (`…latencyMs.p99`, `…Ms…`) a duration with its unit (50ms, 2s). */
const thresholdValue = (op: string) =>
  z
    .union([z.number(), z.string()], { error: (issue) => `expected a number (or a duration like 50ms for a metric in ms), got ${show(issue.input)}` })
    .describe(`Passes when the metric is ${op} this value. For a metric in ms a duration with its unit is allowed: 50ms, 2s.`)
    .optional();

const thresholdSchema = z
  .strictObject({
    metric: z.string().min(1).describe("Metric path in the result, e.g. rpc.activation.latencyMs.p99."),
    lt: thresholdValue("<"),
    lte: thresholdValue("≤"),
    gt: thresholdValue(">"),
    gte: thresholdValue("≥"),
    eq: thresholdValue("="),
  })
  .meta({
    description: "A pass/fail check on the result; give exactly one of lt, lte, gt, gte, eq.",
    // metric plus exactly one operator: lets editors flag `{metric, lt, gt}` too.
    minProperties: 2,
    maxProperties: 2,
  });

export const scenarioFileSchema = z
  .strictObject({
    name: z.string().min(1).describe("Scenario name. Default: the file name without extension.").optional(),
    seed: number(
      { int: true, min: 0, max: Number.MAX_SAFE_INTEGER, expected: "a non-negative integer ≤ 2^53-1" },
      "Seed every random choice derives from.",
      DEFAULTS.seed,
    ).optional(),
    mode: z
      .enum(["virtual", "realtime"])
      .meta({ description: "virtual (discrete-event) or realtime (real sockets); --mode overrides.", default: DEFAULTS.mode })
      .optional(),
    duration: duration("positive", "Simulated time the run covers.", DEFAULTS.durationMs).optional(),
    timeScale: number({ above: 0 }, "Realtime only: simulated seconds per wall-clock second.", DEFAULTS.timeScale).optional(),
    sampleInterval: duration("positive", "Spacing of timeline samples. Default: duration / 100, rounded to whole minutes, at least 1s.").optional(),
    products: z
      .array(productSchema)
      .max(MAX_PRODUCTS, { error: tooMany(MAX_PRODUCTS, "products") })
      .describe(`Products: settings of the built-in ones (${PRODUCTS.join(", ")}) and products the scenario adds.`)
      .optional(),
    dns: dnsSchema.optional(),
    hosts: z
      .array(hostSchema)
      .min(1, { error: "needs at least one host" })
      .max(MAX_HOSTS, {
        error: (issue) =>
          `allows at most ${MAX_HOSTS} hosts (the engine tracks hosts in a 32-bit mask), got ${Array.isArray(issue.input) ? issue.input.length : "more"}`,
      })
      .describe(`KMS hosts (1 to ${MAX_HOSTS}).`),
    clients: z
      .array(clientSchema)
      .min(1, { error: "needs at least one client group" })
      .max(MAX_CLIENT_GROUPS, { error: tooMany(MAX_CLIENT_GROUPS, "client groups") })
      .describe("Client groups."),
    network: networkSchema.optional(),
    realtime: realtimeSchema.optional(),
    events: z
      .array(z.union([hostEventSchema, dnsEventSchema, recordEventSchema]))
      .max(MAX_EVENTS, { error: tooMany(MAX_EVENTS, "events") })
      .describe("Faults and changes at simulated times.")
      .optional(),
    thresholds: z.array(thresholdSchema).describe("Checks on the result; any failure gives exit code 1.").optional(),
  })
  .meta({
    title: "kmssim scenario",
    description: "A fleet activation scenario for kmssim (see design.md, 'Scenario file (YAML)').",
  });

export type ScenarioFile = z.output<typeof scenarioFileSchema>;

/** JSON Schema (draft 2020-12) of the scenario file, for editors. */
export function scenarioJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(scenarioFileSchema, {
    io: "input",
    override: ({ zodSchema, jsonSchema }) => {
      const info = durationKinds.get(zodSchema);
      if (info === undefined) return;
      const { description } = jsonSchema;
      for (const key of Object.keys(jsonSchema)) delete (jsonSchema as Record<string, unknown>)[key];
      const asText = { type: "string" as const, pattern: durationPattern(info.kind === "signed", info.kind !== "positive") };
      // A plain 0 is the one number a duration key accepts.
      Object.assign(jsonSchema, info.kind === "positive" ? asText : { anyOf: [asText, { const: 0 }] });
      if (description !== undefined) jsonSchema.description = description;
      if (info.defaultMs !== undefined) jsonSchema.default = formatDuration(info.defaultMs);
    },
  }) as Record<string, unknown>;
}
