// Output files through the real binary (design.md, "Files the user names"): `--out -` and a
// link to /dev/stdout give clean JSON on a pipe, a FIFO stays a FIFO, a full device is a
// plain exit 2. Only private FIFOs, device nodes and links in temp folders: /dev is never at risk.

import { execFileSync } from "node:child_process";
import { createReadStream, existsSync, lstatSync, readFileSync, readdirSync, readlinkSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kmssim, stackFrames, tempDirs, writeScenario, yaml, type Result } from "./helpers.js";

const tmp = tempDirs();
const TINY = yaml(
  "name: tiny-out",
  "seed: 3",
  "duration: 2d",
  "hosts:",
  "  - { name: kms1 }",
  "clients:",
  "  - { name: d, count: 30, os: win7, bootSpread: 1h }",
);

describe("output on stdout and special files", () => {
  it("--out - : the JSON alone on stdout, the summary on stderr", async () => {
    const dir = tmp.make();
    const run = await kmssim(["run", writeScenario(dir, "tiny.yaml", TINY), "--out", "-"]);
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as Result).clients.total).toBe(30);
    expect(run.stderr).toMatch(/tiny-out/);
    expect(readdirSync(dir)).toEqual(["tiny.yaml"]);
  });

  it("--out through a link to /dev/stdout, piped: parseable JSON, the link still a link", async () => {
    const dir = tmp.make();
    const link = join(dir, "to-stdout");
    symlinkSync("/dev/stdout", link);
    const run = await kmssim(["run", writeScenario(dir, "tiny.yaml", TINY), "--out", link]);
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as Result).schema).toBe("kmssim/result@1");
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe("/dev/stdout");
  });

  it("--out a FIFO: read whole by its reader, still a FIFO", async () => {
    const dir = tmp.make();
    const fifo = join(dir, "results.pipe");
    execFileSync("mkfifo", [fifo]);
    let text = "";
    const reader = createReadStream(fifo, { encoding: "utf8" });
    const read = new Promise<void>((resolve, reject) => {
      reader
        .on("data", (chunk) => (text += chunk))
        .on("end", resolve)
        .on("error", reject);
    });
    const run = await kmssim(["run", writeScenario(dir, "tiny.yaml", TINY), "--out", fifo, "--quiet"], { timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    // The writer has closed: the end arrives; bounded in case it never does.
    const bound = setTimeout(() => reader.destroy(new Error("the FIFO never ended")), 10_000);
    await read.finally(() => clearTimeout(bound));
    expect((JSON.parse(text) as Result).clients.total).toBe(30);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it.skipIf(process.getuid?.() !== 0)("--out a full device (a private node): exit 2, ENOSPC in words, still a device", async () => {
    const dir = tmp.make();
    const full = join(dir, "full");
    execFileSync("mknod", [full, "c", "1", "7"]);
    const run = await kmssim(["run", writeScenario(dir, "tiny.yaml", TINY), "--out", full, "--quiet"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`cannot write '${full}': no space left on the disk (ENOSPC)`);
    expect(stackFrames(run.stderr)).toEqual([]);
    expect(lstatSync(full).isCharacterDevice()).toBe(true);
  });
});

const CAN_FILL = process.getuid?.() === 0 || existsSync("/dev/full");

/** A device every write to fails with ENOSPC: a private node as root, else the machine's /dev/full (writing it changes nothing). */
function fullDevice(dir: string): string {
  if (process.getuid?.() !== 0) return "/dev/full";
  execFileSync("mknod", [join(dir, "full"), "c", "1", "7"]);
  return join(dir, "full");
}

describe("one output that cannot be written costs none of the others", () => {
  it.skipIf(!CAN_FILL)("--out fails at the end: --timeline-csv and --html are still written, and --quiet's summary goes to stderr", async () => {
    const dir = tmp.make();
    const full = fullDevice(dir);
    const html = join(dir, "h2.html");
    const csv = join(dir, "t.csv");
    const run = await kmssim(["run", writeScenario(dir, "tiny.yaml", TINY), "--quiet", "--out", full, "--timeline-csv", csv, "--html", html]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`cannot write '${full}': no space left on the disk (ENOSPC)`);
    expect(readFileSync(html, "utf8")).toMatch(/^<!doctype html>/i);
    expect(readFileSync(csv, "utf8").split("\n").length).toBeGreaterThan(2);
    // The measurements are not lost: the summary (its scenario name) and where the files went.
    expect(run.stderr).toMatch(/tiny-out/);
    expect(run.stderr).toContain(`written all the same: ${csv}, ${html}`);
    expect(run.stdout).toBe("");
    expect(stackFrames(run.stderr)).toEqual([]);
  });

  it.skipIf(!CAN_FILL)("two outputs fail: both are reported, in one exit 2", async () => {
    const dir = tmp.make();
    const full = fullDevice(dir);
    const run = await kmssim(["run", writeScenario(dir, "tiny.yaml", TINY), "--quiet", "--out", full, "--html", full]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("2 outputs could not be written");
    expect(run.stderr.split(`cannot write '${full}': no space left on the disk (ENOSPC)`)).toHaveLength(3);
    expect(run.stderr).toMatch(/tiny-out/);
    expect(stackFrames(run.stderr)).toEqual([]);
  });
});
