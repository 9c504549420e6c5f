// A fingerprint of what a run simulates: the scenario after the command line's overrides
// (seed, mode) and the fleet size. Shards of one run carry the same digest, so `kmssim
// merge` can refuse to add up shards of different runs.

import { createHash } from "node:crypto";
import { basename } from "node:path";
import { scaleCounts } from "../fleet-plan/fleet-plan.js";
import type { Scenario } from "../scenario/model.js";

export function runDigest(scenario: Scenario, options: { clients?: number; mode?: string; seed?: number }): string {
  // dns.keyFile is loaded as an absolute path: where the scenario lies on each machine is not part of the run.
  const tsig = scenario.dns.tsig?.kind === "file" ? { kind: "file", file: basename(scenario.dns.tsig.path) } : scenario.dns.tsig;
  const effective = {
    scenario: { ...scenario, dns: { ...scenario.dns, tsig } },
    mode: options.mode ?? scenario.mode,
    seed: options.seed ?? scenario.seed,
    // The clients each group has after --clients: `--clients 400` on a 400-client scenario is the same run.
    groupCounts: scaleCounts(
      scenario.clients.map((g) => g.count),
      options.clients,
    ),
  };
  return `sha256:${createHash("sha256").update(JSON.stringify(effective)).digest("hex")}`;
}
