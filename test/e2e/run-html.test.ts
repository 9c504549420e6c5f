// `kmssim run … --html F`: the run writes its HTML report next to the JSON (the report's
// contents are tested in test/report and test/e2e/report.test.ts).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kmssim, scenarioPath, tempDirs, writeScenario, yaml } from "./helpers.js";

const tmp = tempDirs();

describe("run --html", () => {
  it("writes one offline HTML file with the run's numbers and the scenario text", async () => {
    const dir = tmp.make();
    const html = join(dir, "report.html");
    const out = join(dir, "result.json");
    const run = await kmssim(["run", scenarioPath("failover.yaml"), "--out", out, "--html", html, "--quiet"]);
    expect(run.code, run.stderr).toBe(0);
    const page = readFileSync(html, "utf8");
    const result = JSON.parse(readFileSync(out, "utf8"));
    expect(page).toMatch(/^<!DOCTYPE html>/);
    expect(/<script/i.test(page), "no script").toBe(false);
    expect(/(?:src|href)\s*=\s*"https?:/i.test(page), "no network fetches").toBe(false);
    expect(page).toContain("the preferred host hangs"); // a comment of the scenario file
    for (const h of result.hosts) expect(page).toContain(h.name);
    expect((page.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(3);
  });

  it("a path it could not write fails before the run, with exit 2", async () => {
    const dir = tmp.make();
    const run = await kmssim(["run", scenarioPath("failover.yaml"), "--html", join(dir, "missing", "r.html"), "--quiet"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot write .*r\.html': its folder does not exist/);
  });

  it("blanks an inline TSIG secret in the scenario text it embeds (run --html and report --scenario)", async () => {
    const dir = tmp.make();
    const secret = Buffer.alloc(32, 0x5a).toString("base64");
    const scenario = writeScenario(
      dir,
      "s.yaml",
      yaml(
        "name: inline-key # the comment stays",
        "duration: 1d",
        `dns: { tsig: { name: kmssim-key, secret: "${secret}" } }`,
        "hosts: [ { name: kms1 } ]",
        "clients: [ { name: c, count: 20 } ]",
      ),
    );
    const out = join(dir, "result.json");
    const html = join(dir, "run.html");
    const run = await kmssim(["run", scenario, "--out", out, "--html", html, "--quiet"]);
    expect(run.code, run.stderr).toBe(0);
    const report = await kmssim(["report", out, "--html", join(dir, "report.html"), "--scenario", scenario]);
    expect(report.code, report.stderr).toBe(0);
    for (const page of [readFileSync(html, "utf8"), readFileSync(join(dir, "report.html"), "utf8")]) {
      expect(page).toContain("the comment stays");
      expect(page).toContain("&lt;redacted&gt;");
      expect(page).not.toContain(secret.slice(0, 12));
    }
  });
});
