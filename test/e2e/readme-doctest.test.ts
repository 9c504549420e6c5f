// The README's commands run as written (a doctest, as rustdoc and Python's doctest do):
// every `npx kmssim …` line of a ```sh block runs in a scratch directory and exits 0, and
// every output block (```` ``` ```` starting with `$ npx kmssim …`) prints what the README
// shows, numbers aside. A block that cannot run here says why in a
// `<!-- doctest: skip (reason) -->` line above it; `npm run X` lines must name a script.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, REPO_ROOT } from "./helpers.js";

const README = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
const SCRIPTS = Object.keys((JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts);

interface Block {
  lang: string;
  body: string;
  skip: string | null;
  line: number;
}

function blocks(): Block[] {
  const out: Block[] = [];
  const re = /(?:<!-- doctest: skip \(([^)]*)\) -->\n)?```([a-z]*)\n([\s\S]*?)```/g;
  for (let m = re.exec(README); m !== null; m = re.exec(README)) {
    out.push({ skip: m[1] ?? null, lang: m[2], body: m[3], line: README.slice(0, m.index).split("\n").length });
  }
  return out;
}

/** The shell commands of a block: `\` continuations joined, comments dropped, split at `&&`. */
function commands(body: string): string[] {
  const joined = body.replace(/\\\n\s*/g, "");
  return joined
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .flatMap((line) => line.split("&&").map((part) => part.trim()));
}

const work = mkdtempSync(join(tmpdir(), "kmssim-readme-"));
symlinkSync(join(REPO_ROOT, "scenarios"), join(work, "scenarios"));
// The import example reads the event-log fixtures.
symlinkSync(join(REPO_ROOT, "test"), join(work, "test"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(command: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = command.replace(/^npx kmssim\s+/, "").split(/\s+/);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: work, env: { ...process.env, COLUMNS: "100", NO_COLOR: "1" }, timeout: 180_000 },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr });
      },
    );
  });
}

/** Numbers (and their units of time) vary with the machine; the words and layout do not. */
const shape = (text: string): string[] =>
  text
    .split("\n")
    .map((line) =>
      line
        .replace(/\d[\d,.]*(ms|s|h|d)?/g, "N")
        .replace(/\s+/g, " ")
        .trim(),
    )
    .filter((line) => line !== "");

describe("README doctest", () => {
  const all = blocks();
  const shellBlocks = all.filter((b) => b.lang === "sh");
  const outputBlocks = all.filter((b) => b.lang === "" && b.body.startsWith("$ npx kmssim "));

  it("finds the README's shell and output blocks", () => {
    expect(shellBlocks.length).toBeGreaterThanOrEqual(3);
    expect(outputBlocks.length).toBeGreaterThanOrEqual(2);
  });

  it("every kmssim command in a shell block is written `npx kmssim` (bare `kmssim` is not on PATH after npm ci)", () => {
    const bare = all.filter((b) => b.lang === "sh").flatMap((b) => commands(b.body).filter((c) => /^kmssim\s/.test(c)));
    expect(bare).toEqual([]);
  });

  it("every `npm run X` names a script of package.json", () => {
    const named = shellBlocks.flatMap((b) => commands(b.body)).flatMap((c) => /^npm run ([\w:-]+)/.exec(c)?.[1] ?? []);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((name) => !SCRIPTS.includes(name))).toEqual([]);
  });

  for (const block of shellBlocks.filter((b) => b.skip === null)) {
    const runnable = commands(block.body).filter((c) => c.startsWith("npx kmssim "));
    if (runnable.length === 0) continue;
    it(`the shell block at README line ${block.line} runs: ${runnable.join(" && ")}`, async () => {
      for (const command of runnable) {
        const result = await run(command);
        expect(result.code, `${command}\n${result.stderr}`).toBe(0);
      }
    });
  }

  for (const block of outputBlocks) {
    const [first, ...shown] = block.body.split("\n");
    const command = first.slice(2);
    it(`README line ${block.line}: \`${command}\` prints what the README shows, numbers aside`, async () => {
      const result = await run(command);
      expect(result.code, result.stderr).toBe(0);
      expect(shape(result.stdout)).toEqual(shape(shown.join("\n")));
    });
  }

  it("a skipped block says why", () => {
    for (const block of all.filter((b) => b.skip !== null)) expect(block.skip!.length).toBeGreaterThan(5);
  });

  it("the scenario in one screen is a valid scenario", async () => {
    const at = README.indexOf("A scenario in one screen");
    const start = README.indexOf("```yaml\n", at) + "```yaml\n".length;
    expect(at).toBeGreaterThan(0);
    writeFileSync(join(work, "one-screen.yaml"), README.slice(start, README.indexOf("```", start)));
    const result = await run("npx kmssim validate one-screen.yaml");
    expect(result.code, result.stderr).toBe(0);
  });
});
