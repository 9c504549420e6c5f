// `kmssim merge <shard.json>... --out <result.json>`: the shards of one run added up into
// that run's result, thresholds evaluated on the whole. Exit 0 the thresholds pass, 1 one
// failed (or a shard was interrupted or incomplete), 2 a bad or missing shard file.

import { readFailureReason } from "../../files/read-failure.js";
import { READ_LIMITS, readUserFile } from "../../files/read-user-file.js";
import { readResultFile } from "../../results/result-file.js";
import { mergeShardResults } from "../../merge/merge-results.js";
import { parseHostReport, type HostReportInput } from "../../merge/host-reports.js";
import type { ShardInput } from "../../merge/check-shards.js";
import { renderSummary } from "../../report/text/summary.js";
import { terminalColumns, wantsColor } from "../../report/text/terminal.js";
import { EXIT, KmssimError } from "../../core/kmssim-error.js";
import { checkWritable } from "../write-file-atomic.js";
import { resultOutputs, throwIfAnyFailed, writeOutputs } from "../write-outputs.js";
import { summaryStream } from "../output-target.js";
import { defineCommand } from "../command-module.js";

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

export const mergeCli = defineCommand({
  command: "merge <shards..>",
  describe:
    "Add up the results of the shards of one run (`run --shard i/N --out`) into that run's result: counters summed, histograms merged, shares, spread and thresholds recomputed",
  missingPositional: "merge needs the shard results, e.g. `kmssim merge shard-*.json --out all.json`",
  builder: (y) =>
    y
      .positional("shards", { type: "string", array: true, demandOption: true, describe: "Result JSON of every shard, 1/N to N/N, in any order" })
      .option("out", { type: "string", describe: "Write the merged result JSON here (atomically)" })
      .option("html", { type: "string", describe: "Also write the HTML report of the merged result" })
      .option("scenario", { type: "string", describe: "Scenario YAML the shards ran, shown in the HTML report" })
      .option("hosts", {
        type: "string",
        array: true,
        describe: "--external-hosts shards: the hosts' own counts (`kmssim host --out`), one file per host process; they replace what the fleet could not see",
      })
      .option("quiet", { type: "boolean", default: false, describe: "Do not print the summary" })
      .example("$0 merge shard-*.json --out all.json", "Join the shards of one run")
      .epilogue(
        "Every shard of the run must be given once: shards of different runs (scenario, seed, mode or fleet size differ) or a missing shard are refused. " +
          "A merge of virtual shards equals the single run's counters and histograms exactly. " +
          "Exit 0 the merged run passes its thresholds, 1 it fails them (or a shard was interrupted or incomplete), 2 a bad or missing file.",
      ),
  run: (args) => mergeCommand({ shards: args.shards ?? [], out: args.out, html: args.html, scenario: args.scenario, hosts: args.hosts, quiet: args.quiet }),
});

export async function mergeCommand(options: MergeCommandOptions): Promise<number> {
  if (options.shards.length === 0) throw new KmssimError("merge needs the shard results, e.g. `kmssim merge shard*.json --out all.json`", "KMSSIM_USAGE");
  if (options.out !== undefined) await checkWritable(options.out);
  if (options.html !== undefined) await checkWritable(options.html);
  const summaryOut = summaryStream({ "--out": options.out, "--html": options.html });
  const inputs: ShardInput[] = [];
  for (const file of options.shards) inputs.push({ file, result: await readResultFile(file) });
  const reports: HostReportInput[] = [];
  for (const file of options.hosts ?? []) {
    const text = await readUserFile(file, READ_LIMITS.result).catch((err: unknown) => {
      throw new KmssimError(`cannot read '${file}': ${readFailureReason(err)}`, "KMSSIM_BAD_HOST_REPORT");
    });
    reports.push({ file, report: parseHostReport(text, file) });
  }
  const result = mergeShardResults(inputs, reports);
  const summaryFor = (stream: NodeJS.WriteStream): string => renderSummary(result, { color: wantsColor(stream), width: terminalColumns(stream) });
  if (options.quiet !== true) summaryOut.write(`${summaryFor(summaryOut)}\n`);
  const outputs = await writeOutputs(resultOutputs(result, { out: options.out, html: options.html, scenario: options.scenario }));
  throwIfAnyFailed(outputs, { shown: options.quiet !== true, render: () => summaryFor(process.stderr) });
  if (result.pass) return EXIT.pass;
  const why = result.interrupted === true ? "a shard was interrupted" : result.incomplete !== undefined ? "a shard is incomplete" : "thresholds failed";
  process.stderr.write(`kmssim merge: ${why} on the merged result of ${inputs.length} shards\n`);
  return EXIT.thresholdFailed;
}
