// `--out` writes the result atomically (README, "The result JSON"): whatever moment the
// process dies at, the file holds the old content or a complete new result, never a part;
// a write that cannot happen says why in plain words and leaves the old file alone.

import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BIN, REPO_ROOT, kmssim, runChild, stackFrames, tempDirs, writeScenario, yaml } from "./helpers.js";

const tmp = tempDirs();

const OLD = `${JSON.stringify({ schema: "kmssim/result@1", note: "the previous run" })}\n`;

// ~2.5 MB of result (8,640 timeline samples), about a second of simulation here.
const BIG = yaml(
  "name: big-result",
  "seed: 9",
  "duration: 60d",
  "sampleInterval: 10m",
  "hosts:",
  "  - { name: kms1 }",
  "  - { name: kms2 }",
  "clients:",
  "  - { name: desktops, count: 300, os: win7, bootSpread: 1d }",
);

type Outcome = "old" | "new";

/** The file is the old content or a whole result; anything else fails the test. */
function classify(path: string): Outcome {
  const text = readFileSync(path, "utf8");
  if (text === OLD) return "old";
  expect(text.endsWith("}\n"), `a result cut short (${text.length} bytes)`).toBe(true);
  const parsed = JSON.parse(text) as { schema?: string; timeline?: unknown[] };
  expect(parsed.schema).toBe("kmssim/result@1");
  expect(parsed.timeline?.length).toBeGreaterThan(8000);
  return "new";
}

/** Files in `dir` besides `name`: only temp files of a killed writer may be left. */
function leftovers(dir: string, name: string): string[] {
  const others = readdirSync(dir).filter((f) => f !== name && !f.endsWith(".yaml"));
  for (const f of others) expect(f).toMatch(new RegExp(`^${name.replace(".", "\\.")}\\.[0-9a-f]{16}\\.tmp$`));
  return others;
}

/**
 * Polls every 2 ms (at most `limitMs`) until the result starts being written: a temp file
 * of `path` appears, or `path` itself changes (a writer that is not atomic).
 */
async function writeStarts(path: string, limitMs: number): Promise<boolean> {
  const dir = dirname(path);
  const name = basename(path);
  for (let waited = 0; waited < limitMs; waited += 2) {
    if (readdirSync(dir).some((f) => f.startsWith(`${name}.`) && f.endsWith(".tmp"))) return true;
    if (statSync(path).size !== OLD.length) return true;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return false;
}

function killed(child: ReturnType<typeof spawn>): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.on("close", (code, signal) => resolve({ code, signal })));
}

describe("--out survives the process being killed (SIGKILL)", () => {
  it("during the run or while the result is written: the old file, or a complete new one", async () => {
    const dir = tmp.make();
    const scenario = writeScenario(dir, "big.yaml", BIG);
    const out = join(dir, "result.json");
    // Kill plans: at a moment of the run, or right after the temp file appears (in the write).
    const plans = fc.sample(
      fc.oneof(
        fc.record({ when: fc.constant("run" as const), afterMs: fc.integer({ min: 50, max: 1500 }) }),
        fc.record({ when: fc.constant("write" as const), afterMs: fc.integer({ min: 0, max: 150 }) }),
      ),
      { numRuns: 6, seed: 20261125 },
    );
    const seen: Outcome[] = [];
    for (const plan of plans) {
      writeFileSync(out, OLD);
      const child = spawn(process.execPath, [BIN, "run", scenario, "--out", out, "--quiet"], { cwd: REPO_ROOT, stdio: "ignore" });
      const ended = killed(child);
      if (plan.when === "write") await writeStarts(out, 30_000);
      await new Promise((resolve) => setTimeout(resolve, plan.afterMs));
      child.kill("SIGKILL");
      await ended;
      seen.push(classify(out));
      for (const f of leftovers(dir, "result.json")) rmSync(join(dir, f));
    }
    // Every kill ended in one of the two; which one depends on the machine's speed.
    expect(seen).toHaveLength(plans.length);
  }, 120_000);

  it("writeFileAtomic itself, killed at random moments inside a 40 MB write", async () => {
    const dir = tmp.make();
    const out = join(dir, "result.json");
    const writer = join(tmp.make(), "writer.mjs");
    const modulePath = join(REPO_ROOT, "dist", "cli", "write-file-atomic.js");
    writeFileSync(
      writer,
      [
        `import { writeFileAtomic } from ${JSON.stringify(modulePath)};`,
        `const body = JSON.stringify({ schema: "kmssim/result@1", pad: "x".repeat(40 * 1024 * 1024) }) + "\\n";`,
        `process.stdout.write("go\\n");`,
        `await writeFileAtomic(process.argv[2], body);`,
        `process.stdout.write("done\\n");`,
      ].join("\n"),
    );
    const newLength = JSON.stringify({ schema: "kmssim/result@1", pad: "x".repeat(40 * 1024 * 1024) }).length + 1;
    const delays = fc.sample(fc.integer({ min: 0, max: 400 }), { numRuns: 8, seed: 77 });
    const seen: Outcome[] = [];
    for (const delayMs of delays) {
      writeFileSync(out, OLD);
      const child = spawn(process.execPath, [writer, out], { stdio: ["ignore", "pipe", "inherit"] });
      const ended = killed(child);
      await new Promise<void>((resolve) => {
        child.stdout!.setEncoding("utf8").on("data", (chunk: string) => chunk.includes("go") && resolve());
        void ended.then(() => resolve());
      });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      child.kill("SIGKILL");
      await ended;
      const text = readFileSync(out, "utf8");
      if (text === OLD) seen.push("old");
      else {
        expect(text.length, "the whole new file or the old one").toBe(newLength);
        expect(text.endsWith('"}\n')).toBe(true);
        seen.push("new");
      }
      for (const f of leftovers(dir, "result.json")) rmSync(join(dir, f));
    }
    expect(seen).toHaveLength(delays.length);
  }, 120_000);
});

describe("--out that cannot be written", () => {
  it("a folder: plain message, exit 2, the folder and its files untouched", async () => {
    const dir = tmp.make();
    const scenario = writeScenario(dir, "small.yaml", BIG.replace("sampleInterval: 10m", "sampleInterval: 1d"));
    const folder = join(dir, "results");
    mkdirSync(folder);
    writeFileSync(join(folder, "keep.json"), OLD);
    const run = await kmssim(["run", scenario, "--out", folder, "--quiet"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot write '.*results': it is a folder/);
    expect(stackFrames(run.stderr)).toEqual([]);
    expect(statSync(folder).isDirectory()).toBe(true);
    expect(readdirSync(folder)).toEqual(["keep.json"]);
    expect(readFileSync(join(folder, "keep.json"), "utf8")).toBe(OLD);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("a folder without write permission: plain message, exit 2, the old result intact", async () => {
    const dir = tmp.make();
    const scenario = writeScenario(dir, "small.yaml", BIG.replace("sampleInterval: 10m", "sampleInterval: 1d"));
    const folder = join(dir, "locked");
    mkdirSync(folder);
    const out = join(folder, "result.json");
    writeFileSync(out, OLD);
    chmodSync(folder, 0o555);
    chmodSync(dir, 0o755);
    // root writes anywhere: run as nobody then (setpriv, util-linux), like any user.
    const asUser = process.getuid?.() === 0 ? ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", process.execPath] : [process.execPath];
    const run = await runChild(asUser[0], [...asUser.slice(1), BIN, "run", scenario, "--out", out, "--quiet"]);
    chmodSync(folder, 0o755);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/cannot write '.*result\.json': no permission to write in its folder \(EACCES\); any file already there is unchanged/);
    expect(stackFrames(run.stderr)).toEqual([]);
    expect(readFileSync(out, "utf8")).toBe(OLD);
    expect(readdirSync(folder)).toEqual(["result.json"]);
    expect(existsSync(`${out}.tmp`)).toBe(false);
  });
});
