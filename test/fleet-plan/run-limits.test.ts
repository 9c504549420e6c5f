// The run-limits estimator and the bounds it works with (issue 12): properties that hold
// for any fleet, and for any scenario the schema accepts.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { shardSize, type ShardSpec } from "../../src/core/shard/shard.js";
import { checkRunInput } from "../../src/cli/run-input.js";
import { KmssimError } from "../../src/core/kmssim-error.js";
import {
  estimateMemory,
  formatWallTime,
  MAX_WALL_MS,
  memoryProblem,
  realtimeWallMs,
  usableMemoryBytes,
  type FleetSizing,
  type MachineLimits,
} from "../../src/fleet-plan/run-limits.js";
import { MAX_EVENTS, MAX_FLEET_CLIENTS, MAX_HOST_CONCURRENCY } from "../../src/scenario/defaults.js";

const GiB = 2 ** 30;
/** This kind of machine: 24 GiB, Node 20's 4 GiB typed arrays, a 4 GiB heap. */
const MACHINE: MachineLimits = { memoryBytes: 24 * GiB, maxArrayBytes: 4 * GiB, heapLimitBytes: 4 * GiB };

const shardOf = (fleet: number): fc.Arbitrary<ShardSpec> =>
  fc.integer({ min: 1, max: Math.max(1, Math.min(fleet, 10_000)) }).chain((count) => fc.integer({ min: 1, max: count }).map((index) => ({ index, count })));

const sizing: fc.Arbitrary<FleetSizing> = fc
  .record({
    mode: fc.constantFrom("virtual" as const, "realtime" as const),
    fleetClients: fc.integer({ min: 1, max: MAX_FLEET_CLIENTS }),
    workers: fc.integer({ min: 0, max: 64 }),
    check: fc.boolean(),
  })
  .chain((s) => shardOf(s.fleetClients).map((shard) => ({ ...s, shard })));

describe("estimateMemory", () => {
  it("never shrinks when the fleet grows", () => {
    fc.assert(
      fc.property(sizing, fc.integer({ min: 0, max: 1_000_000 }), (s, more) => {
        const bigger = { ...s, fleetClients: s.fleetClients + more };
        expect(estimateMemory(bigger).bytes).toBeGreaterThanOrEqual(estimateMemory(s).bytes);
        expect(estimateMemory(bigger).recordBytesPerSlice).toBeGreaterThanOrEqual(estimateMemory(s).recordBytesPerSlice);
      }),
    );
  });

  it("a shard never estimates more than the whole fleet; a virtual shard exactly as much", () => {
    fc.assert(
      fc.property(sizing, (s) => {
        const whole = estimateMemory({ ...s, shard: { index: 1, count: 1 } });
        const part = estimateMemory(s);
        expect(part.bytes).toBeLessThanOrEqual(whole.bytes);
        if (s.mode === "virtual") expect(part).toEqual(whole);
        else expect(part.storedClients).toBe(shardSize(s.shard, s.fleetClients));
      }),
    );
  });

  it("refuses exactly what does not fit the machine, and says how big it is", () => {
    fc.assert(
      fc.property(sizing, (s) => {
        const estimate = estimateMemory(s);
        const fits =
          estimate.bytes <= usableMemoryBytes(MACHINE) &&
          estimate.recordBytesPerSlice <= MACHINE.maxArrayBytes &&
          estimate.heapBytesPerThread <= MACHINE.heapLimitBytes;
        const problem = memoryProblem(s, MACHINE, "--clients N");
        expect(problem === null).toBe(fits);
        if (problem !== null) expect(problem).toMatch(/^--clients N: this fleet needs about [\d.]+ [KMGTP]?i?B \([\d,]+ clients × ~\d+ B/);
      }),
    );
  });

  it("1e8 virtual clients cannot fit one engine on this kind of machine; 1e6 can", () => {
    const virtual = (fleetClients: number): FleetSizing => ({ mode: "virtual", fleetClients, shard: { index: 1, count: 1 }, workers: 2, check: false });
    expect(memoryProblem(virtual(1e8), MACHINE, "--clients 100000000")).toMatch(/needs about 15 GiB \(100,000,000 clients × ~160 B\)/);
    expect(memoryProblem(virtual(1e6), MACHINE, "--clients 1000000")).toBeNull();
  });
});

describe("realtime wall time", () => {
  it("is the duration over the time scale, in words a person reads", () => {
    expect(realtimeWallMs(30 * 86_400_000, 1e-9)).toBe(30 * 86_400_000 * 1e9);
    expect(formatWallTime(realtimeWallMs(30 * 86_400_000, 1e-9))).toBe("82 million years");
    expect(formatWallTime(realtimeWallMs(8 * 86_400_000, 86_400))).toBe("8s");
  });
});

// ---- Any scenario the schema accepts: refused with exit 2, or sized within the limits ----

const dir = mkdtempSync(join(tmpdir(), "kmssim-limits-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Numbers from ordinary to absurd, integer or not. */
const wild = fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 2 ** 31 }), fc.constantFrom(1e8, 1e9, 1e12, 1e15, 1e300, 2.5, 0.001, 1e-9));

const scenarioText = fc
  .record({
    mode: fc.constantFrom("virtual", "realtime"),
    durationDays: fc.constantFrom(1, 30, 3650, 1e6),
    timeScale: fc.constantFrom(1e-9, 0.001, 1, 86_400, 1e9),
    concurrency: wild,
    counts: fc.array(wild, { minLength: 1, maxLength: 3 }),
  })
  .map((s) =>
    [
      `mode: ${s.mode}`,
      `duration: ${s.durationDays}d`,
      `timeScale: ${s.timeScale}`,
      `hosts: [{ name: kms1, concurrency: ${s.concurrency} }]`,
      "clients:",
      ...s.counts.map((count, i) => `  - { name: g${i}, count: ${count} }`),
      "",
    ].join("\n"),
  );

describe("checkRunInput on any scenario", () => {
  it("refuses with a KmssimError (exit 2) or accepts a run that fits the machine, every array size within its bound", async () => {
    let file = 0;
    const seen = { refused: 0, accepted: 0 };
    await fc.assert(
      fc.asyncProperty(scenarioText, fc.option(wild, { nil: undefined }), async (text, clients) => {
        const path = join(dir, `s${file++}.yaml`);
        writeFileSync(path, text);
        let input;
        try {
          input = await checkRunInput({ scenario: path, clients, workers: 2 }, MACHINE);
        } catch (error) {
          expect(error).toBeInstanceOf(KmssimError);
          expect((error as KmssimError).exitCode).toBe(2);
          seen.refused++;
          return;
        }
        seen.accepted++;
        const { scenario, fleetClients, shard } = input;
        const estimate = estimateMemory({ mode: scenario.mode, fleetClients, shard, workers: 2, check: false });
        expect(estimate.bytes).toBeLessThanOrEqual(usableMemoryBytes(MACHINE));
        expect(estimate.recordBytesPerSlice).toBeLessThanOrEqual(MACHINE.maxArrayBytes);
        expect(Number.isSafeInteger(fleetClients) && fleetClients <= MAX_FLEET_CLIENTS).toBe(true);
        for (const host of scenario.hosts) expect(Number.isInteger(host.concurrency) && host.concurrency <= MAX_HOST_CONCURRENCY).toBe(true);
        expect(scenario.events.length).toBeLessThanOrEqual(MAX_EVENTS);
        if (scenario.mode === "realtime") expect(realtimeWallMs(scenario.durationMs, scenario.timeScale)).toBeLessThanOrEqual(MAX_WALL_MS);
      }),
      { numRuns: 150 },
    );
    // Both sides were exercised, or the property proved nothing.
    expect(seen.refused).toBeGreaterThan(0);
    expect(seen.accepted).toBeGreaterThan(0);
  });
});
