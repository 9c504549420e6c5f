// `kmssim import` end to end: the fixtures' two exports (CSV and XML, written from the
// documented field order) become a scenario and a trace; `kmssim run` replays them; bad
// exports and traces outside the scenario's folder are refused with exit 2 and the line.

import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kmssim, REPO_ROOT, stackFrames, tempDirs, type Result } from "./helpers.js";

const tmp = tempDirs();
const FIXTURES = join(REPO_ROOT, "test", "fixtures", "kms-logs");
const EXPORTS = [join(FIXTURES, "kms1.csv"), join(FIXTURES, "kms2.xml")];

describe("kmssim import", () => {
  it("--audit: which hosts clients used (12288) against a scenario's SRV records or a discover report; exit 1 where they differ", async () => {
    const clients = join(FIXTURES, "clients.csv");
    const audit = await kmssim(["import", clients, "--audit", "--srv", join(REPO_ROOT, "scenarios", "replay-monday.yaml")], { env: { COLUMNS: "160" } });
    expect(audit.code, audit.stderr).toBe(1);
    const row = (host: string): string[] => (audit.stdout.split("\n").find((l) => l.trim().startsWith(host)) ?? "").trim().split(/\s{2,}/);
    expect(row("kms2.corp.example:1688")).toEqual(["kms2.corp.example:1688", "246", "182", "56.2%", "40.0%", "more than promised"]);
    expect(row("kms1.corp.example:1688")).toEqual(["kms1.corp.example:1688", "192", "192", "43.8%", "60.0%", "less than promised"]);
    expect(audit.stdout).toContain("2 hosts differ from what");

    const dir = tmp.make();
    const report = join(dir, "srv.json");
    const records = [
      { target: "kms1.corp.example", port: 1688, priority: 0, weight: 45 },
      { target: "kms2.corp.example", port: 1688, priority: 0, weight: 55 },
    ];
    writeFileSync(report, JSON.stringify({ schema: "kmssim/discover@1", domain: "corp.example", records }));
    const json = await kmssim(["import", clients, "--audit", "--srv", report, "--json"]);
    expect(json.code, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as { disagreements: number; hosts: { host: string; verdict: string }[] };
    expect(parsed.disagreements).toBe(0);
    expect(parsed.hosts.map((h) => h.verdict)).toEqual(["agrees", "agrees"]);

    const hostsOnly = await kmssim(["import", ...EXPORTS, "--audit"]);
    expect(hostsOnly.code).toBe(2);
    expect(hostsOnly.stderr).toContain("no event 12288");
    expect(stackFrames(hostsOnly.stderr)).toEqual([]);
  });

  it("imports, and the scenario runs: every logged machine boots at its first request and activates, the licensed ones from the start", async () => {
    const dir = tmp.make();
    const out = join(dir, "monday.yaml");
    const imported = await kmssim(["import", ...EXPORTS, "--out", out]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toContain(`wrote ${out} and ${join(dir, "monday.trace.csv")}`);
    const trace = readFileSync(join(dir, "monday.trace.csv"), "utf8").trim().split("\n").slice(1);
    const resultPath = join(dir, "r.json");
    const run = await kmssim(["run", out, "--out", resultPath, "--quiet"]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(readFileSync(resultPath, "utf8")) as Result;
    expect(result.clients.total).toBe(trace.length);
    expect(result.clients.activated).toBe(trace.length);
    // The machines the log shows licensed (the scenario's comments count them) start licensed, hence activated.
    const licensedInLog = [...readFileSync(out, "utf8").matchAll(/licence states at the first request: (\d+) licensed/g)].reduce((a, m) => a + Number(m[1]), 0);
    expect(licensedInLog).toBe(297);
    expect(result.timeline[0].licensed).toBeGreaterThanOrEqual(licensedInLog);
    // Boots follow the trace: by the end of each sample, no more of the others have activated than the trace had booted.
    const bootsS = trace.map((row) => Number(row.split(",")[2])).sort((a, b) => a - b);
    for (const sample of result.timeline) expect(sample.activated - licensedInLog).toBeLessThanOrEqual(bootsS.filter((t) => t <= sample.t).length);
    // The 08:00–08:30 burst (an hour after the log's first request) shows as the busiest half hour.
    const burst = result.timeline.filter((s) => s.t > 3600 && s.t <= 5400).reduce((a, s) => a + Object.values(s.hostRequests).reduce((x, y) => x + y, 0), 0);
    const total = result.timeline.reduce((a, s) => a + Object.values(s.hostRequests).reduce((x, y) => x + y, 0), 0);
    expect(burst / total).toBeGreaterThan(0.4);
    expect(result.hosts.map((h) => h.name)).toEqual(["kms1", "kms2"]);
  });

  it("--check compares a run with the log: hour by hour and host by host they agree; the log's 0xC004F038 the warm hosts never answer", async () => {
    const dir = tmp.make();
    const resultPath = join(dir, "r.json");
    const run = await kmssim(["run", join(REPO_ROOT, "scenarios", "replay-monday.yaml"), "--out", resultPath, "--quiet"]);
    expect(run.code, run.stderr).toBe(0);
    const check = await kmssim(["import", ...EXPORTS, "--check", resultPath], { env: { COLUMNS: "100" } });
    expect(check.code, check.stderr).toBe(1);
    const row = (what: string): string[] => (check.stdout.split("\n").find((l) => l.trim().startsWith(what + " ")) ?? "").trim().split(/\s{2,}/);
    // Hours 1 and 2 hold only first requests, which the trace gives: the same counts.
    expect(row("hour 1")[1]).toBe(row("hour 1")[2]);
    expect(row("hour 2")[1]).toBe(row("hour 2")[2]);
    // The clients the log shows licensed start licensed and the hosts start with the count their renewals
    // gave them: no run of 0xC004F038 retries 2 h later (before startLicensed, hours 3-4 were 55 and 63 against 29 and 29).
    for (const hour of ["hour 3", "hour 4", "hour 5"]) expect(row(hour), hour).toHaveLength(3);
    expect(row("kms1 share %")).toHaveLength(3);
    // The log's four 0xC004F038 on kms2 (Office, 07:08-07:43) say kms2 had counted fewer than 5 Office machines;
    // the model's history gives it the licensed Office clients' renewals in the SRV proportions, so it never answers one.
    expect(row("0xC004F038")).toEqual(["0xC004F038", "4", "0", "differs"]);
    expect(check.stdout).toMatch(/1 figure differs between the run and the log/);
    expect(readFileSync(resultPath, "utf8").length).toBeGreaterThan(0);
  });

  it("--help teaches the two export commands", async () => {
    const help = await kmssim(["import", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Get-WinEvent -LogName 'Key Management Service'");
    expect(help.stdout).toContain('wevtutil qe "Key Management Service" /f:xml');
  });

  it("refuses an export it cannot read with the file, the line and why: exit 2, no stack trace", async () => {
    const dir = tmp.make();
    const lines = readFileSync(EXPORTS[1], "utf8").split("\n");
    lines[6] = lines[6].replace(/<Data>0x[0-9A-F]+,/, "<Data>0xZZ,");
    const bad = join(dir, "bad.xml");
    writeFileSync(bad, lines.join("\n"));
    const run = await kmssim(["import", bad, "--out", join(dir, "s.yaml")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`cannot import ${bad}:7: event 12290: field 1 (HRESULT) is not an HRESULT`);
    expect(stackFrames(run.stderr)).toEqual([]);
  });

  it("refuses an XML export nested deeper than its reader goes: exit 2, the line and why, no stack trace", async () => {
    const dir = tmp.make();
    const deep = join(dir, "deep.xml");
    const nested = `${"<a>".repeat(101)}x${"</a>".repeat(101)}`;
    writeFileSync(
      deep,
      `<Event><System><EventID>12290</EventID><TimeCreated SystemTime="2026-01-01T00:00:00Z"/><Computer>kms1</Computer></System><EventData><Data>${nested}</Data></EventData></Event>\n`,
    );
    const run = await kmssim(["import", deep, "--out", join(dir, "s.yaml")]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(`cannot import ${deep}:1: elements nested more than 100 deep`);
    expect(stackFrames(run.stderr)).toEqual([]);
    expect(existsSync(join(dir, "s.yaml"))).toBe(false);
  });

  it("refuses a computer name that is not a host name (a newline in it would have been YAML in the scenario): exit 2, nothing written", async () => {
    const dir = tmp.make();
    const csv = join(dir, "inj.csv");
    const row = (k: number): string =>
      `12290,2026-01-01T10:${String(k).padStart(2, "0")}:00Z,"kms1\nmode: realtime\n#",` +
      `"Info: 0x0,25,pc${k}.corp.example,${String(k).padStart(8, "0")}-1111-2222-3333-444455556666,2026/01/01 10:00,0,1,43200,b92e9980-b9d5-4821-9c94-140f632f6312"`;
    writeFileSync(csv, ["Id,TimeCreated,MachineName,Message", ...Array.from({ length: 30 }, (_, k) => row(k))].join("\n") + "\n");
    const out = join(dir, "s.yaml");
    const run = await kmssim(["import", csv, "--out", out]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(`cannot import ${csv}:2: MachineName is not a host name`);
    expect(run.stderr).not.toContain("realtime");
    expect(stackFrames(run.stderr)).toEqual([]);
    expect(existsSync(out)).toBe(false);
  });

  it("keeps the trace in the scenario's folder; a scenario whose trace leaves it, or is a symlink, is refused", async () => {
    const dir = tmp.make();
    mkdirSync(join(dir, "scenarios"));
    const outside = await kmssim(["import", EXPORTS[0], "--out", join(dir, "scenarios", "s.yaml"), "--trace", join(dir, "t.csv")]);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain("--trace must be in the scenario's folder");
    writeFileSync(join(dir, "secret.csv"), "client,group,firstRequestS\nx,g,1\n");
    writeFileSync(join(dir, "scenarios", "up.yaml"), "hosts: [{ name: kms1 }]\nclients: [{ name: g, count: 1, trace: ../secret.csv }]\n");
    const up = await kmssim(["validate", join(dir, "scenarios", "up.yaml")]);
    expect(up.code).toBe(2);
    expect(up.stderr).toContain("a trace path stays inside the scenario's folder (no '..')");
    symlinkSync(join(dir, "secret.csv"), join(dir, "scenarios", "link.csv"));
    writeFileSync(join(dir, "scenarios", "link.yaml"), "hosts: [{ name: kms1 }]\nclients: [{ name: g, count: 1, trace: link.csv }]\n");
    const link = await kmssim(["validate", join(dir, "scenarios", "link.yaml")]);
    expect(link.code).toBe(2);
    expect(link.stderr).toContain("it is a symlink");
  });

  it("refuses a trace reached through a symlinked folder that leads out of the scenario's folder, and quotes none of it", async () => {
    const dir = tmp.make();
    mkdirSync(join(dir, "pr"));
    mkdirSync(join(dir, "secret"));
    writeFileSync(join(dir, "secret", "t.csv"), "client,group,firstRequestS\nSECRET-HOST-42,g,1\n");
    // O_NOFOLLOW guards only the last name, and 'd/t.csv' has no '..' to see: d is the way out.
    symlinkSync("../secret", join(dir, "pr", "d"));
    writeFileSync(join(dir, "pr", "s.yaml"), "hosts: [{ name: kms1 }]\nclients: [{ name: g, count: 1, trace: d/t.csv }]\n");
    const out = await kmssim(["validate", join(dir, "pr", "s.yaml")]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("cannot read trace file 'd/t.csv': it leads out of the scenario's folder");
    expect(out.stdout + out.stderr).not.toContain("SECRET-HOST-42");
    expect(stackFrames(out.stderr)).toEqual([]);

    // A folder link that stays inside the scenario's folder reads as before.
    mkdirSync(join(dir, "pr", "data"));
    writeFileSync(join(dir, "pr", "data", "t.csv"), "client,group,firstRequestS\npc1,g,1\n");
    symlinkSync("data", join(dir, "pr", "here"));
    writeFileSync(join(dir, "pr", "ok.yaml"), "hosts: [{ name: kms1 }]\nclients: [{ name: g, count: 1, trace: here/t.csv }]\n");
    const ok = await kmssim(["validate", join(dir, "pr", "ok.yaml")]);
    expect(ok.code, ok.stderr).toBe(0);
  });
});
