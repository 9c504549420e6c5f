// `kmssim report` of a capacity plan through the built binary: `kmssim plan --out` writes
// kmssim/plan@1, `kmssim report` turns it into one offline HTML page with a chart per
// metric, and headless Chromium renders it with every chart drawn, no console error and
// no request beyond the file; a screenshot is kept in test-artifacts/plan-report.png.

import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlanReport } from "../../src/capacity/plan-report.js";
import { chartLayouts, describeNeedingChromium, launchChromium, openWatched, saveScreenshot } from "../report/chromium-harness.js";
import { REPO_ROOT, kmssim, scenarioPath, stackFrames, tempDirs } from "./helpers.js";

const tmp = tempDirs();
const SCREENSHOT = join(REPO_ROOT, "test-artifacts", "plan-report.png");

describe("kmssim report of a plan", () => {
  let dir = "";
  let planPath = "";
  let htmlPath = "";
  let plan: PlanReport;

  beforeAll(async () => {
    dir = tmp.make();
    planPath = join(dir, "p.json");
    htmlPath = join(dir, "p.html");
    const run = await kmssim(["plan", scenarioPath("capacity.yaml"), "--hosts", "1..4", "--replications", "2", "--workers", "2", "--out", planPath]);
    expect(run.code, run.stderr).toBe(0);
    plan = JSON.parse(readFileSync(planPath, "utf8")) as PlanReport;
  });

  it("writes one self-contained page without script, a drawn chart per metric, naming the recommended count", async () => {
    const report = await kmssim(["report", planPath, "--html", htmlPath, "--scenario", scenarioPath("capacity.yaml")]);
    expect(report.code, report.stderr).toBe(0);
    // One line saying what was written, nothing else.
    expect(report.stderr).toMatch(/^kmssim: wrote .*\.html \(\d+ KiB, a capacity plan\)\n$/);
    const html = readFileSync(htmlPath, "utf8");
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).not.toMatch(/<script|\bsrc=|\bhref=/i);
    expect(html).toContain("A Monday-morning boot storm"); // the scenario file's own comment

    const hosts = plan.recommendations[0].hosts;
    expect(hosts).toBe(3); // as the README's example says
    expect(html).toContain(`<div class="value">${hosts} hosts</div>`);
    expect(html).toContain(`<h2>50,000 clients: <b>${hosts} hosts</b> recommended</h2>`);

    const charts = html.match(/<svg class="chart [^"]*"[^]*?<\/svg>/g) ?? [];
    expect(charts.map((svg) => /class="chart plan ([^"]*)"/.exec(svg)?.[1])).toEqual(["p99ActivationMs", "allActivatedHours", "maxShareDeviation"]);
    for (const svg of charts) {
      const marks = (svg.match(/<circle class="point"|<path class="never-mark"/g) ?? []).length;
      expect(marks, svg.slice(0, 80)).toBe(4);
      expect(svg).toMatch(/<rect class="recommended"/);
    }
    // capacity.yaml limits p99 and the share deviation; 1 and 2 hosts never activate everyone.
    expect(charts[0]).toContain("<title>limit &lt; 1500 ms</title>");
    expect(charts[2]).toContain("<title>limit &lt; 0.05</title>");
    expect((charts[1].match(/<path class="never-mark"/g) ?? []).length).toBe(plan.points.filter((p) => p.allActivatedHours.n === 0).length);
    // Every point in the table with its per-threshold counts.
    const rows = /<table class="points">[^]*?<\/table>/.exec(html)![0].match(/<tr class="[^"]*">[^]*?<\/tr>/g) ?? [];
    expect(rows).toHaveLength(4);
    for (const [k, point] of plan.points.entries()) {
      const text = rows[k].replace(/<[^>]*>/g, " ").replace(/\s+/g, " ");
      // "2/2" per threshold, in order, after the verdict.
      expect(text).toContain(`${point.pass ? "PASS" : "fail"} ${point.thresholdPasses.map((n) => `${n}/${point.runs}`).join(" ")} `);
    }
    expect(
      readdirSync(dirname(htmlPath)).filter((f) => f.endsWith(".tmp")),
      "no temp file left",
    ).toEqual([]);
  });

  it("an unknown schema: exit 2 naming both schemas, no file", async () => {
    writeFileSync(join(dir, "cmp.json"), JSON.stringify({ schema: "kmssim/compare@1" }));
    const run = await kmssim(["report", join(dir, "cmp.json"), "--html", join(dir, "x.html")]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/"kmssim\/compare@1", expected "kmssim\/result@1" \(kmssim run --out\) or "kmssim\/plan@1" \(kmssim plan --out\)/);
    expect(stackFrames(run.stderr)).toEqual([]);
    expect(existsSync(join(dir, "x.html"))).toBe(false);
  });

  describeNeedingChromium("rendered in headless Chromium", () => {
    let browser: Browser | null = null;
    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it("draws every chart, logs no error, requests nothing but the file", async () => {
      if (!existsSync(htmlPath)) await kmssim(["report", planPath, "--html", htmlPath]);
      const { page, url, consoleErrors, requests } = await openWatched(browser!, htmlPath);

      const charts = await chartLayouts(page, "circle.point, path.never-mark, path.whisker, rect.recommended");
      expect(charts.map((c) => c.kind)).toEqual(["chart plan p99ActivationMs", "chart plan allActivatedHours", "chart plan maxShareDeviation"]);
      for (const chart of charts) {
        expect(chart.drawn, `${chart.kind} drew nothing`).toBeGreaterThan(4);
        expect(chart.width, `${chart.kind} has no width on the page`).toBeGreaterThan(200);
        expect(chart.height).toBeGreaterThan(100);
      }
      const text = await page.locator("body").innerText();
      expect(text).toContain(`${plan.recommendations[0].hosts} hosts`);
      expect(text).toContain("never");

      await saveScreenshot(page, SCREENSHOT);
      await page.close();

      expect(consoleErrors).toEqual([]);
      expect(requests).toEqual([url]);
      expect(statSync(SCREENSHOT).size).toBeGreaterThan(20_000);
    });
  });
});
