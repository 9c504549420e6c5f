// End-to-end helpers: run the real binary (`node bin/kmssim.js ...`, which imports dist/),
// write scenarios into temporary directories, and check the result JSON against the
// contract of design.md ("Result JSON") plus the README's "Additions to the contract".

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect } from "vitest";
import type { Result } from "../../src/results/result.js";
import { resultProblem } from "../../src/results/result-file.js";

export type { Result };

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const BIN = join(REPO_ROOT, "bin", "kmssim.js");
export const scenarioPath = (name: string): string => join(REPO_ROOT, "scenarios", name);

/** Activation thresholds of design.md: below them the host answers 0xC004F038. */
export const ACTIVATION_THRESHOLD: Record<string, number> = {
  "windows-client": 25,
  "windows-server": 5,
  "office-2010": 5,
};

export interface CliRun {
  /** Exit code; null when the process died of a signal or was killed by the timeout. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/kmssim.js ...args` from the repo root (`env`: added to this process's). */
export function kmssim(args: readonly string[], options: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<CliRun> {
  if (!existsSync(join(REPO_ROOT, "dist", "cli", "main.js"))) {
    throw new Error("dist/ is missing: run `npm run build` first (npm test does)");
  }
  return runChild(process.execPath, [BIN, ...args], options);
}

/**
 * Runs a program from the repo root to its end, with its output; killed (code null) after
 * `timeoutMs`, so a hang fails the test instead of stalling it. `env` adds to this process's.
 */
export function runChild(file: string, args: readonly string[], options: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<CliRun> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const env = options.env === undefined ? process.env : { ...process.env, ...options.env };
    const child = spawn(file, [...args], { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * Temporary directories for one test file, removed after its tests ran.
 * Call at the top level of a test file: `const tmp = tempDirs();` then `tmp.make()`.
 */
export function tempDirs(): { make(): string } {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });
  return {
    make() {
      const dir = mkdtempSync(join(tmpdir(), "kmssim-e2e-"));
      made.push(dir);
      return dir;
    },
  };
}

/** Lines joined with "\n": scenarios in tests stay readable without template indentation. */
export const yaml = (...lines: string[]): string => `${lines.join("\n")}\n`;

export function writeScenario(dir: string, fileName: string, text: string): string {
  const path = join(dir, fileName);
  writeFileSync(path, text);
  return path;
}

export interface ScenarioRun extends CliRun {
  result: Result;
  outPath: string;
}

/**
 * `kmssim run <scenario> --out <dir>/<name>.json --quiet [...extra]` and the parsed result.
 * `scenario` is a path, or YAML text (written into `dir` first).
 */
export async function runScenario(
  dir: string,
  scenario: { path: string } | { text: string; name: string },
  extra: readonly string[] = [],
): Promise<ScenarioRun> {
  const path = "path" in scenario ? scenario.path : writeScenario(dir, `${scenario.name}.yaml`, scenario.text);
  const base = "path" in scenario ? (scenario.path.split(/[\\/]/).pop() ?? "scenario").replace(/\.ya?ml$/, "") : scenario.name;
  const outPath = join(dir, `${base}-${Math.random().toString(36).slice(2, 8)}.json`);
  const run = await kmssim(["run", path, "--out", outPath, "--quiet", ...extra]);
  if (!existsSync(outPath)) {
    expect.fail(`kmssim run ${path} wrote no result (exit ${run.code}):\n${run.stderr}`);
  }
  const result = JSON.parse(readFileSync(outPath, "utf8")) as Result;
  return { ...run, result, outPath };
}

/** Seconds in a scenario duration like `90d`, `30m`, `1.5h`, `500ms`, `0`. */
export function durationSeconds(text: string | number): number {
  if (typeof text === "number") return text;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(text.trim());
  if (m === null) throw new Error(`not a duration: ${text}`);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as "ms" | "s" | "m" | "h" | "d"];
  return Number(m[1]) * unit;
}

/** Host by name, failing the test when it is missing. */
export function host(result: Result, name: string): Result["hosts"][number] {
  const found = result.hosts.find((h) => h.name === name);
  if (found === undefined) expect.fail(`no host '${name}' in result (hosts: ${result.hosts.map((h) => h.name).join(", ")})`);
  return found;
}

/** Timeline samples whose interval (previous t, t] lies inside [fromS, toS]. */
export function samplesWithin(result: Result, fromS: number, toS: number): Result["timeline"] {
  const out: Result["timeline"] = [];
  result.timeline.forEach((sample, k) => {
    const start = k === 0 ? 0 : result.timeline[k - 1].t;
    if (start >= fromS && sample.t <= toS) out.push(sample);
  });
  return out;
}

/** Requests per host summed over samples. */
export function sumHostRequests(samples: Result["timeline"]): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const s of samples) for (const [name, n] of Object.entries(s.hostRequests)) sums[name] = (sums[name] ?? 0) + n;
  return sums;
}

/** stderr lines that look like a JavaScript stack frame. */
export const stackFrames = (stderr: string): string[] => stderr.split("\n").filter((line) => /^\s+at\s/.test(line));

// ---- The result contract ---------------------------------------------------------------

const HEX_CODE = /^0x[0-9A-F]{8}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

const isCount = (v: unknown): boolean => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const isFiniteNumber = (v: unknown): boolean => typeof v === "number" && Number.isFinite(v);

function expectCount(v: unknown, path: string): void {
  expect(isCount(v), `${path} should be a whole number ≥ 0, got ${JSON.stringify(v)}`).toBe(true);
}

function expectNumber(v: unknown, path: string): void {
  expect(isFiniteNumber(v), `${path} should be a finite number, got ${JSON.stringify(v)}`).toBe(true);
}

function expectObject(v: unknown, path: string): asserts v is Record<string, unknown> {
  expect(typeof v === "object" && v !== null && !Array.isArray(v), `${path} should be an object, got ${JSON.stringify(v)}`).toBe(true);
}

function expectErrorMap(v: unknown, path: string): void {
  expectObject(v, path);
  for (const [code, n] of Object.entries(v)) {
    expect(code, `${path}: key '${code}' should be 0x + 8 upper-case hex digits`).toMatch(HEX_CODE);
    expect(isCount(n) && (n as number) > 0, `${path}.${code} should be a count > 0, got ${JSON.stringify(n)}`).toBe(true);
  }
}

function expectLatency(v: unknown, path: string): void {
  expectObject(v, path);
  for (const key of ["mean", "p50", "p90", "p99", "p999", "max"]) {
    expectNumber(v[key], `${path}.${key}`);
    expect(v[key] as number, `${path}.${key} ≥ 0`).toBeGreaterThanOrEqual(0);
  }
  const l = v as unknown as Result["dns"]["latencyMs"];
  const order = [l.p50, l.p90, l.p99, l.p999, l.max];
  for (let k = 1; k < order.length; k++) {
    expect(order[k - 1], `${path}: p50 ≤ p90 ≤ p99 ≤ p999 ≤ max, got ${JSON.stringify(l)}`).toBeLessThanOrEqual(order[k]);
  }
  expect(l.mean, `${path}.mean ≤ max`).toBeLessThanOrEqual(l.max);
}

function expectHistogram(v: unknown, path: string): void {
  expect(typeof v, `${path} should be a string`).toBe("string");
  expect(v as string, `${path} should be non-empty base64 (compressed HdrHistogram)`).toMatch(BASE64);
}

function expectRpcKind(v: unknown, path: string): void {
  expectObject(v, path);
  for (const key of ["sent", "ok", "failed"]) expectCount(v[key], `${path}.${key}`);
  expectErrorMap(v.errors, `${path}.errors`);
  expectLatency(v.latencyMs, `${path}.latencyMs`);
  expectHistogram(v.histogram, `${path}.histogram`);
  const k = v as unknown as Result["rpc"]["activation"];
  expect(k.ok + k.failed, `${path}: ok + failed ≤ sent`).toBeLessThanOrEqual(k.sent);
  const errorSum = Object.values(k.errors).reduce((a, b) => a + b, 0);
  expect(errorSum, `${path}: the errors by code add up to failed`).toBe(k.failed);
  if (k.ok + k.failed === 0) expect(k.latencyMs.max, `${path}: no answers, no latency`).toBe(0);
}

function expectSpread(v: unknown, path: string): void {
  expectObject(v, path);
  for (const key of ["jain", "maxOverMean", "cv", "maxShareDeviation"]) {
    expectNumber(v[key], `${path}.${key}`);
    expect(v[key] as number, `${path}.${key} ≥ 0`).toBeGreaterThanOrEqual(0);
  }
  expect(v.jain as number, `${path}.jain ≤ 1`).toBeLessThanOrEqual(1 + 1e-9);
  expect(v.maxShareDeviation as number, `${path}.maxShareDeviation ≤ 1`).toBeLessThanOrEqual(1 + 1e-9);
}

/**
 * Every key of the result contract with the right type, and the rules that tie the
 * numbers together (counts add up, shares sum to 1, percentiles are ordered, the timeline
 * partitions the run).
 */
export function expectResultContract(r: Result): void {
  // The one definition of the result (output/result-schema.ts) first, then the rules across fields.
  expect(resultProblem(r), "the result schema").toBeNull();
  const raw = r as unknown as Record<string, unknown>;
  expect(r.schema).toBe("kmssim/result@1");
  expect(typeof r.scenario).toBe("string");
  expect(["virtual", "realtime"]).toContain(r.mode);
  expectCount(r.seed, "seed");
  expectNumber(r.simulatedSeconds, "simulatedSeconds");
  expectNumber(r.wallSeconds, "wallSeconds");
  expect(r.wallSeconds).toBeGreaterThanOrEqual(0);
  expect(typeof r.pass).toBe("boolean");
  if ("interrupted" in raw) expect(typeof raw.interrupted).toBe("boolean");

  // clients
  expectObject(raw.clients, "clients");
  const c = r.clients;
  for (const key of ["total", "activated", "notActivated", "licensed", "unlicensed", "initialGrace", "outOfToleranceGrace", "inFlightAtEnd"]) {
    expectCount((c as unknown as Record<string, unknown>)[key], `clients.${key}`);
  }
  expectErrorMap(c.errors, "clients.errors");
  expect(c.activated + c.notActivated, "activated + notActivated = total").toBe(c.total);
  expect(c.licensed + c.unlicensed + c.initialGrace + c.outOfToleranceGrace, "every client has one license status").toBe(c.total);
  expect(c.licensed, "only activated clients can be licensed").toBeLessThanOrEqual(c.activated);

  // rpc
  expectObject(raw.rpc, "rpc");
  expectRpcKind(r.rpc.activation, "rpc.activation");
  expectRpcKind(r.rpc.renewal, "rpc.renewal");
  const sent = r.rpc.activation.sent + r.rpc.renewal.sent;
  const answered = r.rpc.activation.ok + r.rpc.activation.failed + r.rpc.renewal.ok + r.rpc.renewal.failed;
  expect(sent - answered, "RPCs without an outcome are the ones still in flight").toBeLessThanOrEqual(c.inFlightAtEnd);
  if (c.inFlightAtEnd === 0) {
    expect(r.rpc.activation.ok + r.rpc.activation.failed, "activation: sent = ok + failed").toBe(r.rpc.activation.sent);
    expect(r.rpc.renewal.ok + r.rpc.renewal.failed, "renewal: sent = ok + failed").toBe(r.rpc.renewal.sent);
  }
  // A client that starts licensed (startLicensed) is activated from time 0 with no RPC; the shipped ones all renew in the run.
  expect(r.rpc.activation.ok + r.rpc.renewal.ok, "every activated client had a successful activation or renewal").toBeGreaterThanOrEqual(c.activated);
  if (r.rpc.renewal.sent === 0) expect(r.rpc.activation.ok, "every activated client had a successful activation").toBeGreaterThanOrEqual(c.activated);

  // dns
  expectObject(raw.dns, "dns");
  expectCount(r.dns.queries, "dns.queries");
  expectCount(r.dns.failed, "dns.failed");
  expect(r.dns.failed).toBeLessThanOrEqual(r.dns.queries);
  expectLatency(r.dns.latencyMs, "dns.latencyMs");
  expectHistogram(r.dns.histogram, "dns.histogram");

  // hosts
  expect(Array.isArray(r.hosts)).toBe(true);
  expect(r.hosts.length).toBeGreaterThan(0);
  expect(new Set(r.hosts.map((h) => h.name)).size, "host names are unique").toBe(r.hosts.length);
  const totalRequests = r.hosts.reduce((a, h) => a + h.requests, 0);
  for (const h of r.hosts) {
    const p = `hosts.${h.name}`;
    expect(typeof h.name).toBe("string");
    for (const key of ["requests", "activations", "renewals", "refused", "unanswered"]) {
      expectCount((h as unknown as Record<string, unknown>)[key], `${p}.${key}`);
    }
    expectNumber(h.share, `${p}.share`);
    expectNumber(h.expectedShare, `${p}.expectedShare`);
    for (const key of ["share", "expectedShare"] as const) {
      expect(h[key], `${p}.${key} in [0, 1]`).toBeGreaterThanOrEqual(0);
      expect(h[key], `${p}.${key} in [0, 1]`).toBeLessThanOrEqual(1);
    }
    expect(h.activations + h.renewals, `${p}: activations + renewals = requests`).toBe(h.requests);
    if (totalRequests > 0) expect(h.share, `${p}.share = requests / all requests`).toBeCloseTo(h.requests / totalRequests, 5);
    expect(["up", "hung", "down", "decommissioned"]).toContain(h.state);

    expectObject(h.count, `${p}.count`);
    // A scenario's own products carry their threshold in hosts[].products; the built-in ones have design.md's.
    const thresholdOf = (product: string): number =>
      h.products?.find((entry) => entry.name === product && entry.threshold > 0)?.threshold ?? ACTIVATION_THRESHOLD[product];
    for (const [product, n] of Object.entries(h.count)) {
      expect(thresholdOf(product), `${p}.count: known product ${product}`).toBeGreaterThan(0);
      expectCount(n, `${p}.count.${product}`);
      expect(n, `${p}.count.${product}: the host keeps at most 2 × threshold CMIDs`).toBeLessThanOrEqual(2 * thresholdOf(product));
    }
    expect(Array.isArray(h.lowCount), `${p}.lowCount is a list`).toBe(true);
    for (const product of h.lowCount) {
      expect((h.count as Record<string, number>)[product] ?? 0, `${p}.lowCount lists ${product}: its count is below the threshold`).toBeLessThan(
        thresholdOf(product),
      );
    }
    if (h.products !== undefined) {
      // Per product, like slmgr /dlv <Activation ID>: each adds up, and together they are the host's /dlv.
      for (const entry of h.products) {
        const q = `${p}.products.${entry.name}`;
        const d = entry.dlv;
        expect(d.licensed + d.initialGrace + d.outOfToleranceGrace + d.notification, `${q}.dlv by client state = total`).toBe(d.total);
        expect(
          Object.values(entry.errors).reduce((a, b) => a + b, 0),
          `${q}.errors add up to dlv.failed`,
        ).toBe(d.failed);
        expect(entry.count, `${q}.count = count.${entry.name}`).toBe(h.count[entry.name] ?? 0);
        expect(entry.low, `${q}.low = lowCount lists it`).toBe(h.lowCount.includes(entry.name));
      }
      for (const key of ["total", "failed"] as const) {
        expect(
          h.products.reduce((sum, entry) => sum + entry.dlv[key], 0),
          `${p}.products add up to dlv.${key}`,
        ).toBe(h.dlv[key]);
      }
    }

    expectObject(h.dlv, `${p}.dlv`);
    const d = h.dlv;
    for (const key of ["total", "failed", "licensed", "initialGrace", "outOfToleranceGrace", "notification"]) {
      expectCount((d as unknown as Record<string, unknown>)[key], `${p}.dlv.${key}`);
    }
    expect(d.total, `${p}.dlv.total counts every request served`).toBe(h.requests);
    expect(d.failed).toBeLessThanOrEqual(d.total);
    expect(d.licensed + d.initialGrace + d.outOfToleranceGrace + d.notification, `${p}.dlv: requests by client state add up`).toBe(d.total);
  }
  if (totalRequests > 0) {
    expect(
      r.hosts.reduce((a, h) => a + h.share, 0),
      "shares sum to 1",
    ).toBeCloseTo(1, 4);
    expect(
      r.hosts.reduce((a, h) => a + h.expectedShare, 0),
      "expected shares sum to 1",
    ).toBeCloseTo(1, 4);
  }
  // Every RPC sent met a host that served it, refused it or never answered — or is still on the wire.
  const met = r.hosts.reduce((a, h) => a + h.requests + h.refused + h.unanswered, 0);
  expect(met, "requests + refused + unanswered ≤ RPCs sent").toBeLessThanOrEqual(sent);
  expect(sent - met, "RPCs that reached no host are still in flight").toBeLessThanOrEqual(c.inFlightAtEnd);
  // What hosts answered with an error code, clients saw as that code (or lost with the reply).
  const hostCoded = [r.rpc.activation, r.rpc.renewal].reduce(
    (a, k) => a + Object.entries(k.errors).reduce((s, [code, n]) => s + (code === "0x800706BA" ? 0 : n), 0),
    0,
  );
  expect(
    r.hosts.reduce((a, h) => a + h.dlv.failed, 0),
    "host-side failures ≥ KMS error codes clients received",
  ).toBeGreaterThanOrEqual(hostCoded);

  expectSpread(r.spread, "spread");
  expectCount(r.failovers, "failovers");
  expectCount(r.rediscoveries, "rediscoveries");

  // events (addition)
  expect(Array.isArray(r.events)).toBe(true);
  for (const e of r.events) {
    expectNumber(e.t, "events[].t");
    expect(e.t).toBeLessThanOrEqual(r.simulatedSeconds);
    expect(["host", "dns"]).toContain(e.kind);
  }

  // timeline
  expect(Array.isArray(r.timeline)).toBe(true);
  // An interrupted run may stop before its first sample.
  if (raw.interrupted !== true) expect(r.timeline.length, "a run has timeline samples").toBeGreaterThan(0);
  let previous = { t: 0, activated: 0 };
  for (const [k, s] of r.timeline.entries()) {
    const p = `timeline[${k}]`;
    expectNumber(s.t, `${p}.t`);
    expect(s.t, `${p}.t increases`).toBeGreaterThan(previous.t);
    expectCount(s.activated, `${p}.activated`);
    expect(s.activated, `${p}.activated is cumulative`).toBeGreaterThanOrEqual(previous.activated);
    expectCount(s.licensed, `${p}.licensed`);
    expect(s.licensed).toBeLessThanOrEqual(s.activated);
    expectObject(s.hostRequests, `${p}.hostRequests`);
    expect(Object.keys(s.hostRequests).sort(), `${p}.hostRequests names every host`).toEqual(r.hosts.map((h) => h.name).sort());
    for (const [name, n] of Object.entries(s.hostRequests)) expectCount(n, `${p}.hostRequests.${name}`);
    expectSpread(s.spread, `${p}.spread`);
    previous = s;
  }
  const last = r.timeline[r.timeline.length - 1] ?? { t: 0, activated: 0 };
  const sums = sumHostRequests(r.timeline);
  if (raw.interrupted === true) {
    // Stopped between samples: the timeline covers the run up to its last sample.
    expect(last.t).toBeLessThanOrEqual(r.simulatedSeconds);
    expect(last.activated).toBeLessThanOrEqual(c.activated);
    for (const h of r.hosts) sums[h.name] ??= 0;
    for (const h of r.hosts) expect(sums[h.name]).toBeLessThanOrEqual(h.requests);
  } else {
    expect(last.t, "the last sample is at the end of the run").toBeCloseTo(r.simulatedSeconds, 6);
    expect(last.activated, "the last sample's activated = clients.activated").toBe(c.activated);
    for (const h of r.hosts) expect(sums[h.name], `timeline hostRequests of ${h.name} add up to its requests`).toBe(h.requests);
  }

  // thresholds
  expect(Array.isArray(r.thresholds)).toBe(true);
  for (const t of r.thresholds) {
    expect(typeof t.metric).toBe("string");
    expect(["lt", "lte", "gt", "gte", "eq"]).toContain(t.op);
    expectNumber(t.value, `thresholds[${t.metric}].value`);
    expect(t.actual === null || isFiniteNumber(t.actual), `thresholds[${t.metric}].actual is a number or null`).toBe(true);
    expect(typeof t.pass).toBe("boolean");
    if (t.actual === null) expect(t.pass).toBe(false);
    else expect(t.pass, `thresholds[${t.metric}]: pass agrees with actual ${t.actual} ${t.op} ${t.value}`).toBe(holds(t.actual, t.op, t.value));
  }
  const interrupted = raw.interrupted === true;
  expect(r.pass, "pass = every threshold passed (and the run was not interrupted)").toBe(r.thresholds.every((t) => t.pass) && !interrupted);
}

function holds(actual: number, op: string, value: number): boolean {
  switch (op) {
    case "lt":
      return actual < value;
    case "lte":
      return actual <= value;
    case "gt":
      return actual > value;
    case "gte":
      return actual >= value;
    default:
      return Math.abs(actual - value) <= 1e-9;
  }
}

/** Exit code follows the verdict: 0 iff pass, 1 iff a threshold failed. */
export function expectExitMatchesVerdict(run: ScenarioRun): void {
  expect(run.code, `exit code ${run.code} should follow pass=${run.result.pass}; stderr:\n${run.stderr}`).toBe(run.result.pass ? 0 : 1);
  if (!run.result.pass) expect(run.stderr).toMatch(/--seed \d+/);
}
