// Regression: the run digest hashed the scenario as loaded, and dns.keyFile is loaded as an
// absolute path resolved against the scenario's folder. The same scenario and key in
// another folder (another machine's checkout, another user's home) made a different
// digest, and `kmssim merge` refused the shards as "different runs (the scenario files
// differ)". Where the key file lies is not part of what the run simulates.
import { describe, expect, it } from "vitest";
import { loadScenarioText } from "../../src/scenario/index.js";
import { validateMetricPath } from "../../src/results/result-metrics.js";
import { runDigest } from "../../src/results/run-digest.js";
import type { Scenario } from "../../src/scenario/model.js";

const YAML = "name: s\nduration: 1d\ndns: { keyFile: keys/k.key }\nhosts: [ { name: kms1 } ]\nclients: [ { name: c, count: 10 } ]\n";

function loadedAt(file: string): Scenario {
  const loaded = loadScenarioText(YAML, file, { validateMetric: validateMetricPath });
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join("; "));
  return loaded.scenario;
}

describe("runDigest of one scenario loaded from two folders", () => {
  it("is the same", () => {
    const a = loadedAt("/home/alice/fleet/s.yaml");
    const b = loadedAt("/srv/kmssim/s.yaml");
    expect(a.dns.tsig).not.toEqual(b.dns.tsig);
    expect(runDigest(a, {})).toBe(runDigest(b, {}));
  });

  it("still differs when the key file's name differs", () => {
    const a = loadedAt("/x/s.yaml");
    const b = loadScenarioText(YAML.replace("k.key", "other.key"), "/x/s.yaml", { validateMetric: validateMetricPath });
    if (!b.ok) throw new Error("bad yaml");
    expect(runDigest(a, {})).not.toBe(runDigest(b.scenario, {}));
  });
});
