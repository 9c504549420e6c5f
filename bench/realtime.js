// npm run bench (realtime part) — kmssim's RPC rate on loopback against a bare pair
// measured in the same run: a bare node client (bench/bare-client.js: 64 concurrent
// connect-send-receive-close loops, shaped like kmssim's client requests) and a bare node
// server (bench/bare-server.js), each in a process of its own, both speaking kmssim's wire
// protocol and doing nothing else. kmssim runs bench/realtime-load.yaml with the strict
// clock, which offers more than this machine sends (bench/realtime-kmssim.js measures its
// saturated rate). Ratio = kmssim RPC/s ÷ bare pair RPC/s, target ≥ 0.9. The pair and
// kmssim alternate in order over --repeat rounds; the ratio is of the medians (the
// machine is small and shared). When cc is there, a C client (bench/bare-client.c,
// compiled into a temporary directory) against the node server is the ceiling figure.
//
// Usage: node bench/realtime.js [--repeat K] [--seconds S] [--loops N] [--workers N]
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { fileURLToPath, URL } from "node:url";
import { promisify } from "node:util";
import { LatencyRecorder } from "../dist/results/latency-recorder.js";
import { LagWindow } from "../dist/core/pacing/lag-window.js";

const run = promisify(execFile);
const args = process.argv.slice(2);
const flag = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const repeat = flag("--repeat", 3);
const seconds = flag("--seconds", 5);
const loops = flag("--loops", 64);
const workers = args.includes("--workers") ? ["--workers", String(flag("--workers", 2))] : [];
const RATIO_TARGET = 0.9;
const here = (file) => fileURLToPath(new URL(file, import.meta.url));

const ceilingBinary = await compileCeiling();
const bare = [];
const kmssim = [];
const ceiling = [];
for (let k = 0; k < repeat; k++) {
  const order = k % 2 === 0 ? ["bare", "kmssim"] : ["kmssim", "bare"];
  for (const which of order) {
    if (which === "bare")
      bare.push(
        await withBareServer((port) =>
          runJson(process.execPath, [here("./bare-client.js"), String(port), "--seconds", String(seconds), "--loops", String(loops)]),
        ),
      );
    else kmssim.push(await runJson(process.execPath, [here("./realtime-kmssim.js"), "bench/realtime-load.yaml", ...workers]));
    const last = which === "bare" ? bare.at(-1) : kmssim.at(-1);
    process.stderr.write(`  ${which.padEnd(6)} ${last.rate.toFixed(0)} RPC/s\n`);
  }
  if (ceilingBinary !== null) ceiling.push(await withBareServer((port) => runJson(ceilingBinary, [String(port), String(seconds), String(loops)])));
}
if (ceilingBinary !== null) rmSync(path.dirname(ceilingBinary), { recursive: true, force: true });

const bareRate = median(bare.map((r) => r.rate));
const kmssimRate = median(kmssim.map((r) => r.rate));
const ratio = kmssimRate / bareRate;
const k0 = kmssim[0];
const cpuPerRpc = (runs) => median(runs.map((r) => r.cpuMicros / Math.max(1, r.rpcs)));
const list = (runs) => (runs.length > 1 ? ` (runs: ${runs.map((r) => r.rate.toFixed(0)).join(", ")})` : "");

console.log(
  [
    `scenario        realtime-load (${k0.clients} clients, ${k0.workers} workers, strict clock), ${repeat} alternating round${repeat > 1 ? "s" : ""}`,
    `kmssim          ${kmssimRate.toFixed(0)} RPC/s median${list(kmssim)} over ${k0.windowSeconds.toFixed(1)} s saturated · send lag p99 ${k0.sendLagP99Ms} ms · activated ${k0.activated}/${k0.clients}`,
    `bare node pair  ${bareRate.toFixed(0)} RPC/s median${list(bare)} (${loops} connect-send-receive-close loops, client and server in processes of their own)`,
    `ratio           ${ratio.toFixed(2)} (kmssim / bare pair)   target ≥ ${RATIO_TARGET}  ${ratio >= RATIO_TARGET ? "ok" : "MISSED"}`,
    ceiling.length > 0
      ? `ceiling         ${median(ceiling.map((r) => r.rate)).toFixed(0)} RPC/s median${list(ceiling)} (C client, ${loops} loops, against the node server)`
      : `ceiling         skipped: no C compiler (cc) on this machine`,
    `cpu per RPC     kmssim ${cpuPerRpc(kmssim).toFixed(0)} µs (clients, hosts, DNS; whole process) · bare client ${cpuPerRpc(bare).toFixed(0)} µs + server ${median(bare.map((r) => r.serverCpuMicros / Math.max(1, r.rpcs))).toFixed(0)} µs`,
    `generator       self-measurement ${bookkeepingNs().toFixed(0)} ns per request (send-lag histogram + lag window)`,
  ].join("\n"),
);

/** Starts the bare server, runs `client(port)`, stops the server; the client's JSON with the server's CPU time. */
async function withBareServer(client) {
  const server = spawn(process.execPath, [here("./bare-server.js")], { stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: server.stdout })[Symbol.asyncIterator]();
  try {
    const { port } = JSON.parse((await lines.next()).value);
    const result = await client(port);
    server.kill("SIGTERM");
    const { cpuMicros } = JSON.parse((await lines.next()).value);
    return { ...result, serverCpuMicros: cpuMicros };
  } finally {
    if (server.exitCode === null) server.kill("SIGTERM");
  }
}

async function runJson(file, fileArgs) {
  const { stdout } = await run(file, fileArgs, { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split("\n").pop());
}

/** The C client in a fresh temporary directory, or null when there is no cc. */
async function compileCeiling() {
  const dir = mkdtempSync(path.join(tmpdir(), "kmssim-bench-"));
  const binary = path.join(dir, "bare-client");
  try {
    await run("cc", ["-O2", "-o", binary, here("./bare-client.c")]);
    return binary;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The generator's own bookkeeping per request: one HdrHistogram record and one lag-window record. */
function bookkeepingNs() {
  const recorder = new LatencyRecorder();
  const window = new LagWindow();
  const samples = 2_000_000;
  const t0 = performance.now();
  for (let k = 0; k < samples; k++) {
    const lagMs = (k % 997) * 0.013;
    recorder.recordMs(lagMs);
    window.record(lagMs);
  }
  return ((performance.now() - t0) * 1e6) / samples;
}
