// `kmssim run --mode realtime --shard i/N` (issue 6): each shard runs only its own clients
// (every N-th of the fleet), here with its own hosts on loopback. Three shards of one
// small fleet, run by the built binary at the same time: their clients add up to the
// fleet, every client of every shard activates, each shard's books balance between its
// clients and its hosts, and the timeline's promised requests (hostExpected) add up to
// the hosts' expected requests. Plus the flags' bad input (exit 2, no stack).

import { describe, expect, it } from "vitest";
import { kmssim, runScenario, tempDirs, writeScenario, yaml, type Result } from "./helpers.js";
import { clientBooks, expectBooksBalance, expectNoStack } from "./realtime-helpers.js";

const tmp = tempDirs();

const FLEET = 300;
/** 4 simulated days at a day per wall second; boots over the first day, renewals every 12 h. */
const scenarioText = yaml(
  "name: realtime-shard",
  "seed: 17",
  "mode: realtime",
  "duration: 4d",
  "timeScale: 86400",
  "sampleInterval: 12h",
  "hosts:",
  "  - { name: kms1, weight: 300, renewalInterval: 12h }",
  "  - { name: kms2, weight: 100, renewalInterval: 12h }",
  "  - { name: kms3, priority: 10, renewalInterval: 12h }",
  "clients:",
  "  - { name: desktops, count: 250, os: win7, bootSpread: 1d }",
  "  - { name: legacy, count: 50, os: vista, bootSpread: 1d }",
  "network: { rpcTimeout: 2s, dnsTimeout: 1s }",
  "thresholds:",
  "  - { metric: clients.notActivated, eq: 0 }",
);

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

describe("realtime --shard i/3 through the binary", () => {
  it("three shards run disjoint parts of the fleet that add up to it; every client activates; each shard's books balance", async () => {
    const dir = tmp.make();
    const runs = await Promise.all(
      [1, 2, 3].map((i) => runScenario(dir, { name: `shard${i}`, text: scenarioText }, ["--mode", "realtime", "--shard", `${i}/3`, "--workers", "1"])),
    );
    const results: Result[] = runs.map((r) => r.result);
    runs.forEach((run, k) => {
      expect(run.code, `shard ${k + 1}/3 exit; stderr:\n${run.stderr}`).toBe(0);
      expectNoStack(run.stderr);
    });
    // Round-robin: 300 clients in three shards of 100.
    expect(results.map((r) => r.clients.total)).toEqual([100, 100, 100]);
    expect(sum(results.map((r) => r.clients.total))).toBe(FLEET);
    for (const [k, r] of results.entries()) {
      expect(r.shard, `shard ${k + 1} says which part it is`).toMatchObject({ index: k + 1, count: 3, fleetClients: FLEET });
      expect(r.clients.activated, `shard ${k + 1}: every one of its clients activated`).toBe(r.clients.total);
      expect(r.clients.notActivated).toBe(0);
      expectBooksBalance(r);
    }
    // Each client activates once and renews every 12 h from boot (first day) to the end (4 d):
    // 6 to 8 renewals; the compressed clock may cost one at either end.
    const activations = sum(results.map((r) => r.rpc.activation.ok));
    const renewals = sum(results.map((r) => r.rpc.renewal.sent));
    expect(activations, "one successful activation per client of the fleet").toBe(FLEET);
    expect(renewals).toBeGreaterThanOrEqual(5 * FLEET);
    expect(renewals).toBeLessThanOrEqual(9 * FLEET);
    expect(sum(results.map((r) => clientBooks(r).sent))).toBe(sum(results.map((r) => r.rpc.activation.sent + r.rpc.renewal.sent)));
  });

  it("a shard's timeline keeps hostExpected: over the run it adds up to each host's expected requests, per interval it favours whom the records favour", async () => {
    const dir = tmp.make();
    const { result, code, stderr } = await runScenario(dir, { name: "shard-timeline", text: scenarioText }, [
      "--mode",
      "realtime",
      "--shard",
      "2/3",
      "--workers",
      "1",
    ]);
    expect(code, stderr).toBe(0);
    expect(result.timeline.length).toBeGreaterThan(0);
    let requestsSeen = 0;
    for (const sample of result.timeline) {
      expect(sample.hostExpected, `sample at ${sample.t} s`).toBeDefined();
      expect(Object.keys(sample.hostExpected!).sort()).toEqual(["kms1", "kms2", "kms3"]);
      const requests = sum(Object.values(sample.hostRequests));
      requestsSeen += requests;
      // Priority 0 hosts kms1:kms2 = 300:100 for win7, all three alike for vista: kms3 gets least.
      if (requests > 50) expect(sample.hostExpected!.kms3).toBeLessThan(sample.hostExpected!.kms2);
    }
    expect(requestsSeen, "the timeline adds up to the hosts' requests").toBe(sum(result.hosts.map((h) => h.requests)));
    // The same ledger as the hosts' expected requests, which charges each request its clients had answered.
    for (const host of result.hosts) {
      const promised = sum(result.timeline.map((s) => s.hostExpected![host.name]));
      expect(promised, `${host.name}: the timeline adds up to its expectedRequests`).toBeCloseTo(host.expectedRequests!, 6);
    }
    expect(sum(result.hosts.map((h) => h.expectedRequests!))).toBeCloseTo(sum(result.hosts.map((h) => h.clientAnswered!)), 6);
  });
});

describe("realtime shard flags: bad input exits 2 without a stack trace", () => {
  const cases: [string, string[], RegExp][] = [
    ["--start-at garbage", ["--mode", "realtime", "--start-at", "garbage"], /--start-at: 'garbage' is not an ISO 8601 instant/],
    [
      "--start-at in the past",
      ["--mode", "realtime", "--start-at", "2020-01-01T00:00:00Z"],
      /--start-at 2020-01-01T00:00:00Z is \d+ s in the past; give a later time/,
    ],
    ["--start-at 2 days ahead", ["--mode", "realtime", "--start-at", new Date(Date.now() + 2 * 86400_000).toISOString()], /at most 24 h/],
    ["--allow-address not-an-ip", ["--mode", "realtime", "--allow-address", "not-an-ip"], /--allow-address: 'not-an-ip' is not an IPv4 address/],
    [
      "--external-hosts with the embedded DNS server",
      ["--mode", "realtime", "--external-hosts"],
      /--external-hosts needs dns\.server: host:port where `kmssim host` publishes/,
    ],
  ];
  for (const [what, flags, message] of cases) {
    it(what, async () => {
      const dir = tmp.make();
      const path = writeScenario(dir, "flags.yaml", scenarioText);
      const run = await kmssim(["run", path, "--quiet", ...flags], { timeoutMs: 30_000 });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(message);
      expectNoStack(run.stderr);
    });
  }
});
