// Debian's headless Chromium for the report's browser test, driven by playwright-core
// (which never downloads a browser of its own). Locally the test is skipped when
// /usr/bin/chromium is missing; under CI (CI set) it fails instead: .ci/run installs it.

import { accessSync, constants, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { describeNeeding } from "../helpers/describe-needing.js";

export const CHROMIUM_PATH = process.env.KMSSIM_CHROMIUM ?? "/usr/bin/chromium";

// Without the background-networking flags Chromium reaches for Google's hosts at start-up.
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

function chromiumMissing(): string | null {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
    return null;
  } catch {
    return `${CHROMIUM_PATH} is not installed (apt-get install chromium)`;
  }
}

/** Headless, with a fresh temporary profile (playwright makes one per launch). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

export function describeNeedingChromium(title: string, fn: () => void): void {
  describeNeeding({ tag: "chromium", name: "Chromium", purpose: "to render the report in", missing: chromiumMissing() }, title, fn);
}

/** A page opened on a local HTML file, with everything it logged and requested. */
export interface WatchedPage {
  page: Page;
  url: string;
  /** Console errors and warnings, and uncaught page errors. */
  consoleErrors: string[];
  requests: string[];
  failed: string[];
}

export async function openWatched(browser: Browser, htmlPath: string): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  const watched: WatchedPage = { page, url: pathToFileURL(htmlPath).href, consoleErrors: [], requests: [], failed: [] };
  page.on("console", (msg) => {
    if (msg.type() === "error" || msg.type() === "warning") watched.consoleErrors.push(msg.text());
  });
  page.on("pageerror", (err) => watched.consoleErrors.push(err.message));
  page.on("request", (req) => watched.requests.push(req.url()));
  page.on("requestfailed", (req) => watched.failed.push(`${req.url()} ${req.failure()?.errorText ?? ""}`));
  await page.goto(watched.url, { waitUntil: "load" });
  return watched;
}

export interface ChartLayout {
  kind: string | null;
  /** Shapes matching the selector that the browser laid out with a non-empty box. */
  drawn: number;
  width: number;
  height: number;
}

/** Every `svg.chart` as laid out: its class, size, and how many of its shapes have geometry. */
export function chartLayouts(page: Page, shapeSelector: string): Promise<ChartLayout[]> {
  return page.$$eval(
    "svg.chart",
    (svgs, selector) =>
      svgs.map((svg) => {
        // getBBox: the geometry the browser laid out (tsconfig has no DOM lib, hence the shape type).
        const shapes = [...svg.querySelectorAll(selector)] as unknown as { getBBox(): { width: number; height: number } }[];
        const drawn = shapes.filter((shape) => {
          const box = shape.getBBox();
          return box.width > 0 || box.height > 0;
        }).length;
        const box = svg.getBoundingClientRect();
        return { kind: svg.getAttribute("class"), drawn, width: box.width, height: box.height };
      }),
    shapeSelector,
  );
}

/** A full-page PNG, kept as a test artifact. */
export async function saveScreenshot(page: Page, path: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path, fullPage: true });
}
