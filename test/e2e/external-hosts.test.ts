// A fleet spread over processes (issue 6), all on loopback: `kmssim dns` serves the zone,
// `kmssim host --start-at T` runs the scenario's hosts and publishes them there, and two
// `kmssim run --external-hosts --shard i/2 --start-at T` processes run half the clients
// each, finding the hosts by DNS alone. Simulated time 0 is T in every process, so the
// hosts' clock-skew check agrees with the clients and the host carries out the scenario's
// events for its hosts. And the loopback rule: a zone that points a target elsewhere
// (192.0.2.10, TEST-NET, unroutable) stops the run with exit 2 before any connection.
//
// Every child this file starts is SIGKILLed in afterAll if still running; every wait is bounded.

import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dnsChildren } from "./dns-child.js";
import { BIN, REPO_ROOT, kmssim, runScenario, tempDirs, writeScenario, yaml, type Result } from "./helpers.js";
import { expectNoStack } from "./realtime-helpers.js";

const tmp = tempDirs();
const dns = dnsChildren();
const WAIT_MS = 20_000;
/** Wall seconds from now to the shared simulated time 0: the host starts and publishes, the runs start. */
const LEAD_S = 8;

const alive = new Set<ChildProcess>();
afterAll(() => {
  for (const child of alive) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

/** `kmssim host …` as a child: its output, a bounded wait for a line, and a stop. */
function startHost(args: readonly string[]) {
  const child = spawn(process.execPath, [BIN, "host", ...args], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
  alive.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
  child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  const ended = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    async waitFor(pattern: RegExp, count: number): Promise<void> {
      const deadline = Date.now() + WAIT_MS;
      while ((stdout.match(new RegExp(pattern.source, "gm")) ?? []).length < count) {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`kmssim host did not print ${pattern} ${count}×; stdout:\n${stdout}\nstderr:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop(): Promise<number | null> {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), WAIT_MS);
      const code = await ended;
      clearTimeout(timer);
      return code;
    },
  };
}

function writeKeyFile(dir: string): string {
  const path = join(dir, "kmssim.key");
  writeFileSync(path, `key "kmssim-key." {\n\talgorithm hmac-sha256;\n\tsecret "${randomBytes(32).toString("base64")}";\n};\n`);
  return path;
}

const scenarioFor = (dnsPort: number, extra: readonly string[] = []) =>
  yaml(
    "name: external-hosts",
    "seed: 23",
    "mode: realtime",
    "duration: 3d",
    "timeScale: 86400",
    "sampleInterval: 12h",
    `dns: { server: "127.0.0.1:${dnsPort}", domain: corp.example }`,
    "hosts:",
    "  - { name: kms1, weight: 300, renewalInterval: 12h }",
    "  - { name: kms2, weight: 100, renewalInterval: 12h }",
    "clients:",
    "  - { name: fleet, count: 200, os: win7, bootSpread: 1d }",
    "network: { rpcTimeout: 2s, dnsTimeout: 1s }",
    ...extra,
  );

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
/** The host's own final count line: `kmssim host: kms1: 123 requests (…)`. */
const hostRequests = (stdout: string, name: string): number => Number(new RegExp(`^kmssim host: ${name}: (\\d+) requests`, "m").exec(stdout)?.[1] ?? NaN);

describe("run --external-hosts --shard i/2 --start-at T against kmssim host and kmssim dns", () => {
  it("both shards' clients all activate on the published hosts; hosts[] are what the clients sent, and add up to the hosts' own counts", async () => {
    const dir = tmp.make();
    const keyFile = writeKeyFile(dir);
    const server = await dns.start(["--listen", "127.0.0.1:0", "--domain", "corp.example", "--key-file", keyFile]);
    // A threshold only the hosts count: the shards do not judge it, the merge does with --hosts.
    const scenario = writeScenario(
      dir,
      "external.yaml",
      scenarioFor(server.port, ["events:", "  - { at: 2d, host: kms2, action: slow }", "thresholds:", "  - { metric: hosts.kms1.dlv.total, gt: 0 }"]),
    );
    const startAt = new Date(Date.now() + LEAD_S * 1000).toISOString();
    const hostsOut = join(dir, "hosts.json");
    const host = startHost([
      scenario,
      "--dns",
      `127.0.0.1:${server.port}`,
      "--key-file",
      keyFile,
      "--port-base",
      "0",
      "--start-at",
      startAt,
      "--time-scale",
      "86400",
      "--out",
      hostsOut,
    ]);
    try {
      await host.waitFor(/^kmssim host: kms\d published in corp\.example/, 2);
      const runs = await Promise.all(
        [1, 2].map((i) =>
          runScenario(dir, { path: scenario }, ["--mode", "realtime", "--external-hosts", "--shard", `${i}/2`, "--start-at", startAt, "--workers", "1"]),
        ),
      );
      const results: Result[] = runs.map((r) => r.result);
      runs.forEach((run, k) => {
        expect(run.code, `shard ${k + 1}/2; stderr:\n${run.stderr}`).toBe(0);
        expectNoStack(run.stderr);
        expect(run.stderr, "the run says once who carries out host events").toMatch(
          /host events are logged in the result but carried out by `kmssim host --start-at`/,
        );
      });
      expect(results.map((r) => r.clients.total)).toEqual([100, 100]);
      for (const r of results) {
        expect(r.clients.activated, "every client of the shard activated").toBe(r.clients.total);
        expect(r.rpc.activation.errors["0xC004F06C"], "no clock skew between the processes").toBeUndefined();
        expect(r.rpc.renewal.errors["0xC004F06C"]).toBeUndefined();
        expect(r.hosts.map((h) => h.name)).toEqual(["kms1", "kms2"]);
        expect(sum(r.hosts.map((h) => h.requests)), "hosts[] requests are the clients' sent requests").toBe(r.rpc.activation.sent + r.rpc.renewal.sent);
        expect(sum(r.hosts.map((h) => h.activations))).toBe(r.rpc.activation.sent);
        expect(sum(r.hosts.map((h) => h.renewals))).toBe(r.rpc.renewal.sent);
        for (const h of r.hosts) {
          expect(h.requests, `${h.name} got requests`).toBeGreaterThan(0);
          expect(h.clientAnswered, `${h.name}: every request sent was answered`).toBe(h.requests);
          expect([h.state, h.lost, h.late, h.unanswered, h.dlv.total, h.count]).toEqual(["up", 0, 0, 0, 0, {}]);
        }
        expect(
          r.events.some((e) => e.kind === "host" && e.target === "kms2" && e.action === "slow"),
          "the event is logged",
        ).toBe(true);
      }
      expect(await host.stop()).toBe(0);
      expect(host.stdout(), "the host carried out its scenario event").toMatch(/^kmssim host: kms2 slow \(scenario event at simulated 172800 s\)$/m);
      for (const name of ["kms1", "kms2"]) {
        const sent = sum(results.map((r) => r.hosts.find((h) => h.name === name)!.requests));
        expect(hostRequests(host.stdout(), name), `${name}: the host read what both shards sent`).toBe(sent);
      }
      // The merge judges the host-side threshold on the hosts' own counts (kmssim host --out).
      const mergedOut = join(dir, "merged.json");
      const noHosts = await kmssim(["merge", ...runs.map((r) => r.outPath)]);
      expect(noHosts.code, "without --hosts the host-side threshold is refused").toBe(2);
      expect(noHosts.stderr).toContain("give their counts with --hosts");
      const merged = await kmssim(["merge", ...runs.map((r) => r.outPath), "--hosts", hostsOut, "--out", mergedOut]);
      expect(merged.code, merged.stderr).toBe(0);
      const all = JSON.parse(readFileSync(mergedOut, "utf8")) as Result;
      for (const name of ["kms1", "kms2"]) {
        const h = all.hosts.find((x) => x.name === name)!;
        expect(h.requests, `${name}: the host's own count`).toBe(hostRequests(host.stdout(), name));
        expect(h.dlv.total).toBe(h.requests);
        expect(h.count["windows-client"]).toBeGreaterThan(0);
      }
      expect(all.thresholds).toEqual([{ metric: "hosts.kms1.dlv.total", op: "gt", value: 0, actual: all.hosts[0].dlv.total, pass: true }]);
    } finally {
      await host.stop();
      await server.stop();
    }
  });
});

describe("the loopback rule on DNS answers", () => {
  it("a zone pointing a target at 192.0.2.10 stops run --external-hosts with exit 2 and what to do", async () => {
    const dir = tmp.make();
    const server = await dns.start([
      "--listen",
      "127.0.0.1:0",
      "--domain",
      "corp.example",
      "--srv",
      "kms1.corp.example:1688:0:100@corp.example",
      "--a",
      "kms1.corp.example=192.0.2.10",
    ]);
    try {
      const scenario = writeScenario(dir, "elsewhere.yaml", scenarioFor(server.port));
      const run = await kmssim(["run", scenario, "--mode", "realtime", "--external-hosts", "--workers", "1", "--quiet"], { timeoutMs: 60_000 });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain(
        "the SRV records of corp.example point kms1.corp.example at 192.0.2.10, which is not a loopback address; " +
          "kmssim sends traffic only to loopback unless you name the address with --allow-address 192.0.2.10 (only for machines that run kmssim host)",
      );
      expectNoStack(run.stderr);
    } finally {
      await server.stop();
    }
  });
});
