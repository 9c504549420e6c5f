import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Result } from "../../src/results/result.js";
import { kmssim, scenarioPath, tempDirs } from "./helpers.js";

const tmp = tempDirs();

describe("realtime: the two sides of every request agree", () => {
  it("each host's requests − lost − late equals the answers its clients received", async () => {
    const out = join(tmp.make(), "smoke.json");
    const run = await kmssim(["run", scenarioPath("realtime-smoke.yaml"), "--quiet", "--out", out], { timeoutMs: 90_000 });
    expect(run.code).toBe(0);
    const result = JSON.parse(readFileSync(out, "utf8")) as Result;
    expect(result.mode).toBe("realtime");
    expect(result.clients.activated).toBe(result.clients.total);
    for (const host of result.hosts) {
      expect(host.clientAnswered).toBeDefined();
      const slack = result.clients.inFlightAtEnd;
      expect(Math.abs(host.requests - host.lost - host.late - host.clientAnswered!)).toBeLessThanOrEqual(slack);
    }
    // The crash in the smoke scenario: clients met a closed listener and moved on.
    const crashed = result.hosts.find((h) => h.name === "kms2")!;
    expect(crashed.refused).toBeGreaterThan(0);
    expect(result.failovers).toBeGreaterThan(0);
    const ok = result.rpc.activation.ok + result.rpc.renewal.ok;
    expect(result.hosts.reduce((a, h) => a + h.requests, 0)).toBeGreaterThanOrEqual(ok);
  });
});
