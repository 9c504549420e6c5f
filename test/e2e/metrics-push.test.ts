// `kmssim run --metrics-push URL` through the built binary, against a fake Pushgateway (an
// http server on 127.0.0.1 in this process that records what it is sent): when a realtime
// run ends, completed or interrupted, its final metrics are PUT once to
// /metrics/job/kmssim/scenario/<name>[/shard/<i>-of-<N>], and they are the result's
// numbers. A Pushgateway that is not there is a warning, not a failed run. The
// metrics flags' bad values are exit 2 before anything runs.
// Runs are short and their latency thresholds may fail on a busy machine (exit 1 is fine);
// no wall duration is asserted.

import { spawn } from "node:child_process";
import http from "node:http";
import net from "node:net";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, kmssim, REPO_ROOT, scenarioPath, tempDirs, writeScenario, yaml, type Result } from "./helpers.js";
import { expectNoStack } from "./realtime-helpers.js";
import { parsePromText, select, total, type PromText } from "../realtime/metrics-text.js";

const tmp = tempDirs();

interface Pushed {
  method: string;
  url: string;
  contentType: string | undefined;
  text: PromText;
}

/** The fake Pushgateway: answers 200 to everything and keeps each request. */
const pushes: Pushed[] = [];
const gateway = http.createServer((req, res) => {
  let body = "";
  req.setEncoding("utf8").on("data", (c: string) => (body += c));
  req.on("end", () => {
    pushes.push({ method: req.method ?? "", url: req.url ?? "", contentType: req.headers["content-type"], text: parsePromText(body) });
    res.writeHead(200).end();
  });
});
let gatewayUrl = "";
beforeAll(async () => {
  await new Promise<void>((resolve) => gateway.listen(0, "127.0.0.1", resolve));
  gatewayUrl = `http://127.0.0.1:${(gateway.address() as net.AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => gateway.close(() => resolve())));

const scenario = (name: string, duration: string, clients: number): string =>
  yaml(
    `name: ${name}`,
    "seed: 11",
    "mode: realtime",
    `duration: ${duration}`,
    "timeScale: 86400",
    "hosts:",
    "  - { name: kms1, weight: 300 }",
    "  - { name: kms2, weight: 100 }",
    "clients:",
    `  - { name: desktops, count: ${clients}, os: win7, bootSpread: 6h }`,
    "network: { rpcTimeout: 5s, dnsTimeout: 2s }",
  );

/** Every number the push and the result both have agrees (the push is the final values). */
function expectPushIsResult(text: PromText, result: Result): void {
  expect(total(text, "kmssim_clients")).toBe(result.clients.total);
  expect(select(text, "kmssim_clients", { state: "licensed" })[0].value).toBe(result.clients.licensed);
  expect(select(text, "kmssim_clients", { state: "not_activated" })[0].value).toBe(result.clients.notActivated);
  for (const kind of ["activation", "renewal"] as const) {
    expect(total(text, "kmssim_rpc_total", { kind, status: "ok" }), kind).toBe(result.rpc[kind].ok);
    expect(total(text, "kmssim_rpc_latency_seconds_count", { kind }), kind).toBe(total(text, "kmssim_rpc_total", { kind }));
  }
  expect(select(text, "kmssim_simulated_seconds")[0].value).toBeCloseTo(result.simulatedSeconds, 3);
  for (const h of result.hosts) expect(select(text, "kmssim_host_requests_total", { host: h.name })[0]?.value, h.name).toBe(h.requests);
}

describe("kmssim run --metrics-push", () => {
  it("PUTs the final metrics once when the run ends, grouped by scenario and shard; they are the result's", async () => {
    const dir = tmp.make();
    const path = writeScenario(dir, "push-e2e.yaml", scenario("push-e2e", "2d", 120));
    const out = join(dir, "result.json");
    const before = pushes.length;
    const run = await kmssim(["run", path, "--metrics-push", gatewayUrl, "--shard", "2/2", "--workers", "1", "--quiet", "--out", out], { timeoutMs: 120_000 });
    expect([0, 1], run.stderr).toContain(run.code);
    const mine = pushes.slice(before);
    expect(mine.map((p) => [p.method, p.url])).toEqual([["PUT", "/metrics/job/kmssim/scenario/push-e2e/shard/2-of-2"]]);
    expect(mine[0].contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(run.stderr).toContain(`kmssim: pushed the final metrics to ${gatewayUrl} (job kmssim/scenario/push-e2e/shard/2-of-2)`);
    const result = JSON.parse(readFileSync(out, "utf8")) as Result;
    expect(result.clients.total).toBe(60);
    expect(result.rpc.activation.ok).toBeGreaterThan(0);
    expectPushIsResult(mine[0].text, result);
    expect(select(mine[0].text, "kmssim_host_up").map((s) => s.value)).toEqual([1, 1]);
  });

  it("pushes on Ctrl-C too: exit 130, the partial result and the push agree", async () => {
    const dir = tmp.make();
    const path = writeScenario(dir, "push-interrupted.yaml", scenario("push-interrupted", "60d", 120));
    const out = join(dir, "partial.json");
    if (!existsSync(join(REPO_ROOT, "dist", "cli", "main.js"))) throw new Error("dist/ is missing: run `npm run build` first");
    const before = pushes.length;
    const child = spawn(process.execPath, [BIN, "run", path, "--metrics-push", gatewayUrl, "--metrics-port", "0", "--workers", "1", "--quiet", "--out", out], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    const killer = setTimeout(() => child.kill("SIGKILL"), 90_000);
    let interrupt: NodeJS.Timeout | undefined;
    child.stdout.resume();
    child.stderr.setEncoding("utf8").on("data", (c: string) => {
      stderr += c;
      // Listening means the run is set up; let it run a little, then Ctrl-C.
      if (interrupt === undefined && /metrics at /.test(stderr)) interrupt = setTimeout(() => child.kill("SIGINT"), 3000);
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    clearTimeout(killer);
    clearTimeout(interrupt);
    expect(code, stderr).toBe(130);
    expectNoStack(stderr);
    const mine = pushes.slice(before);
    expect(mine.map((p) => p.url)).toEqual(["/metrics/job/kmssim/scenario/push-interrupted"]);
    const result = JSON.parse(readFileSync(out, "utf8")) as Result;
    expect(result.interrupted).toBe(true);
    expect(result.simulatedSeconds).toBeLessThan(60 * 86400);
    expectPushIsResult(mine[0].text, result);
  });

  it("a Pushgateway that is not there: a warning, and the run's own exit code", async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const dir = tmp.make();
    const path = writeScenario(dir, "push-nowhere.yaml", scenario("push-nowhere", "6h", 10));
    // With credentials in the URL (sent as basic auth): the password is never printed.
    const run = await kmssim(["run", path, "--metrics-push", `http://ci:S3CRET-pw@127.0.0.1:${port}`, "--workers", "0", "--quiet"], { timeoutMs: 120_000 });
    expect([0, 1], run.stderr).toContain(run.code);
    expect(run.stderr).toContain(`kmssim: warning: could not push the metrics to http://ci:***@127.0.0.1:${port}: `);
    expect(run.stderr).not.toContain("S3CRET");
    expect(run.stderr).toMatch(/ECONNREFUSED/);
    expectNoStack(run.stderr);
  });

  it("bad metrics flags are exit 2 before anything runs, each saying what to give", async () => {
    const smoke = scenarioPath("realtime-smoke.yaml");
    const cases: [string[], string][] = [
      [["--metrics-port", "9464", "--metrics-listen", "127.0.0.1:9464"], "--metrics-port 9464 and --metrics-listen 127.0.0.1:9464 both say where"],
      [["--metrics-listen", "9464"], "--metrics-listen: '9464' is not ADDR:PORT"],
      [["--metrics-listen", "kms.example:9464"], "names 'kms.example', which is not an IP address"],
      [["--metrics-listen", "127.0.0.1:65536"], "has no port from 0 to 65535"],
      [["--metrics-listen", "127.0.0.1:0", "--mode", "virtual"], "--metrics-listen is for realtime runs"],
      [["--metrics-push", "http://pushgateway:9091"], "names 'pushgateway', not an IP address"],
      [["--metrics-push", "http://0.0.0.0:9091"], '"any address"'],
      [["--metrics-push", "http://ci:S3CRET@pushgateway:9091"], "'http://ci:***@pushgateway:9091' names 'pushgateway'"],
      [["--metrics-push", "http://ci:S3CRET@push gateway"], "--metrics-push: the value given is not a URL"],
      [["--metrics-push", "http://127.0.0.1:9091", "--mode", "virtual"], "--metrics-push is for realtime runs"],
    ];
    // Side by side: each exits before it runs anything.
    const runs = await Promise.all(cases.map(([flags]) => kmssim(["run", smoke, ...flags])));
    runs.forEach((run, k) => {
      const [flags, message] = cases[k];
      expect(run.code, `${flags.join(" ")}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toContain(message);
      expect(run.stdout).toBe("");
      expect(run.stderr).not.toContain("S3CRET");
      expectNoStack(run.stderr);
    });
    // The environment gives flags too (KMSSIM_METRICS_LISTEN), and the conflict names it.
    const env = await kmssim(["run", smoke, "--metrics-port", "9464"], { env: { KMSSIM_METRICS_LISTEN: "0.0.0.0:9464" } });
    expect(env.code, env.stderr).toBe(2);
    expect(env.stderr).toContain("KMSSIM_METRICS_LISTEN");
  });
});
