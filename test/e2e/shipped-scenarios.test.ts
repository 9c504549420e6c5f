// Every scenario in scenarios/ through the real binary: the exit code follows the verdict,
// and the result JSON keeps the whole contract of design.md (and the README's additions).

import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  durationSeconds,
  expectExitMatchesVerdict,
  expectResultContract,
  host,
  runScenario,
  scenarioPath,
  samplesWithin,
  stackFrames,
  sumHostRequests,
  tempDirs,
  type ScenarioRun,
} from "./helpers.js";

const tmp = tempDirs();

/** One run per shipped scenario, shared by every test here. */
const runs = new Map<string, Promise<ScenarioRun>>();
function runShipped(file: string, extra: readonly string[] = []): Promise<ScenarioRun> {
  let run = runs.get(file);
  if (run === undefined) {
    run = runScenario(tmp.make(), { path: scenarioPath(file) }, extra);
    runs.set(file, run);
  }
  return run;
}

interface Shipped {
  file: string;
  extra: string[];
}

const SHIPPED: Shipped[] = [
  { file: "multi-host.yaml", extra: [] },
  { file: "single-host.yaml", extra: [] },
  { file: "below-threshold.yaml", extra: [] },
  { file: "failover.yaml", extra: [] },
  { file: "dns-publishing.yaml", extra: [] },
  { file: "manual-records.yaml", extra: [] },
  { file: "office-activation.yaml", extra: [] },
  { file: "large-fleet.yaml", extra: ["--clients", "20000"] },
  { file: "replay-monday.yaml", extra: [] },
];

interface ScenarioFile {
  name: string;
  seed: number;
  duration: string;
  hosts: { name: string }[];
  clients: { count: number }[];
  events?: unknown[];
  thresholds?: { metric: string }[];
}

describe.each(SHIPPED)("scenarios/$file", ({ file, extra }) => {
  let spec: ScenarioFile;
  let run: ScenarioRun;
  beforeAll(async () => {
    spec = parse(readFileSync(scenarioPath(file), "utf8")) as ScenarioFile;
    run = await runShipped(file, extra);
  });

  it("exits by its thresholds (0 iff pass) without a stack trace", () => {
    expect(stackFrames(run.stderr)).toEqual([]);
    expectExitMatchesVerdict(run);
  });

  it("writes a result that keeps the contract", () => {
    expectResultContract(run.result);
  });

  it("is the run the file describes", () => {
    const r = run.result;
    expect(r.scenario).toBe(spec.name);
    expect(r.seed).toBe(spec.seed);
    expect(r.mode).toBe("virtual");
    expect(r.simulatedSeconds).toBe(durationSeconds(spec.duration));
    expect(r.interrupted === true).toBe(false);
    expect(r.hosts.map((h) => h.name)).toEqual(spec.hosts.map((h) => h.name));
    const clients = extra.includes("--clients") ? Number(extra[extra.indexOf("--clients") + 1]) : spec.clients.reduce((a, g) => a + g.count, 0);
    expect(r.clients.total).toBe(clients);
    expect(r.thresholds.map((t) => t.metric)).toEqual((spec.thresholds ?? []).map((t) => t.metric));
    // The scenario's own events, without the hosts' publish outcomes and the server's scavenging.
    const publishing = ["published", "publish-failed", "scavenged"];
    expect(r.events.filter((e) => !publishing.includes(e.action)).length).toBe((spec.events ?? []).length);
  });

  // The files in scenarios/ are examples users copy: each should demonstrate a passing run.
  it("passes its own thresholds (exit 0)", () => {
    const failed = run.result.thresholds.filter((t) => !t.pass).map((t) => `${t.metric} ${t.op} ${t.value}: actual ${t.actual}`);
    expect(failed).toEqual([]);
    expect(run.code).toBe(0);
  });
});

// What the files' own comments promise the run shows.
describe("scenarios/multi-host.yaml shows its one-day crash", () => {
  it("kms2 refuses while down, its clients fail over, and it is back up at the end", async () => {
    const { result } = await runShipped("multi-host.yaml");
    const kms2 = host(result, "kms2");
    expect(kms2.refused).toBeGreaterThan(0);
    expect(kms2.state).toBe("up");
    expect(result.failovers).toBeGreaterThan(0);
    expect(result.rediscoveries, "cached clients of kms2 discover again on renewal").toBeGreaterThan(0);
  });
});

describe("scenarios/failover.yaml shows what its header describes", () => {
  const RPC_TIMEOUT_MS = 5000;
  /** Simulated time of the first `action` event on `target`. */
  const at = (r: ScenarioRun["result"], target: string, action: string): number => {
    const event = r.events.find((e) => e.target === target && e.action === action);
    if (event === undefined) expect.fail(`no '${action}' event for ${target}`);
    return event.t;
  };

  // Header: "the preferred host hangs (accepts, never answers) ... Clients time out".
  it("kms1 hangs: clients meet the hung host, time out after rpcTimeout and fail over", async () => {
    const { result } = await runShipped("failover.yaml");
    expect(host(result, "kms1").unanswered, "requests that met kms1 while it was hung").toBeGreaterThan(0);
    const maxLatency = Math.max(result.rpc.activation.latencyMs.max, result.rpc.renewal.latencyMs.max);
    expect(maxLatency, "a timed-out RPC costs the whole rpcTimeout").toBeGreaterThanOrEqual(RPC_TIMEOUT_MS);
    expect(result.failovers).toBeGreaterThan(0);
    // While hung, then down, kms1 serves nothing; kms2 carries the fleet.
    const outage = samplesWithin(result, at(result, "kms1", "hang"), at(result, "kms1", "recover"));
    expect(outage.length).toBeGreaterThan(0);
    expect(sumHostRequests(outage).kms1).toBe(0);
    expect(sumHostRequests(outage).kms2).toBeGreaterThan(0);
  });

  // Header: "another slows down" — the slow spell meets traffic (every fault meets live traffic).
  it("kms2's slow spell meets live traffic", async () => {
    const { result } = await runShipped("failover.yaml");
    const slow = samplesWithin(result, at(result, "kms2", "slow"), at(result, "kms2", "recover"));
    expect(slow.length).toBeGreaterThan(0);
    expect(sumHostRequests(slow).kms2).toBeGreaterThan(0);
  });

  // Header: "keep the host that answered in their cache".
  it("after kms1 recovers, clients keep the host that answered: kms1 gets nothing back", async () => {
    const { result } = await runShipped("failover.yaml");
    const after = samplesWithin(result, at(result, "kms1", "recover"), result.simulatedSeconds);
    expect(after.length).toBeGreaterThan(0);
    expect(sumHostRequests(after).kms2).toBeGreaterThan(0);
    expect(sumHostRequests(after).kms1).toBe(0);
  });
});

describe("scenarios/office-activation.yaml shows products as data", () => {
  it("per host and product, /dlv-like: Office counted by kms1, refused by kms2's licence pack, lab-suite low", async () => {
    const r = (await runShipped("office-activation.yaml")).result;
    const product = (hostName: string, name: string) => host(r, hostName).products?.find((p) => p.name === name);
    const office = product("kms1", "office-2010");
    expect(office).toMatchObject({ activationId: "bfe7a195-4f8f-4f0b-a622-cf13c7d16864", threshold: 5, licenseStatus: "licensed", low: false });
    // Office 2010's threshold is 5: the first four machines are refused, once each.
    expect(office?.errors).toEqual({ "0xC004F038": 4 });
    expect(office?.count).toBeGreaterThanOrEqual(5);
    // kms2 serves Windows only: Office requests that reach it get 0xC004F042, and nothing is counted.
    const refused = product("kms2", "office-2010");
    expect(refused).toMatchObject({ licenseStatus: "notServed", threshold: 0, count: 0 });
    expect(refused?.dlv.total).toBeGreaterThan(0);
    expect(refused?.errors).toEqual({ "0xC004F042": refused?.dlv.total });
    // The scenario's own product: 2 machines never reach its threshold 3.
    const lab = product("kms1", "lab-suite");
    expect(lab).toMatchObject({ activationId: "5f1e6a2b-0c3d-4e7f-8a9b-1c2d3e4f5a6b", threshold: 3, count: 2, low: true });
    expect(lab?.dlv.failed).toBe(lab?.dlv.total);
    expect(host(r, "kms1").lowCount).toEqual(["lab-suite"]);
    expect(r.rpc.activation.errors["0xC004F042"] ?? 0).toBeGreaterThan(0);
  });
});
