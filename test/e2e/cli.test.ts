// The command line (design.md, "Command line"; README, "Commands"): help, explain,
// validate, schema, overrides and bad flags, through the real binary.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { expectResultContract, kmssim, REPO_ROOT, runScenario, scenarioPath, stackFrames, tempDirs, type Result } from "./helpers.js";

const tmp = tempDirs();

describe("help", () => {
  it("--help exits 0 and lists run, validate, explain and schema", async () => {
    const run = await kmssim(["--help"]);
    expect(run.code).toBe(0);
    for (const command of ["run", "validate", "explain", "schema"]) expect(run.stdout).toMatch(new RegExp(`kmssim ${command}\\b`));
  });

  it("run --help shows every option of run, with examples", async () => {
    const run = await kmssim(["run", "--help"]);
    expect(run.code).toBe(0);
    for (const option of ["--seed", "--clients", "--out", "--quiet", "--mode"]) expect(run.stdout).toContain(option);
    expect(run.stdout).toMatch(/Examples?:/);
    expect(run.stdout).toMatch(/kmssim run scenarios\/\S+\.yaml/);
  });
});

describe("explain", () => {
  it("explains 0xC004F074: its code, what it means and what to do", async () => {
    const run = await kmssim(["explain", "0xC004F074"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("0xC004F074");
    expect(run.stdout).toMatch(/what to do/i);
    // The remedy talks about what an administrator checks: the SRV records and the hosts.
    expect(run.stdout).toMatch(/SRV|_vlmcs/);
  });

  it("an unknown code exits 2 and says which codes it knows", async () => {
    const run = await kmssim(["explain", "0xDEADBEEF"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("0xDEADBEEF");
    expect(run.stderr).toContain("0xC004F074");
    // Where to look instead: the Windows tools that know every code.
    expect(run.stderr).toContain("slui.exe 0x2a 0xDEADBEEF");
    expect(run.stderr).toContain("certutil -error 0xDEADBEEF");
    expect(stackFrames(run.stderr)).toEqual([]);
  });

  it("knows the KMS article's own example 0xC004C008 (a KMS host key past its activation limit)", async () => {
    const run = await kmssim(["explain", "0xc004c008"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^0xC004C008 {2}SL_E_CHPA_MAXIMUM_UNLOCK_EXCEEDED/);
    expect(run.stdout).toMatch(/What it means:[\s\S]*6 different computers, 10 times[\s\S]*What to do:[\s\S]*host key only on the KMS hosts/);
  });
});

describe("validate", () => {
  it("scenarios/multi-host.yaml is valid", async () => {
    const run = await kmssim(["validate", scenarioPath("multi-host.yaml")]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/ok/i);
    expect(run.stderr).toBe("");
  });
});

describe("schema", () => {
  it("prints a JSON Schema describing hosts and clients; --out writes the same to a file", async () => {
    const run = await kmssim(["schema"]);
    expect(run.code).toBe(0);
    const schema = JSON.parse(run.stdout) as { properties?: Record<string, unknown> };
    expect(schema.properties).toHaveProperty("hosts");
    expect(schema.properties).toHaveProperty("clients");

    const out = join(tmp.make(), "schema.json");
    const written = await kmssim(["schema", "--out", out]);
    expect(written.code).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual(schema);
    expect(schema).toEqual(JSON.parse(readFileSync(join(REPO_ROOT, "schema", "scenario.schema.json"), "utf8")));
  });

  it("--result prints the JSON Schema of result files, the one shipped in schema/", async () => {
    const run = await kmssim(["schema", "--result"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(readFileSync(join(REPO_ROOT, "schema", "result.schema.json"), "utf8")));
  });
});

describe("run overrides", () => {
  it("--clients 1000 on multi-host runs 1000 clients, split across the file's groups", async () => {
    const { result, code } = await runScenario(tmp.make(), { path: scenarioPath("multi-host.yaml") }, ["--clients", "1000"]);
    expect([0, 1]).toContain(code);
    expect(code).toBe(result.pass ? 0 : 1);
    expectResultContract(result);
    expect(result.clients.total).toBe(1000);
  });

  it("without --quiet and --out, prints a human summary naming the scenario and its verdict", async () => {
    const run = await kmssim(["run", scenarioPath("single-host.yaml")]);
    expect(run.code).toBe(0);
    const spec = parse(readFileSync(scenarioPath("single-host.yaml"), "utf8")) as { name: string };
    expect(run.stdout).toContain(spec.name);
    expect(run.stdout).toMatch(/PASS/);
  });
});

describe("bad flags and commands exit 2 without a stack trace", () => {
  const cases: { title: string; args: string[]; mention: RegExp }[] = [
    { title: "unknown flag", args: ["run", scenarioPath("single-host.yaml"), "--bogus-flag"], mention: /bogus-flag/ },
    { title: "unknown command", args: ["frobnicate"], mention: /frobnicate/ },
    { title: "misspelt command: did you mean", args: ["valdiate", scenarioPath("single-host.yaml")], mention: /did you mean '?validate'?/ },
    { title: "--clients fewer than the client groups", args: ["run", scenarioPath("multi-host.yaml"), "--clients", "1"], mention: /--clients/ },
    { title: "--seed negative", args: ["run", scenarioPath("single-host.yaml"), "--seed", "-3"], mention: /--seed/ },
  ];
  it.each(cases)("$title", async ({ args, mention }) => {
    const run = await kmssim(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(mention);
    expect(stackFrames(run.stderr)).toEqual([]);
  });
});

describe("explain with a negative decimal, as event logs print HRESULTs", () => {
  it("`explain -- -1073418124` and `explain -1073418124` explain 0xC004F074 only", async () => {
    for (const args of [
      ["explain", "--", "-1073418124"],
      ["explain", "-1073418124"],
    ]) {
      const run = await kmssim(args);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^0xC004F074 {2}SL_E_VL_BINDING_SERVICE_UNAVAILABLE/);
      expect(run.stdout.match(/^0x[0-9A-F]{8} /gm)).toHaveLength(1);
    }
  });
});

describe("--timeline-csv", () => {
  it("writes the timeline as CSV to a file, or to stdout with `-` (the summary then goes to stderr)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kmssim-csv-"));
    try {
      const file = join(dir, "timeline.csv");
      const run = await kmssim(["run", scenarioPath("multi-host.yaml"), "--quiet", "--out", join(dir, "r.json"), "--timeline-csv", file]);
      expect(run.code, run.stderr).toBe(0);
      const result = JSON.parse(readFileSync(join(dir, "r.json"), "utf8")) as Result;
      const lines = readFileSync(file, "utf8").trimEnd().split("\r\n");
      expect(lines[0]).toBe("t_seconds,activated,licensed,jain,max_share_deviation,requests_kms1,requests_kms2,requests_kms3");
      expect(lines).toHaveLength(result.timeline.length + 1);
      const piped = await kmssim(["run", scenarioPath("multi-host.yaml"), "--timeline-csv", "-"]);
      expect(piped.code, piped.stderr).toBe(0);
      expect(piped.stdout.trimEnd().split("\r\n")).toEqual(lines);
      expect(piped.stderr).toContain("PASS");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("KMSSIM_* variables", () => {
  it("set run flags (KMSSIM_SEED, KMSSIM_OUT, KMSSIM_QUIET); the command line wins; a bad one exits 2", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kmssim-env-"));
    try {
      const out = join(dir, "r.json");
      const run = await kmssim(["run", scenarioPath("multi-host.yaml")], { env: { KMSSIM_SEED: "7", KMSSIM_OUT: out, KMSSIM_QUIET: "1" } });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe("");
      expect((JSON.parse(readFileSync(out, "utf8")) as Result).seed).toBe(7);
      const flag = await kmssim(["run", scenarioPath("multi-host.yaml"), "--seed", "9", "--quiet"], { env: { KMSSIM_SEED: "7", KMSSIM_OUT: out } });
      expect(flag.code, flag.stderr).toBe(0);
      expect((JSON.parse(readFileSync(out, "utf8")) as Result).seed).toBe(9);
      const bad = await kmssim(["run", scenarioPath("multi-host.yaml")], { env: { KMSSIM_QUIET: "maybe" } });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("KMSSIM_QUIET=maybe");
      expect(stackFrames(bad.stderr)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
