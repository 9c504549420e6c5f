// The real thing: a scenario naming /proc/self/environ as its key file, a zone file or a
// result that is the environment. The process's own environment holds a secret; no output shows it.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kmssim, stackFrames, tempDirs, writeScenario, yaml } from "./helpers.js";

const tmp = tempDirs();
const SECRET = "Mk7qCiTokenValue0123456789";
const env = { KMSSIM_TEST_CI_TOKEN: SECRET };

function expectClean(run: { code: number | null; stdout: string; stderr: string }): void {
  expect(run.code).toBe(2);
  expect(`${run.stdout}${run.stderr}`).not.toContain("Mk7q");
  expect(run.stderr).not.toContain("KMSSIM_TEST_CI_TOKEN");
  expect(stackFrames(run.stderr)).toEqual([]);
}

describe("a user-named file that is the process environment", () => {
  it("kmssim validate with dns.keyFile: /proc/self/environ names the file and line only", async () => {
    const scenario = writeScenario(
      tmp.make(),
      "s.yaml",
      yaml("name: environ-key", "mode: realtime", "dns: { keyFile: /proc/self/environ }", "hosts: [ { name: kms1 } ]", "clients: [ { name: c, count: 1 } ]"),
    );
    const run = await kmssim(["validate", scenario], { env, timeoutMs: 30_000 });
    expectClean(run);
    expect(run.stderr).toMatch(/dns\.keyFile: \/proc\/self\/environ:1:1: expected a "key" block, found a word/);
  });

  it("kmssim dns --zone-file /proc/self/environ and --key-file /proc/self/environ", async () => {
    const zone = await kmssim(["dns", "--listen", "127.0.0.1:0", "--zone-file", "/proc/self/environ"], { env, timeoutMs: 30_000 });
    expectClean(zone);
    expect(zone.stderr).toMatch(/zone file '\/proc\/self\/environ' has \d+ problems?/);
    const key = await kmssim(["dns", "--listen", "127.0.0.1:0", "--domain", "corp.example", "--key-file", "/proc/self/environ"], { env, timeoutMs: 30_000 });
    expectClean(key);
  });

  it("kmssim compare and report with /proc/self/environ as the result", async () => {
    const compare = await kmssim(["compare", "/proc/self/environ", "/proc/self/environ"], { env, timeoutMs: 30_000 });
    expectClean(compare);
    const report = await kmssim(["report", "/proc/self/environ", "--html", join(tmp.make(), "r.html")], { env, timeoutMs: 30_000 });
    expectClean(report);
  });
});
