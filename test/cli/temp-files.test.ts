// A process that exits while an atomic write is between creating its temp file and the
// rename (a third Ctrl-C quits at once) leaves no temp file behind.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../e2e/helpers.js";

const dir = mkdtempSync(join(tmpdir(), "kmssim-temp-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("an exit in the middle of an atomic write", () => {
  it("removes the temp file it had created; the target is not written", () => {
    const module = pathToFileURL(join(REPO_ROOT, "dist", "cli", "write-file-atomic.js")).href;
    // The child starts a large write, waits until its temp file exists, then exits at once.
    const script = `
      import { readdirSync } from "node:fs";
      const { writeFileAtomic } = await import(${JSON.stringify(module)});
      const dir = ${JSON.stringify(dir)};
      void writeFileAtomic(dir + "/result.json", "x".repeat(64 * 1024 * 1024));
      const deadline = Date.now() + 30000;
      const poll = () => {
        const temps = readdirSync(dir).filter((n) => n.endsWith(".tmp"));
        if (temps.length > 0) { console.log("saw " + temps[0]); process.exit(130); }
        if (Date.now() > deadline) { console.log("no temp file seen"); process.exit(1); }
        setImmediate(poll);
      };
      poll();
    `;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 60_000 });
    expect(child.stdout, child.stderr).toMatch(/^saw result\.json\.[0-9a-f]{16}\.tmp/);
    expect(child.status).toBe(130);
    expect(readdirSync(dir)).toEqual([]);
  });
});
