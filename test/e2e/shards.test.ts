// `kmssim run --shard i/N` and `kmssim merge` through the built binary: the merged shards of
// a virtual run are the single run (counters and histograms byte for byte), and bad input
// (a broken --shard, --check with --shard, shards that do not belong together) is exit 2.

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { kmssim, runScenario, scenarioPath, stackFrames, tempDirs, writeScenario, yaml, type Result } from "./helpers.js";

const tmp = tempDirs();
const FAILOVER = scenarioPath("failover.yaml");

describe("kmssim run --shard and kmssim merge (virtual)", () => {
  let dir: string;
  let single: Result;
  let shardFiles: string[];
  let shards: Result[];
  beforeAll(async () => {
    dir = tmp.make();
    single = (await runScenario(dir, { path: FAILOVER }, ["--clients", "900"])).result;
    const runs = await Promise.all([1, 2, 3].map((i) => runScenario(dir, { path: FAILOVER }, ["--clients", "900", "--shard", `${i}/3`])));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    shardFiles = runs.map((r) => r.outPath);
    shards = runs.map((r) => r.result);
  }, 120_000);

  it("writes each shard's part of the fleet with the shard's identity", () => {
    expect(shards.map((s) => s.shard?.index)).toEqual([1, 2, 3]);
    expect(shards.map((s) => s.clients.total)).toEqual([300, 300, 300]);
    expect(new Set(shards.map((s) => s.shard?.runDigest)).size).toBe(1);
    expect(shards[0].shard?.fleetClients).toBe(900);
  });

  it("merges into the single run: same counters, histograms and timeline", async () => {
    const out = join(dir, "merged.json");
    // Any order of files.
    const run = await kmssim(["merge", shardFiles[2], shardFiles[0], shardFiles[1], "--out", out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("merged from 3 shards");
    const merged = JSON.parse(readFileSync(out, "utf8")) as Result;
    expect(merged.merged).toEqual({ shards: 3, runDigest: shards[0].shard?.runDigest });
    const strip = (r: Result): Partial<Result> => {
      const copy: Partial<Result> = { ...r };
      delete copy.wallSeconds;
      delete copy.merged;
      return copy;
    };
    expect(strip(merged)).toEqual(strip(single));
  });

  it.skipIf(process.getuid?.() !== 0 && !existsSync("/dev/full"))(
    "a merged --out that cannot be written costs neither --html nor the summary (--quiet)",
    async () => {
      let full = "/dev/full";
      if (process.getuid?.() === 0) {
        full = join(tmp.make(), "full");
        execFileSync("mknod", [full, "c", "1", "7"]);
      }
      const html = join(dir, "merged.html");
      const run = await kmssim(["merge", ...shardFiles, "--quiet", "--out", full, "--html", html]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`cannot write '${full}': no space left on the disk (ENOSPC)`);
      expect(readFileSync(html, "utf8")).toMatch(/^<!doctype html>/i);
      expect(run.stderr).toContain("merged from 3 shards");
      expect(run.stderr).toContain(`written all the same: ${html}`);
    },
  );

  it("refuses a missing shard and shards of another run (exit 2, the files named, no stack trace)", async () => {
    const missing = await kmssim(["merge", shardFiles[0], shardFiles[2]]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("1 is missing: 2/3");
    expect(stackFrames(missing.stderr)).toEqual([]);

    const other = await runScenario(dir, { path: FAILOVER }, ["--clients", "900", "--shard", "2/3", "--seed", "12"]);
    const mixed = await kmssim(["merge", shardFiles[0], other.outPath, shardFiles[2]]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/are shards of different runs \(seed 12 vs 11\)/);

    const none = await kmssim(["merge"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("merge needs the shard results");

    const whole = await runScenario(dir, { path: FAILOVER }, ["--clients", "900"]);
    const notShard = await kmssim(["merge", whole.outPath]);
    expect(notShard.code).toBe(2);
    expect(notShard.stderr).toContain("is not a shard result");
  }, 60_000);

  it("rejects a malformed --shard, --check with --shard, more shards than clients and realtime-only flags in virtual mode", async () => {
    for (const [args, message] of [
      [["--shard", "4/3"], /--shard: the shard number i must be from 1 to 3/],
      [["--shard", "two"], /--shard: expected i\/N/],
      [["--shard", "1/2", "--check"], /--check cannot be combined with --shard/],
      [["--shard", "1/5000", "--clients", "100"], /more shards than the 100 clients/],
      [["--shard", "1/2", "--external-hosts", "--allow-address", "10.0.0.5"], /--external-hosts, --allow-address are for realtime runs/],
      [["--start-at", "2030-01-01T00:00:00Z"], /--start-at is for realtime runs/],
      // failover.yaml judges hosts.kms1.unanswered, which only the host counts.
      [["--mode", "realtime", "--external-hosts"], /with --external-hosts the hosts run elsewhere .* cannot judge hosts\.kms1\.unanswered/],
    ] as const) {
      const run = await kmssim(["run", FAILOVER, "--quiet", ...args]);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(stackFrames(run.stderr)).toEqual([]);
    }
  });

  it("judges thresholds on the merged result, never per shard", async () => {
    // A threshold only the whole fleet meets: each shard runs and exits 0, the merge passes;
    // one the whole fleet fails fails only the merge.
    const path = writeScenario(
      dir,
      "half.yaml",
      yaml(
        "name: half",
        "seed: 4",
        "duration: 1d",
        "hosts: [{ name: kms1 }]",
        "clients: [{ name: desktops, count: 40, os: win7, product: windows-client }]",
        "thresholds: [{ metric: clients.total, eq: 40 }]",
      ),
    );
    const parts = await Promise.all([1, 2].map((i) => runScenario(dir, { path }, ["--shard", `${i}/2`])));
    for (const part of parts) {
      expect(part.code, part.stderr).toBe(0);
      expect(part.result.clients.total).toBe(20);
      expect(part.result.thresholds).toEqual([]);
      expect(part.result.shard?.thresholds).toEqual([{ metric: "clients.total", op: "eq", value: 40 }]);
    }
    const shown = await kmssim(["run", path, "--shard", "1/2"]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain("shard 1/2 of 40 clients");
    expect(shown.stdout).toContain("its threshold is judged on the merged result (kmssim merge)");
    const merged = await kmssim(["merge", ...parts.map((p) => p.outPath), "--out", join(dir, "half.json")]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toMatch(/✓\s+clients.total\s+= 40\s+actual 40/);

    const strict = writeScenario(dir, "strict.yaml", readFileSync(path, "utf8").replace("eq: 40", "gt: 40"));
    const strictParts = await Promise.all([1, 2].map((i) => runScenario(dir, { path: strict }, ["--shard", `${i}/2`])));
    expect(strictParts.map((p) => p.code)).toEqual([0, 0]);
    const failed = await kmssim(["merge", ...strictParts.map((p) => p.outPath)]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("thresholds failed on the merged result of 2 shards");
  });
});
