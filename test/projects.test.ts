// The split of the suite (test/projects.ts): every test file runs in exactly one project, the
// list names no file that is gone, and no file of the parallel project reaches for a socket,
// a child process, a worker thread or the wall clock (they would disturb each other there),
// or leaves fake timers, mocks or listeners behind for the next file in its worker.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { PARALLEL_TESTS } from "./projects.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** Every *.test.ts below test/, as "test/…" paths. */
function testFiles(): string[] {
  const entries = readdirSync(join(ROOT, "test"), { recursive: true, encoding: "utf8" });
  return entries
    .map((p) => `test/${p.split("\\").join("/")}`)
    .filter((p) => p.endsWith(".test.ts"))
    .sort();
}

/** Same rule as the globs of parallelGlobs(): a folder entry takes every file below it. */
const inParallel = (file: string): boolean => PARALLEL_TESTS.some((e) => (e.endsWith("/") ? file.startsWith(e) : file === e));

/** What a parallel test must not use, with why. */
const FORBIDDEN: readonly { pattern: RegExp; why: string }[] = [
  { pattern: /from "node:(net|dgram|http|https|child_process|worker_threads)"/, why: "sockets, processes or threads" },
  { pattern: /\b(runRealtime|EmbeddedDnsServer|startMetricsServer|hostCommand|dnsCommand|describeNeeding)\b/, why: "real sockets" },
  { pattern: /\.listen\(|new Worker\(/, why: "a listener or a worker" },
  { pattern: /from "\.\.\/(e2e|bind)\//, why: "the end-to-end or BIND helpers" },
  { pattern: /vi\.(mock|doMock)\(/, why: "a module mock, which would reach the next file in the same worker" },
];
/** The parallel project shares modules between files (isolate: false): what one file changes, it must undo. */
const UNDONE: readonly { does: RegExp; undo: RegExp }[] = [
  { does: /vi\.useFakeTimers\(/, undo: /vi\.useRealTimers\(/ },
  { does: /vi\.spyOn\(/, undo: /vi\.restoreAllMocks\(|\.mockRestore\(/ },
  { does: /vi\.stubEnv\(/, undo: /vi\.unstubAllEnvs\(/ },
  { does: /vi\.stubGlobal\(/, undo: /vi\.unstubAllGlobals\(/ },
  { does: /process\.on\(/, undo: /process\.(off|removeListener)\(/ },
];
/** The wall clock, allowed only in a file that fakes the timers. */
const WALL_CLOCK = /\bsetTimeout\(|\bsetInterval\(|Date\.now\(\)|performance\.now\(\)|wallNowMs\(\)/;

describe("the two test projects", () => {
  it("have at least one file each", () => {
    const files = testFiles();
    expect(files.filter(inParallel).length).toBeGreaterThan(0);
    expect(files.filter((f) => !inParallel(f)).length).toBeGreaterThan(0);
  });

  it("list only folders and files that exist (a moved socket test must not slip into the parallel project)", () => {
    const missing = PARALLEL_TESTS.filter((entry) => {
      try {
        const stat = statSync(join(ROOT, entry));
        return entry.endsWith("/") ? !stat.isDirectory() : !stat.isFile() || !entry.endsWith(".test.ts");
      } catch {
        return true;
      }
    });
    expect(missing).toEqual([]);
  });

  it("keep sockets, processes, workers, the wall clock and leftover fakes out of the parallel project", () => {
    const problems: string[] = [];
    const self = "test/projects.test.ts"; // names the patterns it looks for
    for (const file of testFiles().filter((f) => inParallel(f) && f !== self)) {
      const text = readFileSync(join(ROOT, file), "utf8");
      for (const { pattern, why } of FORBIDDEN) {
        const hit = pattern.exec(text);
        if (hit !== null) problems.push(`${file}: ${hit[0]} (${why})`);
      }
      for (const { does, undo } of UNDONE) {
        const hit = does.exec(text);
        if (hit !== null && !undo.test(text)) problems.push(`${file}: ${hit[0]} never undone`);
      }
      const clock = WALL_CLOCK.exec(text);
      if (clock !== null && !text.includes("useFakeTimers")) problems.push(`${file}: ${clock[0]} without fake timers`);
    }
    expect(problems).toEqual([]);
  });
});
