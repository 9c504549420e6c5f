// `kmssim report` through the binary on a real run's result whose timeline is stretched
// to 300,000 samples: it used to die with "Maximum call stack size exceeded".

import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { kmssim, runScenario, stackFrames, tempDirs, writeScenario, yaml } from "./helpers.js";

const tmp = tempDirs();

it("report on a result with 300,000 timeline samples: exit 0, a report of a sane size", async () => {
  const dir = tmp.make();
  const scenario = writeScenario(
    dir,
    "small.yaml",
    yaml(
      "name: huge-timeline",
      "seed: 5",
      "duration: 10d",
      "hosts:",
      "  - { name: kms1 }",
      "  - { name: kms2 }",
      "clients:",
      "  - { name: d, count: 60, os: win7, bootSpread: 1h }",
    ),
  );
  const { result, outPath } = await runScenario(dir, { path: scenario });
  const samples = 300_000;
  const base = result.timeline;
  const step = result.simulatedSeconds / samples;
  result.timeline = Array.from({ length: samples }, (_, k) => ({ ...base[Math.floor((k * base.length) / samples)], t: (k + 1) * step }));
  writeFileSync(outPath, JSON.stringify(result));
  const html = join(dir, "report.html");
  const run = await kmssim(["report", outPath, "--html", html], { timeoutMs: 120_000 });
  expect(run.code, run.stderr).toBe(0);
  expect(stackFrames(run.stderr)).toEqual([]);
  expect(statSync(html).size).toBeLessThan(2_000_000);
  expect(readFileSync(html, "utf8")).toContain("Activations over time");
}, 180_000);
