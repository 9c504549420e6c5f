import { KeyFileError } from "../../realtime/dns/tsig-key-file.js";
import { keyForRun } from "../../realtime/dns/run-key.js";
import { fleetSize } from "../../plan/fleet-plan.js";
import { loadScenarioOrThrow } from "../load-or-exit.js";
import { EXIT, UserError } from "../user-error.js";

export async function validateCommand(path: string): Promise<number> {
  const scenario = await loadScenarioOrThrow(path);
  // A key file is read only by realtime runs; check it here so it fails before a run does.
  try {
    keyForRun(scenario);
  } catch (error) {
    if (error instanceof KeyFileError) throw new UserError(`dns.keyFile: ${error.message}`, error.code);
    throw error;
  }
  const clients = fleetSize(scenario);
  process.stdout.write(
    `${path}: ok — ${scenario.hosts.length} host(s), ${scenario.clients.length} client group(s), ` +
      `${clients} client(s), ${scenario.events.length} event(s), ${scenario.thresholds.length} threshold(s)\n`,
  );
  return EXIT.pass;
}
