// Debian's headless Chromium for the report's browser test, driven by playwright-core
// (which never downloads a browser of its own). Locally the test is skipped when
// /usr/bin/chromium is missing; under CI (CI set) it fails instead: .ci/run installs it.

import { accessSync, constants } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { describe, it } from "vitest";

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

function underCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== "" && ci !== "0" && ci.toLowerCase() !== "false";
}

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
  const missing = chromiumMissing();
  if (missing === null) {
    describe(title, fn);
    return;
  }
  if (underCi()) {
    describe(title, () => {
      it("has Chromium to render the report in (CI never skips this)", () => {
        throw new Error(`Chromium is required under CI: ${missing}`);
      });
    });
    return;
  }
  console.warn(`[chromium] skipping "${title}": ${missing}`);
  describe.skip(title, fn);
}
