// Command-line entry: parses flags with yargs and maps every outcome to an exit code
// (design.md: 0 pass, 1 threshold failed, 2 bad input, 3 run failed, 130 interrupted).

import yargs from "yargs";
import { withEnvFlags } from "./env-flags.js";
import { didYouMean } from "../core/did-you-mean.js";
import { EXIT, KmssimError } from "../core/kmssim-error.js";
import { injectedFault } from "../self-test/fault-sites.js";
import { SCENARIO_REQUIRED, type KmssimCommand } from "./command-module.js";
import { compareCli } from "./commands/compare.js";
import { discoverCli } from "./commands/discover.js";
import { dnsCli } from "./commands/dns.js";
import { explainCli } from "./commands/explain.js";
import { hostCli } from "./commands/host.js";
import { mergeCli } from "./commands/merge.js";
import { planCli } from "./commands/plan.js";
import { reportCli } from "./commands/report.js";
import { runCli } from "./commands/run.js";
import { schemaCli } from "./commands/schema.js";
import { validateCli } from "./commands/validate.js";
import { importCli } from "./commands/import.js";

const EPILOGUE = `Exit codes: 0 all thresholds pass, 1 a threshold failed, 2 bad input (scenario, flags, files),
3 the run itself failed, 130 interrupted (partial result still written).

kmssim speaks its own documented protocol; it never talks to a real KMS host.`;

/** Every command, in the order `kmssim --help` lists them. */
const COMMANDS: readonly KmssimCommand[] = [
  runCli,
  mergeCli,
  validateCli,
  explainCli,
  schemaCli,
  dnsCli,
  hostCli,
  discoverCli,
  compareCli,
  planCli,
  reportCli,
  importCli,
];
const NAMES = COMMANDS.map((c) => c.name);

/** Flags that name an output file, where `-` means stdout. */
const OUTPUT_FLAGS = new Set(["--out", "--html", "--timeline-csv"]);

/** `--out -` as `--out=-`: yargs takes a lone `-` after a flag for a positional, not the flag's value. */
export function stdoutDashes(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let k = 0; k < argv.length; k++) {
    if (argv[k] === "--") return [...out, ...argv.slice(k)];
    if (OUTPUT_FLAGS.has(argv[k]) && argv[k + 1] === "-") {
      out.push(`${argv[k]}=-`);
      k++;
    } else out.push(argv[k]);
  }
  return out;
}

export async function main(argv: readonly string[]): Promise<number> {
  const first = argv[0];
  if (first !== undefined && !first.startsWith("-") && !NAMES.includes(first)) {
    process.stderr.write(`kmssim: unknown command '${first}'${didYouMean(first, NAMES)}. Commands: ${NAMES.join(", ")}.\nRun \`kmssim --help\` for usage.\n`);
    return EXIT.badInput;
  }
  let fromEnv: string[];
  try {
    fromEnv = first === "run" ? withEnvFlags(argv, process.env) : [...argv];
  } catch (err) {
    if (!(err instanceof KmssimError)) throw err;
    process.stderr.write(`kmssim: ${err.message}\n`);
    return err.exitCode;
  }
  let exitCode: number = EXIT.pass;
  const setExit = (code: number): void => {
    exitCode = code;
  };
  const parser = COMMANDS.reduce(
    (y, command) => command.register(y, setExit),
    yargs(stdoutDashes(fromEnv))
      .scriptName("kmssim")
      .usage(
        "$0 <command> [options]\n\nSimulate and load-test KMS-style volume activation fleets: DNS SRV discovery, host selection, activation, renewal, failover.",
      ),
  )
    .demandCommand(1, "Name a command, e.g. `kmssim run scenarios/multi-host.yaml`.")
    .strict()
    .epilogue(EPILOGUE)
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((message, error) => {
      if (error) throw error;
      if (/Not enough non-option arguments/.test(message)) {
        throw new KmssimError(COMMANDS.find((c) => c.name === first)?.missingPositional ?? SCENARIO_REQUIRED, "KMSSIM_USAGE");
      }
      throw new KmssimError(message, "KMSSIM_USAGE");
    });

  try {
    // A self-test names its fault site before anything runs; a misspelt one is refused here.
    injectedFault();
    await parser.parseAsync();
  } catch (err) {
    if (err instanceof KmssimError) {
      process.stderr.write(`kmssim: ${err.message}\n`);
      if (err.code === "KMSSIM_USAGE") process.stderr.write("Run `kmssim --help` for usage.\n");
      return err.exitCode;
    }
    process.stderr.write(`kmssim: the run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT.runFailed;
  }
  return exitCode;
}
