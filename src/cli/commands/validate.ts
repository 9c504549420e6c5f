import { loadScenarioOrThrow } from "../load-or-exit.js";
import { EXIT } from "../user-error.js";

export async function validateCommand(path: string): Promise<number> {
  const scenario = await loadScenarioOrThrow(path);
  const clients = scenario.clients.reduce((a, g) => a + g.count, 0);
  process.stdout.write(
    `${path}: ok — ${scenario.hosts.length} host(s), ${scenario.clients.length} client group(s), ` +
      `${clients} client(s), ${scenario.events.length} event(s), ${scenario.thresholds.length} threshold(s)\n`,
  );
  return EXIT.pass;
}
