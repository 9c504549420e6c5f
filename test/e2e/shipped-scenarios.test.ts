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
    expect(r.events.filter((e) => e.domain === undefined).length).toBe((spec.events ?? []).length);
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
