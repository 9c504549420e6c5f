// The main-thread path (`--workers 0`); worker threads run the same Replication and are
// tested through the built binary (test/e2e/plan.test.ts).

import { describe, expect, it } from "vitest";
import { Replication, type ReplicationTask } from "../../src/capacity/replication.js";
import { replicationMetrics } from "../../src/capacity/replication-metrics.js";
import { ReplicationFailedError, runReplications } from "../../src/capacity/run-replications.js";
import { templateHosts } from "../../src/capacity/host-template.js";
import { buildResult } from "../../src/results/build-result.js";
import type { Scenario } from "../../src/scenario/model.js";
import { VirtualEngine } from "../../src/sim/virtual-engine.js";
import type { ReplicationMetrics } from "../../src/capacity/replication-metrics.js";
import { scenarioFrom } from "./helpers.js";

const base = scenarioFrom(
  "seed: 5",
  "duration: 2h",
  "sampleInterval: 10m",
  "hosts:",
  "  - { name: kms1, serviceTime: 5ms, concurrency: 2 }",
  "clients:",
  "  - { name: desktops, count: 200, bootSpread: 10m }",
  "thresholds:",
  "  - { metric: rpc.activation.latencyMs.p99, lt: 1000 }",
  "  - { metric: clients.notActivated, eq: 0 }",
);

const task = (run: number, hosts: number, seed: number, scenario: Scenario = templateHosts(base, hosts)): ReplicationTask => ({
  run,
  scenario,
  clients: 120,
  replication: run,
  seed,
});

describe("running replications on the main thread", () => {
  it("gives each replication the metrics of a plain run of the templated scenario with its seed", async () => {
    const tasks = [task(0, 1, 11), task(1, 2, 12), task(2, 3, 13)];
    const done = new Map<number, ReplicationMetrics>();
    const progress: number[] = [];
    const outcome = await runReplications(
      tasks,
      0,
      { onProgress: (_, f) => progress.push(f), onDone: (run, m) => done.set(run, m) },
      new AbortController().signal,
    );
    expect(outcome).toEqual({ interrupted: false });
    expect([...done.keys()]).toEqual([0, 1, 2]);
    for (const t of tasks) {
      const engine = new VirtualEngine({ ...t.scenario, seed: t.seed }, { clients: t.clients });
      while (!engine.step(1_000_000));
      const expected = replicationMetrics(buildResult(engine.totals(), 0, false), t.replication, t.seed);
      expect(done.get(t.run)).toEqual(expected);
      expect(expected.clients).toBe(120);
    }
    // Other seeds, other runs.
    expect(done.get(1)!.maxShareDeviation === done.get(2)!.maxShareDeviation && done.get(1)!.p99ActivationMs === done.get(2)!.p99ActivationMs).toBe(false);
    for (const f of progress) expect(f >= 0 && f <= 1).toBe(true);
  });

  it("stops at once when stopped, keeping what finished", async () => {
    const tasks = [task(0, 1, 21), task(1, 1, 22), task(2, 1, 23)];
    const stop = new AbortController();
    const done: number[] = [];
    const outcome = await runReplications(tasks, 0, { onProgress: () => {}, onDone: (run) => (done.push(run), stop.abort()) }, stop.signal);
    expect(outcome).toEqual({ interrupted: true });
    expect(done).toEqual([0]);

    const aborted = new AbortController();
    aborted.abort();
    const none: number[] = [];
    expect(await runReplications(tasks, 0, { onProgress: () => {}, onDone: (run) => none.push(run) }, aborted.signal)).toEqual({ interrupted: true });
    expect(none).toEqual([]);
  });

  it("turns an engine failure into a ReplicationFailedError naming the run", async () => {
    const broken = { ...base, clients: null } as unknown as Scenario;
    const error = await runReplications([task(0, 1, 31, broken)], 0, { onProgress: () => {}, onDone: () => {} }, new AbortController().signal).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ReplicationFailedError);
    expect((error as ReplicationFailedError).code).toBe("KMSSIM_RUN_FAILED");
    expect((error as Error).message).toMatch(/1 host\(s\), 120 clients, replication 1 \(seed 31\) failed/);
  });

  it("a replication reports metrics only once it finished", () => {
    const replication = new Replication(task(0, 1, 41));
    expect(() => replication.outcome()).toThrow(/not finished/);
    expect(replication.fraction).toBe(0);
  });
});
