// Regression: `kmssim merge` checked only the fields `compare` reads. A shard file with a host
// lacking `dlv`, `count` or `lowCount`, no `timeline`, a null sample, `"shard": null`,
// `"incomplete": null` or no `clients.errors` crashed the merge with a TypeError (exit 3
// and a stack trace); a count written as a string or a missing one went into the sums as
// string concatenation or NaN (null in the JSON). Each must be a MergeError naming the
// file and the field (the command turns it into exit 2).
import { describe, expect, it } from "vitest";
import { MergeError } from "../../src/merge/merge-error.js";
import { mergeShardResults } from "../../src/merge/merge-results.js";
import type { Result } from "../../src/results/result.js";
import { buildResult } from "../../src/results/build-result.js";
import { VirtualEngine } from "../../src/sim/virtual-engine.js";
import { scenarioFrom } from "../sim/helpers.js";

const SMALL = `
name: small
seed: 3
duration: 1d
hosts:
  - { name: kms1 }
  - { name: kms2 }
clients:
  - { name: desktops, count: 40, bootSpread: 1h }
thresholds:
  - { metric: clients.notActivated, eq: 0 }
`;

function shard(index: number): Result {
  const scenario = scenarioFrom(SMALL);
  const engine = new VirtualEngine(scenario, { shard: { index, count: 2 } });
  while (!engine.step(100_000));
  return buildResult(engine.totals(), 0, false, { index, count: 2, fleetClients: 40, runDigest: "d", thresholds: scenario.thresholds });
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const MUTATIONS: Record<string, (r: Json) => void> = {
  "no hosts": (r) => delete r.hosts,
  "a host without dlv": (r) => delete r.hosts[0].dlv,
  "a host without count": (r) => delete r.hosts[0].count,
  "a host without lowCount": (r) => delete r.hosts[0].lowCount,
  "a host's requests as a string": (r) => (r.hosts[0].requests = "4"),
  "a host's expectedRequests as a string": (r) => (r.hosts[0].expectedRequests = "4"),
  "no timeline": (r) => delete r.timeline,
  "a null sample": (r) => (r.timeline[0] = null),
  "a sample without hostRequests": (r) => delete r.timeline[0].hostRequests,
  "samples out of order": (r) => r.timeline.reverse(),
  "shard: null": (r) => (r.shard = null),
  "incomplete: null": (r) => (r.incomplete = null),
  "no clients.activated": (r) => delete r.clients.activated,
  "no clients.errors": (r) => delete r.clients.errors,
  "no dns.queries": (r) => delete r.dns.queries,
  "simulatedSeconds as a string": (r) => (r.simulatedSeconds = "86400"),
  "no events": (r) => delete r.events,
  "a threshold without a value": (r) => delete r.shard.thresholds[0].value,
};

describe("kmssim merge with a malformed shard file", () => {
  const good = [shard(1), shard(2)];

  it("merges the well-formed shards", () => {
    const merged = mergeShardResults(good.map((result, k) => ({ file: `s${k + 1}.json`, result })));
    expect(merged.clients.total).toBe(40);
  });

  for (const [what, mutate] of Object.entries(MUTATIONS)) {
    it(`refuses ${what} with a MergeError naming the file`, () => {
      const bad = structuredClone(good[1]) as unknown as Json;
      mutate(bad);
      let caught: unknown = null;
      try {
        mergeShardResults([
          { file: "s1.json", result: good[0] },
          { file: "s2.json", result: bad as unknown as Result },
        ]);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(MergeError);
      expect((caught as MergeError).message).toContain("'s2.json'");
    });
  }
});
