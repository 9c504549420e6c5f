// What a user's terminal gets: colours only when wanted (NO_COLOR, FORCE_COLOR), the
// summary within the terminal's width (COLUMNS when not a terminal).
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { visibleWidth } from "../../src/format/format-table.js";
import { BIN, kmssim, scenarioPath } from "./helpers.js";

// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/g;

/** The run inside a pseudo-terminal (util-linux `script`), so stdout is a TTY. */
function inTerminal(env: Record<string, string>): Promise<string> {
  const command = `stty cols 100; node ${BIN} run ${scenarioPath("failover.yaml")} --clients 300`;
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qfec", command, "/dev/null"], { env: { ...process.env, ...env, TERM: "xterm" } });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", () => resolve(out));
  });
}

describe("terminal output", () => {
  it("a terminal gets colours, unless NO_COLOR is set", async () => {
    const coloured = await inTerminal({});
    expect(coloured.match(SGR)?.length ?? 0).toBeGreaterThan(10);
    const plain = await inTerminal({ NO_COLOR: "1" });
    expect(plain).toContain("PASS");
    expect(plain.match(SGR) ?? []).toEqual([]);
  });

  it("FORCE_COLOR colours a pipe", async () => {
    const run = await kmssim(["run", scenarioPath("failover.yaml"), "--clients", "300"], { env: { FORCE_COLOR: "1" } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.match(SGR)?.length ?? 0).toBeGreaterThan(10);
  });

  for (const columns of [80, 100]) {
    it(`the summary fits COLUMNS=${columns}`, async () => {
      const run = await kmssim(["run", scenarioPath("failover.yaml"), "--clients", "300"], { env: { COLUMNS: String(columns) } });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout.split("\n").filter((line) => visibleWidth(line) > columns)).toEqual([]);
      expect(run.stdout).toMatch(/PASS\s+4 of 4 thresholds passed/);
    });
  }
});
