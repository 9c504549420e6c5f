// `kmssim merge <shard.json>... --out <result.json>`: the shards of one run added up into
// that run's result, thresholds evaluated on the whole. Exit 0 the thresholds pass, 1 one
// failed (or a shard was interrupted or incomplete), 2 a bad or missing shard file.

import { readFailureReason } from "../../output/read-failure.js";
import { READ_LIMITS, readUserFile } from "../../output/read-user-file.js";
import { loadResultFile } from "../../compare/load-result.js";
import { mergeShardResults } from "../../merge/merge-results.js";
import { parseHostReport, type HostReportInput } from "../../merge/host-reports.js";
import type { ShardInput } from "../../merge/check-shards.js";
import { renderSummary } from "../../output/summary.js";
import { renderHtmlReport } from "../../report/index.js";
import { EXIT, KmssimError } from "../../core/kmssim-error.js";
import { checkWritable, writeFileAtomic } from "../write-file-atomic.js";
import { summaryStream } from "../output-target.js";

export interface MergeCommandOptions {
  shards: readonly string[];
  out?: string;
  html?: string;
  /** Scenario YAML shown in the HTML report. */
  scenario?: string;
  /** Host reports (`kmssim host --out`) for --external-hosts shards. */
  hosts?: readonly string[];
  quiet?: boolean;
}

export async function mergeCommand(options: MergeCommandOptions): Promise<number> {
  if (options.shards.length === 0) throw new KmssimError("merge needs the shard results, e.g. `kmssim merge shard*.json --out all.json`", "KMSSIM_USAGE");
  if (options.out !== undefined) await checkWritable(options.out);
  if (options.html !== undefined) await checkWritable(options.html);
  const summaryOut = summaryStream({ "--out": options.out, "--html": options.html });
  const inputs: ShardInput[] = [];
  for (const file of options.shards) inputs.push({ file, result: await loadResultFile(file) });
  const reports: HostReportInput[] = [];
  for (const file of options.hosts ?? []) {
    const text = await readUserFile(file, READ_LIMITS.result).catch((err: unknown) => {
      throw new KmssimError(`cannot read '${file}': ${readFailureReason(err)}`, "KMSSIM_BAD_HOST_REPORT");
    });
    reports.push({ file, report: parseHostReport(text, file) });
  }
  const result = mergeShardResults(inputs, reports);
  if (options.quiet !== true) summaryOut.write(`${renderSummary(result, { color: summaryOut.isTTY === true })}\n`);
  if (options.out !== undefined) await writeFileAtomic(options.out, `${JSON.stringify(result, null, 2)}\n`);
  if (options.html !== undefined) {
    const scenarioText = options.scenario === undefined ? undefined : await readUserFile(options.scenario, READ_LIMITS.scenario).catch(() => undefined);
    await writeFileAtomic(options.html, renderHtmlReport(result, { scenarioText }));
  }
  if (result.pass) return EXIT.pass;
  const why = result.interrupted === true ? "a shard was interrupted" : result.incomplete !== undefined ? "a shard is incomplete" : "thresholds failed";
  process.stderr.write(`kmssim merge: ${why} on the merged result of ${inputs.length} shards\n`);
  return EXIT.thresholdFailed;
}
