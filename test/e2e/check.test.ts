// `kmssim run --check` through the binary: invariants checked after every event of a
// virtual run; a broken one (forced at a named fault site) exits 3 with the seed and the
// command that replays it.

import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, REPO_ROOT, scenarioPath, tempDirs } from "./helpers.js";

const tmp = tempDirs();

function run(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const withoutWallTime = (file: string): unknown => {
  const result = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  delete result.wallSeconds;
  return result;
};

describe("kmssim run --check", () => {
  it("a shipped scenario passes: exit 0, says how many events were checked, and the result is the unchecked one", async () => {
    const dir = tmp.make();
    const checkedOut = join(dir, "checked.json");
    const plainOut = join(dir, "plain.json");
    const checked = await run(["run", scenarioPath("failover.yaml"), "--check", "--quiet", "--out", checkedOut]);
    expect(checked.stderr).not.toMatch(/broken/);
    expect(checked.code).toBe(0);
    const held = /every invariant held over (\d+) events checked \((\d+) full sweeps of the fleet\)/.exec(checked.stderr);
    expect(held).not.toBeNull();
    expect(Number(held![1])).toBeGreaterThan(1000);
    expect(Number(held![2])).toBeGreaterThan(1);

    const plain = await run(["run", scenarioPath("failover.yaml"), "--quiet", "--out", plainOut]);
    expect(plain.code).toBe(0);
    expect(plain.stderr).not.toContain("--check");
    expect(withoutWallTime(checkedOut)).toEqual(withoutWallTime(plainOut));
  });

  it("a forced violation (KMSSIM_INJECT_FAULT=invariant-count) exits 3 naming the invariant, seed, time and event, and the replay command reproduces it", async () => {
    const scenario = scenarioPath("multi-host.yaml");
    const env = { KMSSIM_INJECT_FAULT: "invariant-count" };
    const broken = await run(["run", scenario, "--seed", "31", "--check", "--quiet"], env);
    expect(broken.code).toBe(3);
    expect(broken.stderr).toContain("invariant count-capacity broken");
    expect(broken.stderr).toMatch(/counts \d+ machines for windows-client, more than its CMID cache size 50 \(default 2 × threshold\)/);
    expect(broken.stderr).toMatch(/seed 31 · simulated [^\n]+ \([\d.]+ ms\) · after event #\d+: host-arrival of client \d+ at host \w+/);
    const replay = /replay: (kmssim run .+)\n/.exec(broken.stderr);
    expect(replay![1]).toBe(`kmssim run ${scenario} --seed 31 --check`);
    expect(broken.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace

    // The printed command replays it exactly: same violation, same event.
    const again = await run([...replay![1].split(" ").slice(1), "--quiet"], env);
    expect(again.code).toBe(3);
    expect(again.stderr).toBe(broken.stderr);

    // And the fault site, not the scenario, broke it.
    const clean = await run(["run", scenario, "--seed", "31", "--check", "--quiet"]);
    expect(clean.code).toBe(0);
  });

  it("another fault site names its own invariant (a request to a removed host)", async () => {
    const broken = await run(["run", scenarioPath("failover.yaml"), "--seed", "3", "--check", "--quiet"], { KMSSIM_INJECT_FAULT: "invariant-removed-host" });
    expect(broken.code).toBe(3);
    expect(broken.stderr).toMatch(/invariant removed-host broken: client \d+ sent a request to \w+, which it had removed/);
    expect(broken.stderr).toContain("--seed 3 --check");
  });

  it("is virtual-only: with --mode realtime it is refused with exit 2 and says why", async () => {
    const refused = await run(["run", scenarioPath("realtime-smoke.yaml"), "--check", "--quiet"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--check is virtual-only");
    expect(refused.stderr).toContain("--mode virtual");
    const help = await run(["run", "--help"]);
    expect(help.stdout).toContain("--check");
  });
});
