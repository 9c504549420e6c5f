// `kmssim host --metrics-listen` / `--metrics-port` through the built binary: the host
// process serves its own counters (requests, answers by kind and status, current count,
// pending requests, time on the host) for as long as it runs, and closes the port when
// stopped. Requests are sent with kmssim's own wire protocol; no DNS server is needed
// (publishing fails, which never stops a host from serving). Every wait is bounded.

import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import { afterAll, describe, expect, it } from "vitest";
import { Code } from "../../src/core/errors.js";
import { BIN, kmssim, REPO_ROOT, tempDirs, writeScenario, yaml } from "./helpers.js";
import { expectNoStack } from "./realtime-helpers.js";
import { request, rpc } from "../realtime/host-kit.js";
import { expectWellFormedHistogram, parsePromText, select, total, type PromText } from "../realtime/metrics-text.js";
import { connectRefused } from "../helpers/connect-refused.js";

const tmp = tempDirs();
const WAIT_MS = 20_000;
const alive = new Set<ChildProcess>();
afterAll(() => {
  for (const child of alive) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

const scenarioText = yaml(
  "name: host-metrics",
  "seed: 3",
  "hosts:",
  "  - { name: kms1, weight: 300 }",
  "  - { name: kms2, weight: 100 }",
  "clients:",
  "  - { name: fleet, count: 10 }",
);

/** Starts `kmssim host`, resolves once stdout has the metrics URL and both listeners. */
async function startHost(args: readonly string[]): Promise<{ child: ChildProcess; stdout: () => string; metricsPort: number; kms1: number }> {
  const child = spawn(process.execPath, [BIN, "host", ...args], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
  alive.add(child);
  let stdout = "";
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  const ready = new Promise<{ metricsPort: number; kms1: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kmssim host did not start within ${WAIT_MS} ms:\n${stdout}\n${stderr}`)), WAIT_MS);
    child.on("close", () => reject(new Error(`kmssim host exited:\n${stdout}\n${stderr}`)));
    child.stdout!.setEncoding("utf8").on("data", (c: string) => {
      stdout += c;
      const metrics = /^kmssim host: metrics at http:\/\/127\.0\.0\.1:(\d+)\/metrics$/m.exec(stdout);
      const kms1 = /^kmssim host: kms1 listening on 127\.0\.0\.1:(\d+)$/m.exec(stdout);
      if (metrics !== null && kms1 !== null && /kms2 listening on/.test(stdout)) {
        clearTimeout(timer);
        resolve({ metricsPort: Number(metrics[1]), kms1: Number(kms1[1]) });
      }
    });
  });
  return { child, stdout: () => stdout, ...(await ready) };
}

function scrape(port: number): Promise<PromText> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/metrics", agent: false, timeout: 5000 }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => (body += c));
      res.on("end", () => (res.statusCode === 200 ? resolve(parsePromText(body)) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on("timeout", () => req.destroy(new Error("scrape timed out")));
    req.on("error", reject);
  });
}

describe("kmssim host --metrics-listen", () => {
  it("serves the hosts' own counters while they run, and closes the port when stopped", async () => {
    const scenario = writeScenario(tmp.make(), "host-metrics.yaml", scenarioText);
    // A DNS port nothing answers on: publishing fails, the hosts serve all the same.
    const host = await startHost([scenario, "--dns", "127.0.0.1:9", "--port-base", "0", "--metrics-listen", "127.0.0.1:0"]);
    const before = await scrape(host.metricsPort);
    expect(select(before, "kmssim_host_up").map((s) => [s.labels.host, s.value])).toEqual([
      ["kms1", 1],
      ["kms2", 1],
    ]);
    expect(total(before, "kmssim_host_requests_total")).toBe(0);

    // Three machines activate on kms1 (below the threshold of 25: 0xC004F038), one renews.
    // The host's clock starts at simulated 0, so the clients say 0 too (no clock skew).
    const answers = [];
    for (const k of [0, 1, 2]) answers.push(await rpc(host.kms1, request(k, { clientTimeMs: 0 })));
    answers.push(await rpc(host.kms1, request(0, { clientTimeMs: 0, renewal: true, requestId: 9 })));
    expect(answers.map((a) => a.status)).toEqual([Code.CountInsufficient, Code.CountInsufficient, Code.CountInsufficient, Code.CountInsufficient]);

    // The text is rebuilt at most once a second: scrape until it shows the four answers.
    let after = await scrape(host.metricsPort);
    for (let k = 0; k < 40 && total(after, "kmssim_host_answers_total") < 4; k++) {
      await new Promise((r) => setTimeout(r, 250));
      after = await scrape(host.metricsPort);
    }
    expect(select(after, "kmssim_host_requests_total").map((s) => [s.labels.host, s.value])).toEqual([
      ["kms1", 4],
      ["kms2", 0],
    ]);
    expect(select(after, "kmssim_host_answers_total").map((s) => [s.labels.host, s.labels.kind, s.labels.status, s.value])).toEqual([
      ["kms1", "activation", "0xC004F038", 3],
      ["kms1", "renewal", "0xC004F038", 1],
    ]);
    expect(select(after, "kmssim_host_count", { host: "kms1", product: "windows-client" })[0].value).toBe(3);
    expect(select(after, "kmssim_host_count", { host: "kms2", product: "windows-client" })[0].value).toBe(0);
    expect(total(after, "kmssim_host_pending", { host: "kms1" })).toBe(0);
    const counts = expectWellFormedHistogram(after, "kmssim_host_service_seconds");
    expect(
      counts.get(
        JSON.stringify([
          ["host", "kms1"],
          ["kind", "activation"],
        ]),
      ),
    ).toBe(3);
    expect(
      counts.get(
        JSON.stringify([
          ["host", "kms1"],
          ["kind", "renewal"],
        ]),
      ),
    ).toBe(1);
    expect(total(after, "kmssim_host_faults_total")).toBe(0);

    host.child.kill("SIGTERM");
    const code = await new Promise<number | null>((resolve) => host.child.on("close", (c) => resolve(c)));
    expect(code).toBe(0);
    expect(host.stdout()).toMatch(/kmssim host: kms1: 4 requests \(3 activations, 1 renewals\)/);
    expect(await connectRefused(host.metricsPort)).toBe(true);
  });

  it("bad metrics flags are exit 2 before any host starts", async () => {
    const scenario = writeScenario(tmp.make(), "host-metrics.yaml", scenarioText);
    const both = await kmssim(["host", scenario, "--dns", "127.0.0.1:9", "--port-base", "0", "--metrics-port", "0", "--metrics-listen", "127.0.0.1:0"]);
    expect(both.code, both.stderr).toBe(2);
    expect(both.stderr).toContain("--metrics-port 0 and --metrics-listen 127.0.0.1:0");
    const name = await kmssim(["host", scenario, "--dns", "127.0.0.1:9", "--port-base", "0", "--metrics-listen", "localhost:9464"]);
    expect(name.code, name.stderr).toBe(2);
    expect(name.stderr).toContain("names 'localhost', which is not an IP address");
    for (const run of [both, name]) {
      expect(run.stdout).not.toMatch(/listening on/);
      expectNoStack(run.stderr);
    }
  });
});
