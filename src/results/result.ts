// The result JSON's TypeScript types, derived from its one definition (result-schema.ts).
// design.md, "Result JSON": a public contract. Extend, never rename.

import type { z } from "zod";
import type { HostCounters } from "../core/host/host-logic.js";
import type { SpreadResult as CoreSpreadResult, ThresholdResult as CoreThresholdResult } from "../core/vocabulary.js";
import type { groupResultSchema, hostDlvSchema, hostResultSchema, resultSchema, rpcKindResultSchema } from "./result-schema.js";

export { RESULT_SCHEMA } from "./result-schema.js";

export type Result = z.output<typeof resultSchema>;
export type LatencySummaryMs = Result["rpc"]["activation"]["latencyMs"];
export type RpcKindResult = z.output<typeof rpcKindResultSchema>;
export type DnsResult = Result["dns"];
export type HostResult = z.output<typeof hostResultSchema>;
export type GroupResult = z.output<typeof groupResultSchema>;
/** Request counters like `slmgr /dlv` shows on a KMS host (the core's own shape). */
export type HostDlvCounters = z.output<typeof hostDlvSchema>;
export type SpreadResult = Result["spread"];
export type TimelineSample = Result["timeline"][number];
/** Realtime only: how the load generator itself did. */
export type GeneratorResult = NonNullable<Result["generator"]>;
/** Which part of a sharded run a result is (`run --shard i/N`); `kmssim merge` joins the parts. */
export type ShardMeta = NonNullable<Result["shard"]>;
/** A threshold's definition as the result carries it. */
export type ThresholdSpecResult = ShardMeta["thresholds"][number];
export type ThresholdResult = Result["thresholds"][number];
export type FleetEventRecord = Result["events"][number];
export type ClientsResult = Result["clients"];

// The schema spells out the core's dlv counters: both must name the same keys.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const dlvMatchesCore: Same<HostDlvCounters, HostCounters> = true;
void dlvMatchesCore;
// ...and the core's words for a judged threshold (what it writes fits the result; the
// result reads any operator a newer kmssim may add) and for the spread.
const thresholdFitsResult: [CoreThresholdResult] extends [ThresholdResult] ? true : false = true;
const spreadMatchesCore: Same<SpreadResult, CoreSpreadResult> = true;
void thresholdFitsResult;
void spreadMatchesCore;
