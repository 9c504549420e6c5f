// The fields of a shard result that `kmssim merge` adds up, checked before it does: the
// result file loader checks only what `compare` reads, and a hand-edited or truncated
// shard (a host without `dlv`, no `timeline`, a count written as a string) must be a
// plain sentence naming the file (exit 2), never a stack trace or a NaN in the sum.

import { HOST_COUNTER_KEYS } from "../core/host/host-logic.js";

const isNumber = (v: unknown): boolean => typeof v === "number" && Number.isFinite(v);
/** What is added up as a count must be one: a negative or fractional count is no count of anything. */
const isCount = (v: unknown): boolean => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
/** Unrounded expected requests: fractional, never negative. */
const isAmount = (v: unknown): boolean => isNumber(v) && (v as number) >= 0;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const CLIENT_COUNTS = ["total", "activated", "notActivated", "licensed", "unlicensed", "initialGrace", "outOfToleranceGrace", "inFlightAtEnd"];
const HOST_COUNTS = ["requests", "activations", "renewals", "refused", "unanswered", "lost", "late"];

/** The value, short: a number as it is, anything else by its type (file content is never echoed). */
const shown = (v: unknown): string => (typeof v === "number" ? String(v) : v === null ? "null" : Array.isArray(v) ? "a list" : `a ${typeof v}`);

const EXPECT = {
  count: { test: isCount, words: "a whole number ≥ 0" },
  amount: { test: isAmount, words: "a number ≥ 0" },
  number: { test: isNumber, words: "a number" },
} as const;
type Kind = keyof typeof EXPECT;

/** `path.key: should be …, got …` for the first value of a map (errors, counts by product or host) that is not of `kind`; null when all are. */
function mapProblem(value: unknown, path: string, kind: Kind, what: string): string | null {
  if (!isRecord(value)) return `${path}: should be an object of ${what}`;
  const bad = Object.entries(value).find(([, v]) => !EXPECT[kind].test(v));
  return bad === undefined ? null : `${path}.${bad[0]}: should be ${EXPECT[kind].words}, got ${shown(bad[1])}`;
}

/** The first problem with the fields a merge reads, as `path: problem`; null when there is none. */
export function shardShapeProblem(result: unknown): string | null {
  if (!isRecord(result)) return "the result is not an object";
  const numbers: NumbersCheck = (value, path, fields, kind = "count") => {
    if (!isRecord(value)) return `${path}: missing or not an object`;
    const bad = fields.find((f) => !EXPECT[kind].test(value[f]));
    return bad === undefined ? null : `${path}.${bad}: should be ${EXPECT[kind].words}, got ${shown(value[bad])}`;
  };
  const rpc = (kind: string): string | null =>
    numbers((result.rpc as Record<string, unknown>)[kind], `rpc.${kind}`, ["sent", "ok", "failed"]) ??
    mapProblem(((result.rpc as Record<string, unknown>)[kind] as Record<string, unknown>).errors, `rpc.${kind}.errors`, "count", "counts by error code");
  const checks: (() => string | null)[] = [
    () => numbers(result, "result", ["simulatedSeconds", "wallSeconds"], "amount"),
    () => numbers(result, "result", ["failovers", "rediscoveries"]),
    () => numbers(result.clients, "clients", CLIENT_COUNTS),
    () => mapProblem((result.clients as Record<string, unknown>).errors, "clients.errors", "count", "counts by error code"),
    () => numbers(result.rpc, "rpc", []) ?? rpc("activation") ?? rpc("renewal"),
    () => numbers(result.dns, "dns", ["queries", "failed"]),
    () => (Array.isArray(result.events) ? null : "events: should be a list"),
    () => (result.incomplete === undefined ? null : isRecord(result.incomplete) && typeof result.incomplete.reason === "string" ? numbers(result.incomplete, "incomplete", ["clientsUnreported"]) : "incomplete: should be an object with reason and clientsUnreported"),
    () => thresholdsProblem(result.shard),
    () => hostsProblem(result.hosts, numbers),
    () => timelineProblem(result.timeline, numbers),
  ];
  for (const check of checks) {
    const problem = check();
    if (problem !== null) return problem;
  }
  return null;
}

function thresholdsProblem(shard: unknown): string | null {
  if (!isRecord(shard) || !Array.isArray(shard.thresholds)) return null; // checked with the rest of the shard meta
  const k = shard.thresholds.findIndex((t) => !isRecord(t) || typeof t.metric !== "string" || typeof t.op !== "string" || !isNumber(t.value));
  return k < 0 ? null : `shard.thresholds[${k}]: should be { metric, op, value }`;
}

type NumbersCheck = (value: unknown, path: string, fields: readonly string[], kind?: Kind) => string | null;

function hostsProblem(hosts: unknown, numbers: NumbersCheck): string | null {
  if (!Array.isArray(hosts)) return "hosts: should be a list";
  for (const [k, host] of hosts.entries()) {
    const path = `hosts[${k}]`;
    if (!isRecord(host) || typeof host.name !== "string") return `${path}.name: should be a string`;
    const problem =
      numbers(host, path, HOST_COUNTS) ??
      numbers(host, path, ["expectedRequests"], "amount") ??
      numbers(host.dlv, `${path}.dlv`, HOST_COUNTER_KEYS) ??
      (typeof host.state === "string" ? null : `${path}.state: should be a string`) ??
      mapProblem(host.count, `${path}.count`, "count", "counts by product") ??
      (Array.isArray(host.lowCount) && host.lowCount.every((p) => typeof p === "string") ? null : `${path}.lowCount: should be a list of products`) ??
      numbers(host, path, ["clientAnswered", "clientTimedOut"].filter((f) => host[f] !== undefined));
    if (problem !== null) return problem;
  }
  return null;
}

function timelineProblem(timeline: unknown, numbers: NumbersCheck): string | null {
  if (!Array.isArray(timeline)) return "timeline: should be a list";
  let lastT = -Infinity;
  for (const [k, sample] of timeline.entries()) {
    const path = `timeline[${k}]`;
    const problem =
      numbers(sample, path, ["t"], "amount") ??
      numbers(sample, path, ["activated", "licensed"]) ??
      mapProblem((sample as Record<string, unknown>).hostRequests, `${path}.hostRequests`, "count", "counts by host") ??
      ((sample as Record<string, unknown>).hostExpected === undefined ? null : mapProblem((sample as Record<string, unknown>).hostExpected, `${path}.hostExpected`, "amount", "amounts by host"));
    if (problem !== null) return problem;
    // Samples are matched by time, walking each shard's timeline forward.
    const t = (sample as Record<string, number>).t;
    if (t < lastT) return `${path}.t: samples should be in time order (${t} after ${lastT})`;
    lastT = t;
  }
  return null;
}
