// Per-client-group metrics (issue 15): the tally records each outcome into its group,
// groups add up to the fleet for any mix of events and any fleet, threshold paths reach a
// group's numbers and its histogram (dotted names: the longest that fits), validation names
// an unknown group, and the summary shows a group table that fits the terminal.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ClientAction, Note } from "../../src/core/client/client-action.js";
import { resolveMetric } from "../../src/core/metrics/thresholds.js";
import { ClientTally } from "../../src/results/client-tally.js";
import { derivedMetric } from "../../src/results/derived-metrics.js";
import { LatencyRecorder } from "../../src/results/latency-recorder.js";
import { validateMetricPath } from "../../src/results/result-metrics.js";
import type { GroupResult, Result } from "../../src/results/result.js";
import { renderSummary } from "../../src/report/text/summary.js";
import { visibleWidth } from "../../src/format/format-table.js";
import { compareResults } from "../../src/compare/compare-runs.js";
import { simulate } from "../sim/helpers.js";
import { expectGroupsAddUp } from "./groups-add-up.js";
import { resultWith } from "../compare/fixture.js";

describe("ClientTally by group", () => {
  const op = fc.record({
    group: fc.nat({ max: 3 }),
    what: fc.constantFrom("rpc", "renewal", "dns", "sentRpc", "sentRenewal", "sentDns", "note"),
    status: fc.constantFrom(0, 0xc004f038, 0x800706ba),
    latencyMs: fc.double({ min: 0, max: 10_000, noNaN: true }),
    notes: fc.nat({ max: 255 }),
  });

  it("the groups' counters and histograms add up to the fleet's, for any sequence", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const tally = new ClientTally(4);
        const action = new ClientAction();
        for (const o of ops) {
          if (o.what === "rpc" || o.what === "renewal") tally.recordRpc(o.group, o.what === "renewal", o.status, o.latencyMs);
          else if (o.what === "dns") tally.recordDns(o.group, o.status, o.latencyMs);
          else if (o.what === "sentRpc" || o.what === "sentRenewal") tally.sentRpc(o.group, o.what === "sentRenewal");
          else if (o.what === "sentDns") tally.sentDns(o.group);
          else {
            action.notes = o.notes & (Note.Failover | Note.Rediscovery | Note.FirstActivation);
            tally.note(o.group, action, 0);
          }
        }
        for (const kind of ["activation", "renewal", "dns"] as const) {
          const total = tally[kind];
          const parts = tally.groups.map((g) => g[kind]);
          expect(parts.reduce((a, p) => a + p.sent, 0)).toBe(total.sent);
          expect(parts.reduce((a, p) => a + p.ok, 0)).toBe(total.ok);
          expect(parts.reduce((a, p) => a + p.failed, 0)).toBe(total.failed);
          const added = new LatencyRecorder();
          for (const p of parts) added.add(p.latency);
          expect(added.encode()).toBe(total.latency.encode());
        }
        for (const field of ["activatedClients", "failovers", "rediscoveries"] as const) {
          expect(tally.groups.reduce((a, g) => a + g[field], 0)).toBe(tally[field]);
        }
        // Each operation landed in its own group only.
        for (let g = 0; g < 4; g++) {
          const mine = ops.filter((o) => o.group === g && (o.what === "rpc" || o.what === "renewal")).length;
          expect(tally.groups[g].activation.latency.count + tally.groups[g].renewal.latency.count).toBe(mine);
        }
      }),
    );
  });
});

describe("virtual runs: groups partition the fleet", () => {
  it("for any group sizes, profiles and seed (checked run)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ count: fc.integer({ min: 1, max: 60 }), os: fc.constantFrom("win7", "vista") }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 1000 }),
        (groups, seed) => {
          const yaml = [
            "name: groups-property",
            "duration: 20d",
            "hosts:",
            "  - { name: kms1 }",
            "  - { name: kms2, priority: 5 }",
            "events:",
            "  - { at: 8d, host: kms1, action: crash }",
            "clients:",
            ...groups.map((g, k) => `  - { name: g${k}, count: ${g.count}, os: ${g.os}, bootSpread: 2h }`),
            "",
          ].join("\n");
          const { result } = simulate(yaml, seed);
          expect(result.groups!.map((g) => [g.name, g.clients])).toEqual(groups.map((g, k) => [`g${k}`, g.count]));
          expectGroupsAddUp(result);
        },
      ),
      { numRuns: 15 },
    );
  });
});

/** A result with two groups, `a` and `a.b` (a name with a dot), whose activation latencies differ. */
function twoGroups(): Result {
  const r = resultWith();
  const group = (name: string, latenciesMs: number[]): GroupResult => {
    const recorder = new LatencyRecorder();
    for (const ms of latenciesMs) recorder.recordMs(ms);
    const rpc = {
      ...r.rpc.activation,
      sent: latenciesMs.length,
      ok: latenciesMs.length,
      failed: 0,
      errors: {},
      latencyMs: recorder.summary(),
      histogram: recorder.encode(),
    };
    return {
      name,
      clients: latenciesMs.length,
      activated: latenciesMs.length,
      notActivated: 0,
      licensed: latenciesMs.length,
      unlicensed: 0,
      initialGrace: 0,
      outOfToleranceGrace: 0,
      rpc: { activation: rpc, renewal: { ...rpc } },
      dns: { queries: 0, failed: 0, latencyMs: recorder.summary(), histogram: recorder.encode() },
      failovers: 0,
      rediscoveries: 0,
    };
  };
  r.groups = [
    group(
      "a",
      Array.from({ length: 100 }, (_, k) => k + 1),
    ),
    group(
      "a.b",
      Array.from({ length: 40 }, (_, k) => 500 + k),
    ),
  ];
  return r;
}

describe("threshold paths into groups", () => {
  it("reads a group's stored numbers; the longest name that fits wins", () => {
    const r = twoGroups();
    expect(resolveMetric(r, "groups.a.clients")).toBe(100);
    expect(resolveMetric(r, "groups.a.b.clients")).toBe(40);
    expect(resolveMetric(r, "groups.a.rpc.activation.latencyMs.p99")).toBe(r.groups![0].rpc.activation.latencyMs.p99);
    expect(resolveMetric(r, "groups.a.rpc.activation.errors.0xC004F038")).toBe(0);
    expect(resolveMetric(r, "groups.c.clients")).toBeNull();
  });

  it("reads any percentile from the group's own histogram, not the fleet's", () => {
    const r = twoGroups();
    const p95Of = (k: number): number => LatencyRecorder.decode(r.groups![k].rpc.activation.histogram as string).percentileMs(95);
    expect(derivedMetric(r, "groups.a.rpc.activation.latencyMs.p95")).toBe(p95Of(0));
    expect(derivedMetric(r, "groups.a.b.rpc.activation.latencyMs.p95")).toBe(p95Of(1));
    expect(p95Of(0)).not.toBe(p95Of(1));
    expect(derivedMetric(r, "groups.a.b.dns.latencyMs.p99.9")).toBeGreaterThan(500);
    expect(derivedMetric(r, "groups.nope.rpc.activation.latencyMs.p95")).toBeNull();
  });

  it("validation accepts the scenario's groups and names an unknown one", () => {
    const hosts = ["kms1"];
    const groups = ["desktops", "legacy.vista"];
    for (const ok of [
      "groups.desktops.activated",
      "groups.legacy.vista.rpc.renewal.latencyMs.p99",
      "groups.legacy.vista.rpc.activation.latencyMs.p95",
      "groups.desktops.rpc.activation.errors.0xC004F074",
      "groups.desktops.dns.latencyMs.p99.9",
      "groups.desktops.rpc.activation.successRate",
    ]) {
      expect(validateMetricPath(ok, hosts, groups), ok).toBeNull();
    }
    expect(validateMetricPath("groups.desktop.activated", hosts, groups)).toBe(
      "no client group named 'desktop' (groups: desktops, legacy.vista) (did you mean 'desktops'?)",
    );
    expect(validateMetricPath("groups.legacy.activated", hosts, groups)).toBe("no client group named 'legacy' (groups: desktops, legacy.vista)");
    expect(validateMetricPath("groups.deskstops.rpc.activation.latencyMs.p95", hosts, groups)).toContain("no client group named 'deskstops'");
    expect(validateMetricPath("groups.desktops.activatd", hosts, groups)).toBe("unknown client group metric 'activatd' (did you mean 'activated'?)");
    expect(validateMetricPath("groups.desktops.rpc.activation.errors.oops", hosts, groups)).toContain("'oops' in");
    expect(validateMetricPath("groups", hosts, groups)).toBe("'groups' is a group, not a number: add one of desktops, legacy.vista");
    expect(validateMetricPath("groups.desktops.activated", hosts, [])).toContain("the scenario has none");
  });
});

describe("summary and compare", () => {
  it("shows a group table for several groups, fitted to 80 and 100 columns, and none for one", () => {
    const r = twoGroups();
    for (const width of [80, 100]) {
      const text = renderSummary(r, { color: false, width });
      expect(text.split("\n").filter((line) => visibleWidth(line) > width)).toEqual([]);
      expect(text).toMatch(/^ {2}group +clients/m);
      expect(text).toMatch(/^ {2}a\.b +40 /m);
    }
    r.groups = r.groups!.slice(0, 1);
    expect(renderSummary(r, { color: false, width: 100 })).not.toMatch(/^ {2}group +clients/m);
  });

  it("lists the first 20 groups and says how many more there are", () => {
    const r = twoGroups();
    r.groups = Array.from({ length: 25 }, (_, k) => ({ ...r.groups![0], name: `g${k}` }));
    const text = renderSummary(r, { color: false, width: 100 });
    expect(text).toMatch(/^ {2}g19 /m);
    expect(text).not.toMatch(/^ {2}g20 /m);
    expect(text).toContain("… and 5 more groups");
  });

  it("compare --metric 'groups.…' globs select the groups' numbers", () => {
    const base = twoGroups();
    const cand = twoGroups();
    cand.groups![1].rpc.activation.latencyMs.p99 *= 2;
    const comparison = compareResults(base, cand, { metrics: ["groups.*.rpc.activation.latencyMs.p99"] });
    expect(comparison.rows.map((row) => [row.metric, row.regressed])).toEqual([
      ["groups.a.rpc.activation.latencyMs.p99", false],
      ["groups.a.b.rpc.activation.latencyMs.p99", true],
    ]);
  });
});
