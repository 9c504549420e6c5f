// `kmssim report` end to end: a real run's result becomes an HTML file that headless
// Chromium renders offline with every chart drawn, no console error and no request
// beyond the file itself; screenshots are kept in test-artifacts/report.png (multi-host)
// and test-artifacts/report-failover.png.

import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { explainCode } from "../../src/core/errors.js";
import { chartLayouts, describeNeedingChromium, launchChromium, openWatched, saveScreenshot } from "../report/chromium-harness.js";
import { REPO_ROOT, kmssim, scenarioPath, stackFrames, tempDirs } from "./helpers.js";

const tmp = tempDirs();
const SCREENSHOT = join(REPO_ROOT, "test-artifacts", "report.png");
const FAILOVER_SCREENSHOT = join(REPO_ROOT, "test-artifacts", "report-failover.png");

describe("kmssim report", () => {
  let dir = "";
  let resultPath = "";
  let htmlPath = "";

  beforeAll(async () => {
    dir = tmp.make();
    resultPath = join(dir, "r.json");
    htmlPath = join(dir, "r.html");
    const run = await kmssim(["run", scenarioPath("multi-host.yaml"), "--out", resultPath, "--quiet"]);
    expect(run.code, run.stderr).toBe(0);
  });

  it("writes one self-contained HTML file with the scenario text", async () => {
    const report = await kmssim(["report", resultPath, "--html", htmlPath, "--scenario", scenarioPath("multi-host.yaml")]);
    expect(report.code, report.stderr).toBe(0);
    // One line saying what was written, nothing else.
    expect(report.stderr).toMatch(/^kmssim: wrote .*r\.html \(\d+ KiB, a run result\)\n$/);
    const html = readFileSync(htmlPath, "utf8");
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).toContain("# The main job: three KMS hosts"); // the scenario file's own comment
    expect(html).not.toMatch(/<script|\bsrc=|\bhref=/i);
    expect(
      readdirSync(dirname(htmlPath)).filter((f) => f.endsWith(".tmp")),
      "no temp file left",
    ).toEqual([]);
  });

  it.each([
    ["a missing result", (d: string) => ["report", join(d, "nope.json"), "--html", join(d, "x.html")], /cannot read '.*nope\.json': no such file/],
    [
      "a file that is not JSON",
      (d: string) => (writeFileSync(join(d, "bad.json"), "{"), ["report", join(d, "bad.json"), "--html", join(d, "x.html")]),
      /'.*bad\.json' is not JSON \(.* at line 1, column 2\)/,
    ],
    [
      "JSON that is not a result",
      (d: string) => (writeFileSync(join(d, "other.json"), '{"a":1}'), ["report", join(d, "other.json"), "--html", join(d, "x.html")]),
      /is not a kmssim result/,
    ],
    [
      "a result with a bad field",
      (d: string) => (
        writeFileSync(join(d, "broken.json"), JSON.stringify({ ...(JSON.parse(readFileSync(join(d, "r.json"), "utf8")) as object), failovers: -1 })),
        ["report", join(d, "broken.json"), "--html", join(d, "x.html")]
      ),
      /'.*broken\.json' is not a kmssim\/result@1 result \(failovers: should be a whole number ≥ 0, got -1\)/,
    ],
    ["no --html", (d: string) => ["report", join(d, "r.json")], /Missing required argument: html/],
    ["no result file", (d: string) => ["report", "--html", join(d, "x.html")], /a result file is required/],
    [
      "a missing scenario",
      (d: string) => ["report", join(d, "r.json"), "--html", join(d, "x.html"), "--scenario", join(d, "none.yaml")],
      /cannot read scenario/,
    ],
    [
      "an unwritable output",
      (d: string) => ["report", join(d, "r.json"), "--html", join(d, "no-such-folder", "x.html")],
      /cannot write '.*x\.html': its folder does not exist/,
    ],
  ])("%s: exit 2 with a plain message, no file", async (_, args, message) => {
    const run = await kmssim(args(dir));
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(message);
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

    it("draws every chart, logs no error, requests nothing but the file, and names hosts and explanations", async () => {
      const html = readFileSync(htmlPath, "utf8");
      expect(html.length).toBeGreaterThan(0);
      const { page, url, consoleErrors, requests, failed } = await openWatched(browser!, htmlPath);

      const charts = await chartLayouts(page, "path.series, rect, circle");
      expect(charts.map((c) => c.kind)).toEqual([
        "chart latency",
        "chart latency",
        "chart latency",
        "chart activations",
        // multi-host activates everyone in its first 8 h of 90 d: a zoomed chart follows.
        "chart activations",
        "chart latency-time",
        "chart host-requests",
        "chart host-errors",
        "chart host-share",
      ]);
      for (const chart of charts) {
        expect(chart.drawn, `${chart.kind} drew nothing`).toBeGreaterThan(0);
        expect(chart.width, `${chart.kind} has no width on the page`).toBeGreaterThan(200);
        expect(chart.height).toBeGreaterThan(100);
      }

      const text = await page.locator("body").innerText();
      for (const name of ["kms1", "kms2", "kms3"]) expect(text).toContain(name);
      // multi-host's crash makes renewals meet a refusing host: 0x800706BA, explained.
      const info = explainCode(0x800706ba)!;
      expect(text).toContain(info.hex);
      expect(text).toContain(info.meaning.slice(0, 60));
      expect(text).toContain("kms2 crash");

      expect(text).toMatch(/Activations zoomed to the first 12h: every client that activated had done so by 8h/);
      // The percentile table has its p95 column, and explanations show their commands as code.
      expect(await page.locator("table.percentiles th").allInnerTexts()).toContain("p95");
      expect(await page.locator(".error-code code").allInnerTexts()).toContain("concurrency");

      await saveScreenshot(page, SCREENSHOT);
      await page.close();

      expect(consoleErrors).toEqual([]);
      expect(failed).toEqual([]);
      expect(requests).toEqual([url]);
      expect(statSync(SCREENSHOT).size).toBeGreaterThan(20_000);
    });

    it("draws the failover scenario's hang and crash in the latency and failure charts", async () => {
      const failoverJson = join(dir, "failover.json");
      const failoverHtml = join(dir, "failover.html");
      const run = await kmssim(["run", scenarioPath("failover.yaml"), "--out", failoverJson, "--html", failoverHtml, "--quiet"]);
      expect(run.code, run.stderr).toBe(0);
      const { page, url, consoleErrors, requests } = await openWatched(browser!, failoverHtml);
      const charts = await chartLayouts(page, "path.series, rect, circle");
      for (const kind of ["chart latency-time", "chart host-errors"]) {
        const chart = charts.find((c) => c.kind === kind);
        expect(chart?.drawn, `${kind} drew nothing`).toBeGreaterThan(0);
      }
      // The p99 line breaks between renewal waves: several runs in one path, none joined across.
      const p99 = await page.locator("g.percentile-series.p99 path.series").getAttribute("d");
      expect((p99 ?? "").split("M").length - 1).toBeGreaterThan(3);
      // An SVG label's text content is its label followed by its tooltip.
      const labels = await page.locator("svg.latency-time text.event-label").allTextContents();
      for (const label of ["kms1 hang", "kms1 crash", "kms2 slow"]) expect(labels).toContain(label + label);
      await saveScreenshot(page, FAILOVER_SCREENSHOT);
      await page.close();
      expect(consoleErrors).toEqual([]);
      expect(requests).toEqual([url]);
    });
  });
});
