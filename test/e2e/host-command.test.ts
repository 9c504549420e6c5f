// `kmssim host` end to end (issue 5; README "Commands", "DNS publishing"): a scenario's
// hosts as real listeners on 127.0.0.1 that publish themselves with TSIG-signed updates to
// a `kmssim dns --key-file` child, audited with `kmssim discover`. Stopping the hosts
// leaves their records (like a decommissioned KMS host), so discover then finds them
// unreachable. A wrong key is a publish-failed line, not an exit; missing --dns and
// clashing ports are bad input (exit 2).
//
// Every child this file starts is SIGKILLed in afterAll if still running; every wait is bounded.

import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DiscoverReport } from "../../src/discover/audit.js";
import { dnsChildren, type DnsChild } from "./dns-child.js";
import { BIN, REPO_ROOT, kmssim, tempDirs, writeScenario, yaml } from "./helpers.js";
import { expectNoStack } from "./realtime-helpers.js";

const ZONE = "corp.example";
const KEY_NAME = "kmssim-key.";
const WAIT_MS = 20_000;

const tmp = tempDirs();
const dns = dnsChildren();

// ---- `kmssim host` as a child -----------------------------------------------------------

interface HostChild {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when stdout matches `pattern` `count` times; rejects after `timeoutMs` or when the child exits first. */
  waitFor(pattern: RegExp, count?: number, timeoutMs?: number): Promise<void>;
  /** Sends `signal`, resolves with how the child ended (SIGKILL after `timeoutMs`). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const hostAlive = new Set<ChildProcess>();
afterAll(() => {
  for (const child of hostAlive) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

const matches = (text: string, pattern: RegExp): number => text.match(new RegExp(pattern.source, `${pattern.flags.replace("g", "")}g`))?.length ?? 0;

function startHost(args: readonly string[]): HostChild {
  if (!existsSync(join(REPO_ROOT, "dist", "cli", "main.js"))) throw new Error("dist/ is missing: run `npm run build` first");
  const child = spawn(process.execPath, [BIN, "host", ...args], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
  hostAlive.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (c: string) => (stdout += c));
  child.stderr!.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => {
      hostAlive.delete(child);
      resolve({ code, signal });
    }),
  );
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitFor(pattern, count = 1, timeoutMs = WAIT_MS) {
      return new Promise<void>((resolve, reject) => {
        const done = (error?: Error): void => {
          clearTimeout(timer);
          child.stdout!.off("data", check);
          if (error === undefined) resolve();
          else reject(error);
        };
        const check = (): void => {
          if (matches(stdout, pattern) >= count) done();
        };
        const timer = setTimeout(
          () => done(new Error(`kmssim host printed ${pattern} ${count}× not within ${timeoutMs} ms; stdout:\n${stdout}\nstderr:\n${stderr}`)),
          timeoutMs,
        );
        child.stdout!.on("data", check);
        void ended.then(({ code, signal }) =>
          done(new Error(`kmssim host exited (code ${code}, signal ${signal}) before printing ${pattern}; stdout:\n${stdout}\nstderr:\n${stderr}`)),
        );
        check();
      });
    },
    async stop(signal = "SIGTERM", timeoutMs = WAIT_MS) {
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      const result = await ended;
      clearTimeout(timer);
      return result;
    },
  };
}

// ---- fixtures ---------------------------------------------------------------------------

/** A key file as `tsig-keygen -a hmac-sha256 kmssim-key.` prints it, with a fresh random secret. */
function writeKeyFile(dir: string, fileName: string): string {
  const path = join(dir, fileName);
  writeFileSync(path, `key "${KEY_NAME}" {\n\talgorithm hmac-sha256;\n\tsecret "${randomBytes(32).toString("base64")}";\n};\n`);
  return path;
}

/** Two hosts, 300:100 at priority 0, publishing into corp.example. */
const twoHosts = yaml(
  "name: host-cmd",
  "seed: 71",
  "dns: { domain: corp.example }",
  "hosts:",
  "  - { name: kms1, weight: 300 }",
  "  - { name: kms2, weight: 100 }",
  "clients:",
  "  - { name: fleet, count: 10 }",
);

const LISTENING = /^kmssim host: (kms\d) listening on 127\.0\.0\.1:(\d+)$/gm;
const PUBLISHED = /^kmssim host: kms\d published in corp\.example \(event 12294\)$/m;
const PUBLISH_FAILED = /^kmssim host: kms\d publish-failed in corp\.example \(event 12293\): .+$/m;

function listeningPorts(stdout: string): Record<string, number> {
  return Object.fromEntries([...stdout.matchAll(LISTENING)].map((m) => [m[1], Number(m[2])]));
}

async function discoverJson(server: DnsChild): Promise<{ code: number | null; report: DiscoverReport; stderr: string }> {
  const run = await kmssim(["discover", "--domain", ZONE, "--server", `127.0.0.1:${server.port}`, "--json"]);
  try {
    return { code: run.code, report: JSON.parse(run.stdout) as DiscoverReport, stderr: run.stderr };
  } catch {
    return expect.fail(`discover --json printed no JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
}

function connects(port: number, timeoutMs = 5_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    const timer = setTimeout(() => finish(false), timeoutMs);
    const finish = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => finish(true));
    socket.once("error", () => finish(false));
  });
}

// ---- tests ------------------------------------------------------------------------------

describe("kmssim host publishing to kmssim dns, audited by kmssim discover", () => {
  let dir: string;
  let keyFile: string;
  let scenario: string;
  let server: DnsChild;
  let hosts: HostChild | null = null;
  let ports: Record<string, number> = {};

  beforeAll(async () => {
    dir = tmp.make();
    keyFile = writeKeyFile(dir, "kmssim.key");
    scenario = writeScenario(dir, "host-cmd.yaml", twoHosts);
    server = await dns.start(["--listen", "127.0.0.1:0", "--domain", ZONE, "--key-file", keyFile]);
  });

  afterAll(async () => {
    if (hosts !== null) await hosts.stop("SIGKILL");
    if (server !== undefined) await server.stop();
  });

  it("both hosts listen and print 'published' (event 12294) for corp.example", async () => {
    hosts = startHost([scenario, "--dns", `127.0.0.1:${server.port}`, "--key-file", keyFile, "--port-base", "0"]);
    await hosts.waitFor(PUBLISHED, 2);
    await hosts.waitFor(/^kmssim host: publishing to 127\.0\.0\.1:\d+ every /m);
    ports = listeningPorts(hosts.stdout());
    expect(Object.keys(ports).sort()).toEqual(["kms1", "kms2"]);
    expect(ports.kms1).not.toBe(ports.kms2);
    expect(hosts.stdout()).not.toMatch(PUBLISH_FAILED);
    expect(hosts.stdout()).toContain("kmssim host: kms1 published in corp.example (event 12294)");
    expect(hosts.stdout()).toContain("kmssim host: kms2 published in corp.example (event 12294)");
  });

  it("discover sees both records with win7 shares 0.75 / 0.25, both probes open, no problem: exit 0", async () => {
    expect(hosts, "the previous test started the hosts").not.toBeNull();
    const { code, report, stderr } = await discoverJson(server);
    expect(report.lookup.status).toBe("ok");
    const byTarget = new Map(report.records.map((r) => [r.target, r]));
    expect([...byTarget.keys()].sort()).toEqual([`kms1.${ZONE}`, `kms2.${ZONE}`]);
    const kms1 = byTarget.get(`kms1.${ZONE}`)!;
    const kms2 = byTarget.get(`kms2.${ZONE}`)!;
    expect([kms1.port, kms2.port], "the SRV ports are the ports the hosts listen on").toEqual([ports.kms1, ports.kms2]);
    expect([kms1.weight, kms2.weight]).toEqual([300, 100]);
    expect(kms1.share?.win7).toBeCloseTo(0.75, 6);
    expect(kms2.share?.win7).toBeCloseTo(0.25, 6);
    for (const r of [kms1, kms2]) {
      expect(r.dnsAddress, "the A record was published too").toBe("127.0.0.1");
      expect(r.probe.status, JSON.stringify(r.probe)).toBe("open");
    }
    expect(report.problems).toEqual([]);
    expect(code, stderr).toBe(0);
  });

  it("SIGTERM: kmssim host prints 'stopped' and exits 0; its records stay, so discover finds both UNREACHABLE: exit 1", async () => {
    expect(hosts, "the first test started the hosts").not.toBeNull();
    const ended = await hosts!.stop("SIGTERM");
    expect(ended, hosts!.stderr()).toEqual({ code: 0, signal: null });
    expect(hosts!.stdout()).toMatch(/^kmssim host: stopped$/m);
    expectNoStack(hosts!.stderr());
    expect(await connects(ports.kms1), "the listener is closed").toBe(false);

    const { code, report } = await discoverJson(server);
    const targets = report.records.map((r) => `${r.target}:${r.port}`).sort();
    expect(targets, "stopping the service does not remove its records").toEqual([`kms1.${ZONE}:${ports.kms1}`, `kms2.${ZONE}:${ports.kms2}`]);
    for (const r of report.records) expect(r.probe.status).toBe("refused");
    const unreachable = report.problems
      .filter((p) => p.code === "UNREACHABLE")
      .flatMap((p) => p.hosts)
      .sort();
    expect(unreachable).toEqual(targets);
    expect(report.ok).toBe(false);
    expect(code).toBe(1);
  });

  it("a wrong secret: 'publish-failed' with NOTAUTH/BADSIG for each host, and the hosts keep serving", async () => {
    const wrongKey = writeKeyFile(dir, "wrong.key");
    const wrong = startHost([scenario, "--dns", `127.0.0.1:${server.port}`, "--key-file", wrongKey, "--port-base", "0"]);
    try {
      await wrong.waitFor(PUBLISH_FAILED, 2);
      const failed = wrong
        .stdout()
        .split("\n")
        .filter((line) => PUBLISH_FAILED.test(line));
      expect(failed).toHaveLength(2);
      for (const line of failed) {
        expect(line).toMatch(/NOTAUTH/);
        expect(line).toMatch(/BADSIG/);
      }
      expect(wrong.stdout()).not.toMatch(PUBLISHED);
      const listening = listeningPorts(wrong.stdout());
      expect(Object.keys(listening).sort()).toEqual(["kms1", "kms2"]);
      expect(await connects(listening.kms1), "kms1 still accepts connections").toBe(true);
      expect(await connects(listening.kms2), "kms2 still accepts connections").toBe(true);
      expect(wrong.child.exitCode, "still running").toBeNull();
    } finally {
      const ended = await wrong.stop("SIGTERM");
      expect(ended.code, wrong.stderr()).toBe(0);
    }
  });
});

describe("kmssim host: bad input exits 2", () => {
  it("an embedded-DNS scenario without --dns: exit 2, tells to give --dns", async () => {
    const dir = tmp.make();
    const scenario = writeScenario(dir, "no-dns.yaml", twoHosts);
    const run = await kmssim(["host", scenario, "--port-base", "0"], { timeoutMs: WAIT_MS });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/--dns/);
    expect(run.stdout, "nothing started").not.toMatch(/listening on/);
    expectNoStack(run.stderr);
  });

  it("two hosts on the same port without --port-base: exit 2, names both hosts and the port", async () => {
    const dir = tmp.make();
    const scenario = writeScenario(
      dir,
      "same-port.yaml",
      yaml("name: same-port", "hosts:", "  - { name: kms1, port: 17688 }", "  - { name: kms2, port: 17688 }", "clients:", "  - { name: fleet, count: 10 }"),
    );
    const run = await kmssim(["host", scenario, "--dns", "127.0.0.1:5353"], { timeoutMs: WAIT_MS });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/kms1/);
    expect(run.stderr).toMatch(/kms2/);
    expect(run.stderr).toMatch(/17688/);
    expect(run.stderr).toMatch(/--port-base/);
    expect(run.stdout).not.toMatch(/listening on/);
    expectNoStack(run.stderr);
  });
});
