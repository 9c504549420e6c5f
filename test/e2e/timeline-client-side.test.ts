// The timeline's client-side fields from a real run of the shipped failover scenario: per
// interval, RPCs completed and failed, failures per host and latency percentiles; and the
// clients' first-activation times. kms1 hangs at 25 h: its clients time out there.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { LatencyRecorder } from "../../src/results/latency-recorder.js";
import type { Result } from "../../src/results/result.js";
import { kmssim, scenarioPath, tempDirs } from "./helpers.js";

const tmp = tempDirs();
const HOUR = 3600;
const HANG_AT = 25 * HOUR;
const RPC_TIMEOUT_MS = 5000;

describe("timeline samples of the failover scenario", () => {
  let result: Result;
  beforeAll(async () => {
    const out = join(tmp.make(), "failover.json");
    const run = await kmssim(["run", scenarioPath("failover.yaml"), "--out", out, "--quiet"]);
    expect(run.code, run.stderr).toBe(0);
    result = JSON.parse(readFileSync(out, "utf8")) as Result;
  });

  it("add up to the run's RPC totals", () => {
    const sum = (pick: (s: Result["timeline"][number]) => number): number => result.timeline.reduce((a, s) => a + pick(s), 0);
    const { activation, renewal } = result.rpc;
    expect(sum((s) => s.rpc!.activation.completed)).toBe(activation.ok + activation.failed);
    expect(sum((s) => s.rpc!.renewal.completed)).toBe(renewal.ok + renewal.failed);
    expect(sum((s) => s.rpc!.all.failed)).toBe(activation.failed + renewal.failed);
    expect(sum((s) => Object.values(s.hostErrors!).reduce((a, n) => a + n, 0))).toBeLessThanOrEqual(activation.failed + renewal.failed);
  });

  it("show the hang: no kms1 failures before it, timeouts and a p99 at the RPC timeout right after", () => {
    const before = result.timeline.filter((s) => s.t > 5 * HOUR && s.t <= HANG_AT);
    const after = result.timeline.filter((s) => s.t > HANG_AT && s.t <= HANG_AT + 4 * HOUR);
    expect(before.some((s) => s.rpc!.all.completed > 0)).toBe(true);
    for (const s of before) {
      expect(s.hostErrors!.kms1, `t=${s.t}`).toBe(0);
      if (s.rpc!.all.latencyMs !== undefined) expect(s.rpc!.all.latencyMs.p99, `t=${s.t}`).toBeLessThan(100);
    }
    const hit = after.filter((s) => s.hostErrors!.kms1 > 0);
    expect(hit.length).toBeGreaterThan(0);
    for (const s of hit) {
      expect(s.rpc!.all.latencyMs!.p99, `t=${s.t}`).toBeGreaterThanOrEqual(RPC_TIMEOUT_MS);
      // Each hung request failed over: kms2 answered the retry fast, so the median stays low.
      expect(s.rpc!.all.latencyMs!.p50, `t=${s.t}`).toBeLessThan(100);
      expect(s.hostRequests.kms1, `t=${s.t}`).toBe(0);
    }
  });

  it("have no percentiles where nothing completed, and no shard-only histograms", () => {
    for (const s of result.timeline) {
      expect(s.rpc!.all.latencyMs === undefined, `t=${s.t}`).toBe(s.rpc!.all.completed === 0);
      expect(s.latencyHistograms).toBeUndefined();
    }
  });

  it("record when each client first activated: all of them, within the boot spread and its retries", () => {
    const times = LatencyRecorder.decode(result.clients.activationTimes!);
    expect(times.count).toBe(result.clients.activated);
    // bootSpread 4h; the histogram holds whole seconds in its µs unit.
    const lastSeconds = times.percentileMs(100) * 1000;
    expect(lastSeconds).toBeGreaterThan(3 * HOUR);
    expect(lastSeconds).toBeLessThan(5 * HOUR);
  });
});
