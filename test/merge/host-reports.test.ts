// kmssim merge --hosts: shards run with --external-hosts saw only the clients' side of the
// hosts; the hosts' own report (`kmssim host --out`) supplies what only they count.
import { describe, expect, it } from "vitest";
import { MergeError } from "../../src/merge/merge-error.js";
import { mergeShardResults } from "../../src/merge/merge-results.js";
import { parseHostReport, type HostReportInput } from "../../src/merge/host-reports.js";
import type { ShardInput } from "../../src/merge/check-shards.js";
import { HOST_REPORT_SCHEMA, type HostReport } from "../../src/results/host-report.js";
import { buildResult } from "../../src/results/build-result.js";
import { VirtualEngine } from "../../src/sim/virtual-engine.js";
import { scenarioFrom } from "../sim/helpers.js";

const YAML = (threshold: string) => `
name: fleet
seed: 6
duration: 2d
hosts: [ { name: kms1 }, { name: kms2 } ]
clients: [ { name: c, count: 80, os: win7, product: windows-client, bootSpread: 1h } ]
thresholds:
  - { metric: clients.notActivated, eq: 0 }
  - ${threshold}
`;

/** Shards as an --external-hosts run writes them (virtual here: the merge only reads the files). */
function shards(threshold: string, externalHosts = true): ShardInput[] {
  return [1, 2].map((index) => {
    const scenario = scenarioFrom(YAML(threshold));
    const engine = new VirtualEngine(scenario, { shard: { index, count: 2 } });
    while (!engine.step(100_000));
    const meta = { index, count: 2, fleetClients: 80, runDigest: "d", thresholds: scenario.thresholds, ...(externalHosts ? { externalHosts: true } : {}) };
    return { file: `s${index}.json`, result: buildResult(engine.totals(), 0, false, meta) };
  });
}

const self = (name: string, total: number): HostReport["hosts"][number] => ({
  name,
  requests: total,
  activations: total - 1,
  renewals: 1,
  unanswered: 0,
  lost: 2,
  late: 3,
  dlv: { total, failed: 4, licensed: 1, initialGrace: total - 1, outOfToleranceGrace: 0, notification: 0 },
  count: { "windows-client": 50 },
  lowCount: [],
  state: "up",
});
const report = (file: string, hosts: HostReport["hosts"], scenario = "fleet"): HostReportInput => ({
  file,
  report: { schema: HOST_REPORT_SCHEMA, scenario, seed: 6, startAt: null, simulatedSeconds: 172800, hosts },
});

const mergeError = (run: () => unknown): MergeError => {
  try {
    run();
  } catch (err) {
    if (err instanceof MergeError) return err;
    throw err;
  }
  return expect.fail("merged");
};

describe("merge --hosts", () => {
  it("puts the hosts' own counts in and judges host thresholds on them", () => {
    const merged = mergeShardResults(shards("{ metric: hosts.kms1.dlv.failed, lt: 5 }"), [
      report("a.json", [self("kms1", 70)]),
      report("b.json", [self("kms2", 30)]),
    ]);
    expect(merged.hosts.map((h) => [h.name, h.requests, h.dlv.total, h.lost, h.late, h.count])).toEqual([
      ["kms1", 70, 70, 2, 3, { "windows-client": 50 }],
      ["kms2", 30, 30, 2, 3, { "windows-client": 50 }],
    ]);
    expect(merged.hosts.map((h) => h.share)).toEqual([0.7, 0.3]);
    expect(merged.thresholds[1]).toMatchObject({ metric: "hosts.kms1.dlv.failed", actual: 4, pass: true });
  });

  it("without --hosts, a threshold only the hosts count is refused, not judged on placeholders", () => {
    const err = mergeError(() => mergeShardResults(shards("{ metric: hosts.kms2.dlv.failed, eq: 0 }")));
    expect(err.code).toBe("KMSSIM_NEEDS_HOSTS");
    expect(err.message).toContain("only the hosts counted hosts.kms2.dlv.failed");
    // A threshold the fleet measures itself needs no report.
    expect(mergeShardResults(shards("{ metric: failovers, eq: 0 }")).thresholds).toHaveLength(2);
  });

  it("refuses reports that do not fit: shards with their own hosts, another scenario, a host twice or missing", () => {
    const both = report("h.json", [self("kms1", 1), self("kms2", 1)]);
    expect(mergeError(() => mergeShardResults(shards("{ metric: failovers, eq: 0 }", false), [both])).code).toBe("KMSSIM_HOSTS_NOT_EXTERNAL");
    expect(mergeError(() => mergeShardResults(shards("{ metric: failovers, eq: 0 }"), [report("o.json", [self("kms1", 1)], "other")])).message).toContain(
      "'o.json' counts the hosts of scenario 'other' seed 6, but the shards ran 'fleet' seed 6",
    );
    expect(mergeError(() => mergeShardResults(shards("{ metric: failovers, eq: 0 }"), [both, report("again.json", [self("kms2", 1)])])).message).toBe(
      "host 'kms2' is counted twice: in 'h.json' and 'again.json'",
    );
    expect(mergeError(() => mergeShardResults(shards("{ metric: failovers, eq: 0 }"), [report("one.json", [self("kms1", 1)])])).message).toContain(
      "no host report counts kms2",
    );
  });

  it("parseHostReport names the file and the field", () => {
    expect(() => parseHostReport("{", "x.json")).toThrow(/'x.json' is not JSON/);
    expect(() => parseHostReport(JSON.stringify({ schema: "kmssim/result@1" }), "r.json")).toThrow(
      `'r.json' is not a kmssim/hosts@1 host report (schema: should be "kmssim/hosts@1", got "kmssim/result@1"); give what \`kmssim host --out\` writes`,
    );
    const broken = { ...report("b.json", [self("kms1", 1)]).report, hosts: [{ ...self("kms1", 1), lost: "2" }] };
    expect(() => parseHostReport(JSON.stringify(broken), "b.json")).toThrow("(hosts[0].lost: should be a whole number ≥ 0, got text)");
    expect(parseHostReport(JSON.stringify(report("ok.json", [self("kms1", 1)]).report), "ok.json").hosts[0].name).toBe("kms1");
  });
});
