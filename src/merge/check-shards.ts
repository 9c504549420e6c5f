// Before adding shard results up: each is a shard result, all are parts of the same run
// (scenario, seed, mode, fleet size: one run digest), and together they are that run
// whole, every shard once. Otherwise the sums would be numbers of no run at all.

import { formatShard } from "../core/shard/shard.js";
import type { Result, ShardMeta } from "../results/result.js";
import { resultProblem } from "../results/result-file.js";
import { MergeError } from "./merge-error.js";
import { timelineOrderProblem } from "./timeline-order.js";
import { shardBooksProblem } from "./shard-books.js";

export interface ShardInput {
  /** The file it came from, for messages. */
  file: string;
  result: Result;
}

/** The shards in shard order; throws MergeError on the first reason they do not add up. */
export function checkShards(inputs: readonly ShardInput[]): ShardInput[] {
  if (inputs.length === 0) throw new MergeError("no shard results given: name the files `kmssim run --shard i/N --out` wrote", "KMSSIM_USAGE");
  for (const { file, result } of inputs) {
    const problem = shardMetaProblem(result.shard);
    if (problem !== null) throw new MergeError(`'${file}' ${problem}`, "KMSSIM_NOT_A_SHARD");
    // The CLI's reader checked the schema already; results handed in directly are checked here.
    const shape = resultProblem(result) ?? timelineOrderProblem(result);
    if (shape !== null)
      throw new MergeError(
        `'${file}' is not a complete shard result (${shape}): merge the files \`kmssim run --shard i/N --out\` wrote`,
        "KMSSIM_BROKEN_SHARD",
      );
    const books = shardBooksProblem(result);
    if (books !== null)
      throw new MergeError(
        `'${file}' does not add up (${books}): it was changed or cut after kmssim wrote it; merge the files \`kmssim run --shard i/N --out\` wrote`,
        "KMSSIM_BROKEN_SHARD",
      );
  }
  const first = inputs[0];
  const firstShard = first.result.shard!;
  for (const input of inputs.slice(1)) {
    const shard = input.result.shard!;
    const differs =
      shard.runDigest !== firstShard.runDigest
        ? whatDiffers(first.result, input.result)
        : shard.count !== firstShard.count
          ? `it is a shard of ${shard.count}, '${first.file}' one of ${firstShard.count}`
          : null;
    if (differs !== null) {
      throw new MergeError(
        `'${input.file}' and '${first.file}' are shards of different runs (${differs}); merge only the shards of one \`kmssim run --shard i/N\` set`,
        "KMSSIM_DIFFERENT_RUNS",
      );
    }
  }
  const times = sampleTimesProblem(inputs);
  if (times !== null) throw new MergeError(times, "KMSSIM_BROKEN_SHARD");
  const byIndex = new Map<number, ShardInput>();
  for (const input of inputs) {
    const index = input.result.shard!.index;
    const seen = byIndex.get(index);
    if (seen !== undefined) {
      throw new MergeError(`shard ${formatShard(input.result.shard!)} is given twice: '${seen.file}' and '${input.file}'`, "KMSSIM_DUPLICATE_SHARD");
    }
    byIndex.set(index, input);
  }
  const missing: string[] = [];
  for (let index = 1; index <= firstShard.count; index++) if (!byIndex.has(index)) missing.push(formatShard({ index, count: firstShard.count }));
  if (missing.length > 0) {
    const listed = missing.length > 10 ? `${missing.slice(0, 10).join(", ")} and ${missing.length - 10} more` : missing.join(", ");
    throw new MergeError(
      `the run has ${firstShard.count} shards but ${missing.length} ${missing.length === 1 ? "is" : "are"} missing: ${listed}. ` +
        "A merge adds up the whole fleet: run the missing shards (same scenario, seed and flags) and merge them all",
      "KMSSIM_MISSING_SHARD",
    );
  }
  return [...byIndex.keys()].sort((a, b) => a - b).map((index) => byIndex.get(index)!);
}

function shardMetaProblem(shard: ShardMeta | undefined): string | null {
  if (shard === undefined || shard === null) return 'is not a shard result (no "shard" field): write shards with `kmssim run --shard i/N --out`';
  const whole = (v: unknown): boolean => typeof v === "number" && Number.isSafeInteger(v);
  if (!whole(shard.count) || shard.count < 1 || !whole(shard.index) || shard.index < 1 || shard.index > shard.count) {
    return `has a broken "shard" field (index ${String(shard.index)} of ${String(shard.count)})`;
  }
  if (!whole(shard.fleetClients) || typeof shard.runDigest !== "string") return 'has a broken "shard" field (fleetClients or runDigest)';
  if (!Array.isArray(shard.thresholds)) return 'has a broken "shard" field (no thresholds list)';
  return null;
}

/** The first visible difference between two runs with different digests. */
function whatDiffers(a: Result, b: Result): string {
  if (a.scenario !== b.scenario) return `scenario '${b.scenario}' vs '${a.scenario}'`;
  if (a.seed !== b.seed) return `seed ${b.seed} vs ${a.seed}`;
  if (a.mode !== b.mode) return `mode ${b.mode} vs ${a.mode}`;
  if (a.shard!.fleetClients !== b.shard!.fleetClients) return `${b.shard!.fleetClients} clients vs ${a.shard!.fleetClients}`;
  return "the scenario files differ";
}

/**
 * Virtual shards of one run simulate the same fleet in the same virtual time: run to the
 * end, they sample at the very same instants. (Realtime shards may end apart; merge-timeline
 * lines those up.)
 */
function sampleTimesProblem(inputs: readonly ShardInput[]): string | null {
  const whole = inputs.filter(({ result }) => result.mode === "virtual" && result.interrupted !== true && result.incomplete === undefined);
  const reference = whole[0];
  if (reference === undefined) return null;
  const times = reference.result.timeline;
  for (const { file, result } of whole.slice(1)) {
    const other = result.timeline;
    const k = other.length !== times.length ? Math.min(other.length, times.length) : other.findIndex((s, i) => s.t !== times[i].t);
    if (k < 0) continue;
    const what =
      other.length !== times.length
        ? `${other.length} timeline samples, '${reference.file}' has ${times.length}`
        : `timeline[${k}].t is ${other[k].t}, in '${reference.file}' ${times[k].t}`;
    return `'${file}': ${what}; virtual shards of one run sample at the same times, so one of them was cut or changed`;
  }
  return null;
}
