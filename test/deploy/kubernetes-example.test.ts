// The Kubernetes example in deploy/kubernetes stays runnable: its manifests parse, the
// Indexed Job's shard count agrees with its completions, its scenario validates, and the
// containers' own command lines, run here for every completion index and then the merge,
// produce the merged result of the whole fleet.

import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import type { Result } from "../../src/output/result.js";
import { BIN, REPO_ROOT } from "../e2e/helpers.js";

interface Container {
  command: string[];
  env?: { name: string; value: string }[];
}
interface Manifest {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec?: { completionMode?: string; completions?: number; parallelism?: number; template: { spec: { containers: Container[] } } };
}

function manifests(file: string): Manifest[] {
  const docs = parseAllDocuments(readFileSync(join(REPO_ROOT, "deploy", "kubernetes", file), "utf8"));
  for (const doc of docs) expect(doc.errors, file).toEqual([]);
  return docs.map((doc) => doc.toJS() as Manifest);
}

const work = mkdtempSync(join(tmpdir(), "kmssim-k8s-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs a container's `sh -c` command here, `kmssim` on the PATH, with its env plus `extra`. */
function runContainer(container: Container, extra: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const shim = join(work, "bin");
  spawnSync("mkdir", ["-p", shim]);
  writeFileSync(join(shim, "kmssim"), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(shim, "kmssim"), 0o755);
  const env: Record<string, string> = { PATH: `${shim}:${process.env.PATH ?? ""}` };
  for (const { name, value } of container.env ?? []) env[name] = value;
  Object.assign(env, extra);
  expect(container.command.slice(0, 2)).toEqual(["sh", "-c"]);
  const run = spawnSync("sh", ["-c", container.command[2]], { env, encoding: "utf8", timeout: 120_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("deploy/kubernetes: virtual shards as an Indexed Job, then a merge Job", () => {
  const [configMap, , job] = manifests("virtual-shards.yaml");
  const [mergeJob] = manifests("virtual-merge.yaml");

  it("maps every completion index to one shard of as many as the Job completes", () => {
    expect(job.kind).toBe("Job");
    expect(job.spec?.completionMode).toBe("Indexed");
    const container = job.spec!.template.spec.containers[0];
    const shards = Number(container.env?.find((e) => e.name === "SHARDS")?.value);
    expect(shards).toBeGreaterThan(1);
    expect(job.spec?.completions).toBe(shards);
    expect(job.spec?.parallelism).toBe(shards);
    expect(container.command[2]).toContain("JOB_COMPLETION_INDEX + 1");
    expect(container.command[2]).toContain('--shard "$i/$SHARDS"');
  });

  it("runs: every index writes its shard, the merge adds them up to the whole fleet", () => {
    const scenario = join(work, "scenario.yaml");
    writeFileSync(scenario, configMap.data!["scenario.yaml"]);
    const validate = spawnSync(process.execPath, [BIN, "validate", scenario], { encoding: "utf8" });
    expect(validate.status, validate.stderr).toBe(0);
    const results = join(work, "results");
    spawnSync("mkdir", ["-p", results]);
    const container = job.spec!.template.spec.containers[0];
    const shards = job.spec!.completions!;
    for (let index = 0; index < shards; index++) {
      const run = runContainer(container, { JOB_COMPLETION_INDEX: String(index), SCENARIO: scenario, RESULTS: results });
      expect(run.status, run.stderr).toBe(0);
    }
    const merge = runContainer(mergeJob.spec!.template.spec.containers[0], { RESULTS: results });
    expect(merge.status, merge.stderr).toBe(0);
    const merged = JSON.parse(readFileSync(join(results, "all.json"), "utf8")) as Result;
    expect(merged.merged?.shards).toBe(shards);
    expect(merged.clients.total).toBe(40_000);
    expect(merged.clients.notActivated).toBe(0);
    expect(merged.thresholds.map((t) => t.metric)).toEqual(["rpc.activation.latencyMs.p99", "clients.notActivated"]);
    expect(readFileSync(join(results, "report.html"), "utf8")).toContain("<svg");
  }, 240_000);
});
