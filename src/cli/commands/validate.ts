// `kmssim validate <scenario>`: the checks `run` makes before it starts (one function,
// checkRunInput, with the same flags), plus the TSIG key file a realtime run would read.

import { KeyFileError } from "../../realtime/dns/tsig-key-file.js";
import { keyForRun } from "../../realtime/dns/run-key.js";
import { estimateMemory, formatBytes, formatWallTime, realtimeWallMs } from "../../plan/run-limits.js";
import { checkRunInput, type RunInputOptions } from "../run-input.js";
import { EXIT, KmssimError } from "../../core/kmssim-error.js";

export async function validateCommand(options: RunInputOptions): Promise<number> {
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
