// `kmssim run --metrics-port` through the built binary: a realtime run scraped while it
// runs (Prometheus text, counters growing, every host and kind labelled, histograms
// well-formed and matching the RPC totals), the port closed when the run ends even with
// a scraper's connection open, and the flag's bad uses (virtual mode: exit 2; a port in
// use: exit 3). Waits are bounded by counts and timeouts; no wall duration is asserted.

import { spawn } from "node:child_process";
import http from "node:http";
import net from "node:net";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectWellFormedHistogram, parsePromText, select, total, type PromText } from "../realtime/metrics-text.js";
import { BIN, kmssim, REPO_ROOT, scenarioPath, type CliRun, type Result } from "./helpers.js";
import { connectRefused } from "../helpers/connect-refused.js";

const HOSTS = ["kms1", "kms2", "kms3"];
const SMOKE_CLIENTS = 1800;
const LISTENING = /kmssim: metrics at http:\/\/127\.0\.0\.1:(\d+)\/metrics\n/;
const SCRAPE_EVERY_MS = 600;
const MAX_SCRAPES = 40;

interface Scrape {
  status: number;
  type: string | undefined;
  text: PromText;
}

function scrape(port: number): Promise<Scrape> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/metrics", agent: false, timeout: 5000 }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, type: res.headers["content-type"], text: parsePromText(body) }));
    });
    req.on("timeout", () => req.destroy(new Error("scrape timed out")));
    req.on("error", reject);
  });
}

/**
 * A connection that sent half a request: the run's end (or, first, the server's headers
 * timeout) must drop it without a word, never answer it 408; `closed` resolves with
 * what the socket received.
 */
function halfRequest(port: number): Promise<{ closed: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port }, () => {
      let received = "";
      socket.setEncoding("utf8").on("data", (c: string) => (received += c));
      socket.write("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      resolve({ closed: new Promise((done) => socket.once("close", () => done(received))) });
    });
    socket.on("error", () => {});
    socket.once("error", reject);
  });
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const STORM_CLIENTS = 600;
/**
 * realtime-smoke's shape with room for a busy machine (2 cores shared by other runs): a
 * 5 s RPC timeout and half the time scale, so only a metrics server that holds the hosts'
 * event loop for seconds makes clients fail, not ordinary CPU contention.
 */
const STORM_SCENARIO = [
  "name: scrape-storm",
  "seed: 5",
  "mode: realtime",
  "duration: 4d",
  "timeScale: 43200",
  "hosts:",
  "  - { name: kms1, weight: 300, renewalInterval: 12h }",
  "  - { name: kms2, weight: 100, renewalInterval: 12h }",
  "clients:",
  `  - { name: desktops, count: ${STORM_CLIENTS}, os: win7, bootSpread: 1d }`,
  "network:",
  "  rpcTimeout: 5s",
  "  dnsTimeout: 2s",
  "",
].join("\n");
const STORM_SCRAPERS = 64;
/** Per scraper; the run's end stops them first. */
const MAX_STORM_SCRAPES = 5000;

/** One scrape on a fresh connection, body discarded: the status, or 0 when it failed. */
function hammer(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/metrics", agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", () => resolve(0));
    });
    req.on("timeout", () => req.destroy(new Error("scrape timed out")));
    // A refused or closed connection (past the cap, or the run ended): wait a little, as a scraper would.
    req.on("error", () => setTimeout(() => resolve(0), 10));
  });
}

/** Starts a run and resolves with the metrics port once stderr names it. */
function startRun(args: readonly string[]): { port: Promise<number>; exit: Promise<CliRun> } {
  if (!existsSync(join(REPO_ROOT, "dist", "cli", "main.js"))) throw new Error("dist/ is missing: run `npm run build` first");
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const killer = setTimeout(() => child.kill("SIGKILL"), 90_000);
  let gotPort: (port: number) => void = () => {};
  let noPort: (err: Error) => void = () => {};
  const port = new Promise<number>((resolve, reject) => {
    gotPort = resolve;
    noPort = reject;
  });
  child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
  child.stderr.setEncoding("utf8").on("data", (c: string) => {
    stderr += c;
    const m = LISTENING.exec(stderr);
    if (m !== null) gotPort(Number(m[1]));
  });
  const exit = new Promise<CliRun>((resolve) => {
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      noPort(new Error(`the run ended before naming its metrics port; stderr:\n${stderr}`));
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { port, exit };
}

describe("kmssim run --metrics-port", () => {
  it("serves live Prometheus metrics during a realtime run and closes the port when it ends", async () => {
    const run = startRun(["run", scenarioPath("realtime-smoke.yaml"), "--metrics-port", "0", "--workers", "2", "--quiet"]);
    const port = await run.port;
    let ended = false;
    void run.exit.then(() => (ended = true));
    const scrapes: Scrape[] = [];
    let held: { closed: Promise<string> } | null = null;
    for (let k = 0; k < MAX_SCRAPES && !ended; k++) {
      const s = await scrape(port).catch(() => null);
      if (s !== null) scrapes.push(s);
      // Once the fleet is busy, leave a half-sent request open: the run's end must close it.
      if (held === null && s !== null && total(s.text, "kmssim_rpc_total") > 0) held = await halfRequest(port);
      await delay(SCRAPE_EVERY_MS);
    }
    const result = await run.exit;
    // Thresholds may fail on a busy machine (latency is real); the run itself must not.
    expect([0, 1], result.stderr).toContain(result.code);
    expect(result.stderr.match(/kmssim: metrics at /g)).toHaveLength(1);
    expect(held, "a scrape saw RPCs").not.toBeNull();
    expect(await held!.closed, "dropped without an answer, not answered 408").toBe("");
    expect(await connectRefused(port)).toBe(true);

    const busy = scrapes.filter((s) => total(s.text, "kmssim_rpc_total") > 0);
    expect(busy.length, `scrapes with RPCs: ${busy.length} of ${scrapes.length}`).toBeGreaterThanOrEqual(3);
    for (const s of scrapes) {
      expect(s.status).toBe(200);
      expect(s.type).toMatch(/^text\/plain; version=0\.0\.4; charset=utf-8$/);
    }
    const totals = busy.map((s) => total(s.text, "kmssim_rpc_total"));
    expect(
      totals.every((n, k) => k === 0 || n >= totals[k - 1]),
      `never decreasing: ${totals.join(", ")}`,
    ).toBe(true);
    expect(totals[totals.length - 1]).toBeGreaterThan(totals[0]);

    const last = busy[busy.length - 1].text;
    const labelled = (label: string): Set<string> => new Set(select(last, "kmssim_rpc_total").map((s) => s.labels[label]));
    expect([...labelled("host")].sort()).toEqual(HOSTS);
    expect([...labelled("kind")].sort()).toEqual(["activation", "renewal"]);
    expect(labelled("status").has("ok")).toBe(true);
    for (const s of busy) {
      for (const sample of select(s.text, "kmssim_host_up")) expect([0, 1]).toContain(sample.value);
      expect(
        select(s.text, "kmssim_host_requests_total")
          .map((x) => x.labels.host)
          .sort(),
      ).toEqual(HOSTS);
      expectWellFormedHistogram(s.text, "kmssim_rpc_latency_seconds");
      // Both come from the same progress messages within one scrape: equal, not just close.
      for (const kind of ["activation", "renewal"]) {
        for (const host of HOSTS) {
          expect(total(s.text, "kmssim_rpc_latency_seconds_count", { kind, host })).toBe(total(s.text, "kmssim_rpc_total", { kind, host }));
        }
        expect(total(s.text, "kmssim_rpc_latency_seconds_count", { kind })).toBe(total(s.text, "kmssim_rpc_total", { kind }));
      }
      // The states partition the fleet: their sum is every client.
      expect(
        select(s.text, "kmssim_clients")
          .map((x) => x.labels.state)
          .sort(),
      ).toEqual(["lapsed", "licensed", "not_activated"]);
      expect(total(s.text, "kmssim_clients")).toBe(SMOKE_CLIENTS);
      expect(total(s.text, "kmssim_dns_queries_total")).toBeGreaterThan(0);
    }
    // kms2 crashes at 3d and recovers at 5d: its clients found it unreachable, and a scrape
    // well inside the outage (if one fell there) saw it down.
    expect(select(last, "kmssim_rpc_total", { host: "kms2", status: "unreachable" }).length).toBeGreaterThan(0);
    for (const s of busy) {
      const t = select(s.text, "kmssim_simulated_seconds")[0].value;
      if (t > 3.5 * 86400 && t < 4.5 * 86400) expect(select(s.text, "kmssim_host_up", { host: "kms2" })[0].value).toBe(0);
      if (t < 2.5 * 86400) expect(select(s.text, "kmssim_host_up", { host: "kms2" })[0].value).toBe(1);
    }
    const activated = busy.map((s) => SMOKE_CLIENTS - select(s.text, "kmssim_clients", { state: "not_activated" })[0].value);
    expect(activated[activated.length - 1]).toBeGreaterThan(activated[0]);
    const simulated = busy.map((s) => select(s.text, "kmssim_simulated_seconds")[0].value);
    expect(simulated[simulated.length - 1]).toBeGreaterThan(simulated[0]);
    expect(Math.max(...simulated)).toBeLessThanOrEqual(8 * 86400);
  });

  it("keeps serving the fleet while 64 scrapers hammer the endpoint: every client activates", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kmssim-scrape-"));
    try {
      const out = join(dir, "result.json");
      const scenario = join(dir, "storm.yaml");
      writeFileSync(scenario, STORM_SCENARIO);
      const run = startRun(["run", scenario, "--workers", "1", "--metrics-port", "0", "--quiet", "--out", out]);
      const port = await run.port;
      let ended = false;
      void run.exit.then(() => (ended = true));
      let served = 0;
      const scraper = async (): Promise<void> => {
        for (let k = 0; k < MAX_STORM_SCRAPES && !ended; k++) if ((await hammer(port)) === 200) served++;
      };
      await Promise.all(Array.from({ length: STORM_SCRAPERS }, scraper));
      const exit = await run.exit;
      expect([0, 1], exit.stderr).toContain(exit.code);
      expect(served).toBeGreaterThan(0);
      const result = JSON.parse(readFileSync(out, "utf8")) as Result;
      expect(result.clients.total).toBe(STORM_CLIENTS);
      expect(result.clients.notActivated).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is refused with virtual mode (exit 2) and with a port that is no port (exit 2)", async () => {
    const virtual = await kmssim(["run", scenarioPath("multi-host.yaml"), "--metrics-port", "0"]);
    expect(virtual.code).toBe(2);
    expect(virtual.stderr).toContain("--metrics-port is for realtime runs");
    const forced = await kmssim(["run", scenarioPath("realtime-smoke.yaml"), "--mode", "virtual", "--metrics-port", "9464"]);
    expect(forced.code).toBe(2);
    expect(forced.stderr).toContain("--metrics-port is for realtime runs");
    const bad = await kmssim(["run", scenarioPath("realtime-smoke.yaml"), "--metrics-port", "70000"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--metrics-port must be a port number from 0 to 65535");
  });

  it("exits 3 with a plain message when the port is in use", async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const run = await kmssim(["run", scenarioPath("realtime-smoke.yaml"), "--metrics-port", String(port), "--workers", "1"]);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain(`port ${port} on 127.0.0.1 is in use`);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      // Nothing ran: no summary.
      expect(run.stdout).toBe("");
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });
});
