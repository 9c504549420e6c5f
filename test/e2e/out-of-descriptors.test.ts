// Out of file descriptors (issue 12): `ulimit -n 256` and 2,000 realtime clients. The
// run stops there and exits 3 with a plain message naming descriptors and `ulimit -n`,
// and what it measured until then is written, marked `incomplete` (it used to write nothing).

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, runChild, tempDirs, writeScenario, yaml, type Result } from "./helpers.js";
import { expectNoStack } from "./realtime-helpers.js";

const tmp = tempDirs();

describe("a realtime run that runs out of file descriptors", () => {
  it("exits 3 with a plain message and writes the partial result marked incomplete", async () => {
    const dir = tmp.make();
    const scenario = writeScenario(
      dir,
      "fd.yaml",
      yaml(
        "name: fd",
        "seed: 5",
        "mode: realtime",
        "duration: 3d",
        "hosts:",
        "  - { name: kms1, concurrency: 2000 }",
        "  - { name: kms2, concurrency: 2000 }",
        "clients:",
        "  - { name: fleet, count: 2000, os: win7, bootSpread: 1h }",
      ),
    );
    const out = join(dir, "fd.json");
    // Paths are passed as arguments, not spliced into the shell text.
    const run = await runChild(
      "bash",
      ["-c", 'ulimit -n 256; exec "$0" "$@"', process.execPath, BIN, "run", scenario, "--out", out, "--quiet", "--workers", "2"],
      {
        timeoutMs: 60_000,
      },
    );
    expect(run.code, run.stderr).toBe(3);
    expectNoStack(run.stderr);
    expect(run.stderr).toMatch(/ran out of file descriptors/);
    expect(run.stderr).toMatch(/ulimit -n \d+/);
    expect(run.stderr).toMatch(/what was measured before the failure is in .*fd\.json \("incomplete"\)/);
    expect(existsSync(out), "the partial result was written").toBe(true);
    const result = JSON.parse(readFileSync(out, "utf8")) as Result;
    expect(result.incomplete, "marked incomplete").toBeDefined();
    expect(result.incomplete!.reason).toMatch(/EMFILE|file descriptors/);
    expect(result.pass).toBe(false);
    expect(result.clients.total + result.incomplete!.clientsUnreported).toBe(2000);
    expect(result.rpc.activation.sent, "it holds what was measured").toBeGreaterThan(0);
  }, 90_000);
});
