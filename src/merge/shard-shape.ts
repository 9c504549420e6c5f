// The fields of a shard result that `kmssim merge` adds up, checked before it does: the
// result file loader checks only what `compare` reads, and a hand-edited or truncated
// shard (a host without `dlv`, no `timeline`, a count written as a string) must be a
// plain sentence naming the file (exit 2), never a stack trace or a NaN in the sum.

import { HOST_COUNTER_KEYS } from "../core/host/host-logic.js";

const isNumber = (v: unknown): boolean => typeof v === "number" && Number.isFinite(v);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isCounts = (v: unknown): boolean => isRecord(v) && Object.values(v).every(isNumber);

const CLIENT_NUMBERS = ["total", "activated", "notActivated", "licensed", "unlicensed", "initialGrace", "outOfToleranceGrace", "inFlightAtEnd"];
const HOST_NUMBERS = ["requests", "activations", "renewals", "refused", "unanswered", "lost", "late", "expectedRequests"];

/** The first problem with the fields a merge reads, as `path: problem`; null when there is none. */
export function shardShapeProblem(result: unknown): string | null {
  if (!isRecord(result)) return "the result is not an object";
  const numbers = (value: unknown, path: string, fields: readonly string[]): string | null => {
    if (!isRecord(value)) return `${path}: missing or not an object`;
    const bad = fields.find((f) => !isNumber(value[f]));
    return bad === undefined ? null : `${path}.${bad}: should be a number`;
  };
  const checks: (() => string | null)[] = [
    () => numbers(result, "result", ["simulatedSeconds", "wallSeconds"]),
    () => numbers(result.clients, "clients", CLIENT_NUMBERS),
    () => (isCounts((result.clients as Record<string, unknown>).errors) ? null : "clients.errors: should be an object of counts"),
    () => numbers(result.rpc, "rpc", []) ?? numbers((result.rpc as Record<string, unknown>).activation, "rpc.activation", ["sent", "ok", "failed"]),
    () => numbers((result.rpc as Record<string, unknown>).renewal, "rpc.renewal", ["sent", "ok", "failed"]),
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

type NumbersCheck = (value: unknown, path: string, fields: readonly string[]) => string | null;

function hostsProblem(hosts: unknown, numbers: NumbersCheck): string | null {
  if (!Array.isArray(hosts)) return "hosts: should be a list";
  for (const [k, host] of hosts.entries()) {
    const path = `hosts[${k}]`;
    if (!isRecord(host) || typeof host.name !== "string") return `${path}.name: should be a string`;
    const problem =
      numbers(host, path, HOST_NUMBERS) ??
      numbers(host.dlv, `${path}.dlv`, HOST_COUNTER_KEYS) ??
      (typeof host.state === "string" ? null : `${path}.state: should be a string`) ??
      (isCounts(host.count) ? null : `${path}.count: should be an object of counts by product`) ??
      (Array.isArray(host.lowCount) && host.lowCount.every((p) => typeof p === "string") ? null : `${path}.lowCount: should be a list of products`) ??
      (["clientAnswered", "clientTimedOut"].find((f) => host[f] !== undefined && !isNumber(host[f])) ?? null);
    if (problem !== null) return problem.startsWith(path) ? problem : `${path}.${problem}: should be a number`;
  }
  return null;
}

function timelineProblem(timeline: unknown, numbers: NumbersCheck): string | null {
  if (!Array.isArray(timeline)) return "timeline: should be a list";
  let lastT = -Infinity;
  for (const [k, sample] of timeline.entries()) {
    const path = `timeline[${k}]`;
    const problem =
      numbers(sample, path, ["t", "activated", "licensed"]) ??
      (isCounts((sample as Record<string, unknown>).hostRequests) ? null : `${path}.hostRequests: should be an object of counts by host`) ??
      ((sample as Record<string, unknown>).hostExpected === undefined || isCounts((sample as Record<string, unknown>).hostExpected) ? null : `${path}.hostExpected: should be an object of counts by host`);
    if (problem !== null) return problem;
    // Samples are matched by time, walking each shard's timeline forward.
    const t = (sample as Record<string, number>).t;
    if (t < lastT) return `${path}.t: samples should be in time order (${t} after ${lastT})`;
    lastT = t;
  }
  return null;
}
