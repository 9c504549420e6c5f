// `kmssim validate <scenario>`: the checks `run` makes before it starts (one function,
// checkRunInput, with the same flags), plus the TSIG key file a realtime run would read.

import { KeyFileError } from "../../dns/tsig-key-file.js";
import { keyForRun } from "../../dns/run-key.js";
import { estimateMemory, formatWallTime, realtimeWallMs } from "../../fleet-plan/run-limits.js";
import { formatBytes } from "../../format/format-number.js";
import { checkRunInput } from "../run-input.js";
import { defineCommand, SCENARIO_REQUIRED } from "../command-module.js";
import { RUN_FLAGS, runOptionsFrom, type RunFlagName, type RunOptions } from "../run-flags.js";
import { EXIT, KmssimError } from "../../core/kmssim-error.js";

/** The run flags validate takes, each checked as `run` would check it. */
const CHECKED_RUN_FLAGS = {
  mode: "Check as `run --mode` would",
  seed: "Check as `run --seed` would",
  clients: "Check as `run --clients` would (does the fleet fit this machine?)",
  workers: "Check as `run --workers` would",
  shard: "Check as `run --shard i/N` would",
  check: "Check as `run --check` would",
  "allow-long-run": "Check as `run --allow-long-run` would",
} as const satisfies Partial<Record<RunFlagName, string>>;

export const validateCli = defineCommand({
  command: "validate <scenario>",
  describe:
    "Check a scenario file and report every problem with line:column; with run's flags, everything `run` would check before starting (memory, wall time)",
  missingPositional: SCENARIO_REQUIRED,
  builder: (y) => {
    let withFlags = y.positional("scenario", { type: "string", demandOption: true });
    for (const [name, describe] of Object.entries(CHECKED_RUN_FLAGS))
      withFlags = withFlags.option(name, { ...RUN_FLAGS[name as RunFlagName].option, describe });
    return withFlags.example("$0 validate scenarios/large-fleet.yaml --clients 20000000", "Does a 20M-client run fit this machine?");
  },
  run: (args) => validateCommand(runOptionsFrom(args)),
});

export async function validateCommand(options: RunOptions): Promise<number> {
  const { scenario, fleetClients, sizing, warnings } = await checkRunInput(options);
  for (const warning of warnings) process.stderr.write(`${warning}\n`);
  // A key file is read only by realtime runs; check it here so it fails before a run does.
  try {
    keyForRun(scenario);
  } catch (error) {
    if (error instanceof KeyFileError) throw new KmssimError(`dns.keyFile: ${error.message}`, error.code);
    throw error;
  }
  const memory = estimateMemory(sizing);
  const wall = scenario.mode === "realtime" ? `, about ${formatWallTime(realtimeWallMs(scenario.durationMs, scenario.timeScale))} of wall time` : "";
  process.stdout.write(
    `${options.scenario}: ok — ${scenario.hosts.length} host(s), ${scenario.clients.length} client group(s), ` +
      `${fleetClients} client(s), ${scenario.events.length} event(s), ${scenario.thresholds.length} threshold(s); ` +
      `${scenario.mode} run needs about ${formatBytes(memory.bytes)}${wall}\n`,
  );
  return EXIT.pass;
}
