// The Kubernetes example in deploy/kubernetes stays runnable: its manifests parse, the
// Indexed Job's shard count agrees with its completions, its scenario validates, and the
// containers' own command lines, run here for every completion index and then the merge,
// produce the merged result of the whole fleet.

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { parseAllDocuments } from "yaml";
import type { Result } from "../../src/results/result.js";
import { BIN, REPO_ROOT } from "../e2e/helpers.js";

interface Container {
  name: string;
  command: string[];
  env?: { name: string; value?: string }[];
}
interface Manifest {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec?: {
    completionMode?: string;
    completions?: number;
    parallelism?: number;
    clusterIP?: string;
    ports?: { name: string; port: number }[];
    template: { metadata?: { annotations?: Record<string, string> }; spec: { containers: Container[] } };
  };
}

function manifests(file: string): Manifest[] {
  const docs = parseAllDocuments(readFileSync(join(REPO_ROOT, "deploy", "kubernetes", file), "utf8"));
  for (const doc of docs) expect(doc.errors, file).toEqual([]);
  return docs.map((doc) => doc.toJS() as Manifest);
}

const work = mkdtempSync(join(tmpdir(), "kmssim-k8s-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs a container's `sh -c` command here, `kmssim` on the PATH, with its env plus `extra`. */
// `kmssim` on the containers' PATH: the built binary. Written once (rewriting a script
// another process is executing fails with ETXTBSY).
const shim = join(work, "bin");
spawnSync("mkdir", ["-p", shim]);
writeFileSync(join(shim, "kmssim"), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
chmodSync(join(shim, "kmssim"), 0o755);

function containerEnv(container: Container, extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = { PATH: `${shim}:${process.env.PATH ?? ""}` };
  for (const { name, value } of container.env ?? []) if (value !== undefined) env[name] = value;
  Object.assign(env, extra);
  expect(container.command.slice(0, 2)).toEqual(["sh", "-c"]);
  return env;
}

function runContainer(container: Container, extra: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync("sh", ["-c", container.command[2]], { env: containerEnv(container, extra), encoding: "utf8", timeout: 120_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A long-running container (a server): its output so far, and a way to stop it. */
function startContainer(container: Container, extra: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn("sh", ["-c", container.command[2]], { env: containerEnv(container, extra), stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  servers.push(child);
  return { child, output: () => output };
}

const servers: ChildProcess[] = [];
afterAll(() => {
  for (const child of servers) child.kill("SIGTERM");
});

async function waitFor<T>(what: string, probe: () => T | null, timeoutMs = 20_000): Promise<T> {
  for (let waited = 0; waited < timeoutMs; waited += 100) {
    const value = probe();
    if (value !== null) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return expect.fail(`timed out waiting for ${what}`);
}

function runContainerAsync(container: Container, extra: Record<string, string>): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("sh", ["-c", container.command[2]], { env: containerEnv(container, extra), stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
}

describe("deploy/kubernetes: virtual shards as an Indexed Job, then a merge Job", () => {
  const [configMap, , job] = manifests("virtual-shards.yaml");
  const [mergeJob] = manifests("merge.yaml");

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

describe("deploy/kubernetes: a realtime fleet in an Indexed Job against one hosts pod", () => {
  const docs = manifests("realtime-fleet.yaml");
  const byKind = (kind: string): Manifest => docs.find((d) => d.kind === kind)!;
  const [mergeJob] = manifests("merge.yaml");

  it("wires the fleet to the hosts: headless service, shared START_AT, --external-hosts and the shard index", () => {
    expect(byKind("Service").spec?.clusterIP).toBe("None");
    const job = byKind("Job");
    expect(job.spec?.completionMode).toBe("Indexed");
    const fleet = job.spec!.template.spec.containers[0];
    const hosts = byKind("Deployment").spec!.template.spec.containers.find((c) => c.name === "hosts")!;
    const envOf = (c: Container, name: string): string | undefined => c.env?.find((e) => e.name === name)?.value;
    expect(envOf(fleet, "START_AT")).toBe("${START_AT}");
    expect(envOf(hosts, "START_AT")).toBe("${START_AT}");
    expect(Number(envOf(fleet, "SHARDS"))).toBe(job.spec?.completions);
    expect(fleet.command[2]).toMatch(/--external-hosts --shard "\$i\/\$SHARDS" --start-at "\$START_AT"/);
    expect(fleet.command[2]).toContain('--allow-address "$HOSTS_IP"');
  });

  it("serves metrics where the pods' Prometheus annotations say, and the fleet pushes to a Pushgateway when named", () => {
    const job = byKind("Job");
    const deployment = byKind("Deployment");
    const fleet = job.spec!.template.spec.containers[0];
    const hosts = deployment.spec!.template.spec.containers.find((c) => c.name === "hosts")!;
    for (const [manifest, container] of [
      [job, fleet],
      [deployment, hosts],
    ] as const) {
      const annotations = manifest.spec!.template.metadata?.annotations ?? {};
      expect(annotations["prometheus.io/scrape"]).toBe("true");
      expect(annotations["prometheus.io/port"]).toBe(container.env?.find((e) => e.name === "METRICS_PORT")?.value);
      expect(container.command[2]).toContain('--metrics-listen "$POD_IP:$METRICS_PORT"');
    }
    expect(byKind("Service").spec?.ports?.find((p) => p.name === "metrics")?.port).toBe(9464);
    expect(fleet.env?.find((e) => e.name === "PUSHGATEWAY")?.value, "no push unless a Pushgateway is named").toBe("");
    expect(fleet.command[2]).toContain('${PUSH_IP:+--metrics-push "http://$PUSH_IP:$PUSHGATEWAY_PORT"}');
  });

  it("runs here on loopback: dns and hosts containers, four fleet shards at the same START_AT, then the merge", async () => {
    const dir = mkdtempSync(join(work, "realtime-"));
    const keyFile = join(dir, "kmssim.key");
    writeFileSync(keyFile, `key "kmssim-key." {\n\talgorithm hmac-sha256;\n\tsecret "${randomBytes(32).toString("base64")}";\n};\n`);
    // The manifest's scenario, made shorter and smaller for a test: 7 simulated days in about 8 s.
    const scenario = join(dir, "scenario.yaml");
    const text = byKind("ConfigMap").data!["scenario.yaml"];
    writeFileSync(
      scenario,
      text
        .replace("duration: 14d", "duration: 7d")
        .replace(/timeScale: \d+/, "timeScale: 86400")
        .replace("count: 4000", "count: 400"),
    );
    const [dnsContainer, hostsContainer] = byKind("Deployment").spec!.template.spec.containers;

    const pushes: string[] = [];
    const gateway = http.createServer((req, res) => {
      req.resume().on("end", () => {
        pushes.push(`${req.method} ${req.url}`);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => new Promise<void>((resolve) => gateway.close(() => resolve())));
    const dns = startContainer(dnsContainer, { DNS_LISTEN: "127.0.0.1:0", KEY_FILE: keyFile });
    const dnsPort = await waitFor("kmssim dns to listen", () => /listening on 127\.0\.0\.1:(\d+)/.exec(dns.output())?.[1] ?? null);
    // Room for the hosts to publish and four shards to start: on a loaded 2-core machine that took 20 s.
    const startAt = new Date(Date.now() + 30_000).toISOString();
    const hosts = startContainer(hostsContainer, {
      POD_IP: "127.0.0.1",
      START_AT: startAt,
      SCENARIO: scenario,
      KEY_FILE: keyFile,
      DNS_ADDRESS: `127.0.0.1:${dnsPort}`,
      HOST_PORT_BASE: "0",
      METRICS_PORT: "0",
    });
    await waitFor("both hosts to publish", () => ((hosts.output().match(/12294/g) ?? []).length >= 2 ? true : null));

    const results = join(dir, "results");
    spawnSync("mkdir", ["-p", results]);
    const job = byKind("Job");
    const shards = await Promise.all(
      Array.from({ length: job.spec!.completions! }, (_, index) =>
        runContainerAsync(job.spec!.template.spec.containers[0], {
          JOB_COMPLETION_INDEX: String(index),
          START_AT: startAt,
          SCENARIO: scenario,
          RESULTS: results,
          HOSTS_IP: "127.0.0.1",
          DNS_PORT: dnsPort,
          POD_IP: "127.0.0.1",
          METRICS_PORT: "0",
          PUSHGATEWAY: "127.0.0.1",
          PUSHGATEWAY_PORT: String((gateway.address() as AddressInfo).port),
        }),
      ),
    );
    for (const shard of shards) expect(shard.status, shard.output).toBe(0);
    const merge = runContainer(mergeJob.spec!.template.spec.containers[0], { RESULTS: results });
    // Exit 1 is a failed latency threshold: real sockets on a busy 2-core machine may be slow.
    expect([0, 1], merge.stderr).toContain(merge.status);
    const merged = JSON.parse(readFileSync(join(results, "all.json"), "utf8")) as Result;
    expect(merged.thresholds.map((t) => t.metric)).toEqual(["clients.notActivated", "rpc.activation.latencyMs.p99"]);
    expect(merged.thresholds[0].pass).toBe(true);
    expect(merged.mode).toBe("realtime");
    expect(merged.merged?.shards).toBe(4);
    expect(merged.clients.total).toBe(400);
    expect(merged.clients.activated).toBe(400);
    // The hosts' events happened on the hosts (kmssim host carried out kms2's crash).
    expect(hosts.output()).toMatch(/kms2.*crash/);
    expect(merged.hosts.map((h) => h.name)).toEqual(["kms1", "kms2"]);
    expect(merged.hosts.every((h) => h.requests > 0)).toBe(true);
    expect(merged.rpc.activation.errors["0xC004F06C"] ?? 0).toBe(0);
    // Live metrics: the hosts served theirs; each shard pushed its final values to its own group.
    expect(hosts.output()).toMatch(/kmssim host: metrics at http:\/\/127\.0\.0\.1:\d+\/metrics/);
    expect(pushes.sort()).toEqual([1, 2, 3, 4].map((i) => `PUT /metrics/job/kmssim/scenario/fleet-realtime/shard/${i}-of-4`));
  }, 120_000);
});
