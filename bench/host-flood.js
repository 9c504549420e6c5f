// A good client's latency against one host listener while it is attacked (loopback only):
//   pipeline: one peer sends 300,000 requests on one connection and never reads an answer;
//   idle:     `kmssim host` under `ulimit -n 512` with 600 peers connected and silent.
// The good client sends one request per connection, as the fleet's clients do, one after
// another, and we print how many were answered and how long they took.
//   npm run build && node bench/host-flood.js [pipeline|idle]
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, URL } from "node:url";
import { KmsHostLogic } from "../dist/core/host/host-logic.js";
import { LicenseStatus } from "../dist/core/license.js";
import { cmidFromIndex, cmidPrefix, encodeRequest } from "../dist/core/protocol/index.js";
import { callHost } from "../dist/realtime/client/rpc-call.js";
import { KmsHostServer } from "../dist/realtime/host/host-server.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const PREFIX = cmidPrefix(1);
const GOOD_REQUESTS = 20;
const GOOD_TIMEOUT_MS = 90_000;
// More than the host has descriptors under ulimit -n 512.
const IDLE_PEERS = 600;

const request = (k, requestId = k + 1) => ({
  requestId,
  cmid: cmidFromIndex(PREFIX, k % 1000),
  product: "windows-client",
  clientTimeMs: Date.now(),
  renewal: false,
  status: LicenseStatus.InitialGrace,
});

/** GOOD_REQUESTS sequential one-request connections; latency of each answered one. */
async function goodClient(port) {
  const latenciesMs = [];
  const failures = {};
  for (let k = 0; k < GOOD_REQUESTS; k++) {
    const startMs = performance.now();
    try {
      await callHost({ address: "127.0.0.1", port }, request(5000 + k, 900_000 + k), GOOD_TIMEOUT_MS);
      latenciesMs.push(performance.now() - startMs);
    } catch (err) {
      failures[err.code] = (failures[err.code] ?? 0) + 1;
    }
  }
  latenciesMs.sort((a, b) => a - b);
  const at = (q) => (latenciesMs.length === 0 ? NaN : latenciesMs[Math.min(latenciesMs.length - 1, Math.floor(q * latenciesMs.length))]);
  return `answered ${latenciesMs.length}/${GOOD_REQUESTS}, failed ${JSON.stringify(failures)}, latency ms p50 ${at(0.5).toFixed(1)} max ${at(1).toFixed(1)}`;
}

async function pipeline() {
  const host = new KmsHostServer({
    hostIndex: 0,
    logic: new KmsHostLogic({ products: ["windows-client"], activated: true, kmsEnabled: true, activationIntervalMs: null, renewalIntervalMs: null }),
    concurrency: 64,
    serviceTimeMs: 2,
    simNow: () => Date.now(),
    rng: Math.random,
    cmidPrefix: PREFIX,
  });
  const { port } = await host.start();
  console.log(`pipeline, no attack:   ${await goodClient(port)}`);
  const peer = net.connect({ host: "127.0.0.1", port });
  peer.on("error", () => {});
  await new Promise((resolve) => peer.once("connect", resolve));
  peer.pause();
  peer.write(Buffer.concat(Array.from({ length: 300_000 }, (_, k) => encodeRequest(request(k)))));
  await new Promise((resolve) => setTimeout(resolve, 200));
  console.log(`pipeline, 300k queued: ${await goodClient(port)}  (host read ${host.requests}, queued ${host.inService + host.waiting})`);
  peer.destroy();
  await host.stop();
}

async function idle() {
  const dir = mkdtempSync(join(tmpdir(), "kmssim-flood-"));
  const scenario = join(dir, "flood.yaml");
  writeFileSync(
    scenario,
    "name: flood\nseed: 1\ndns: { domain: corp.example, publish: manual }\nhosts:\n  - { name: kms1 }\nclients:\n  - { name: fleet, count: 10 }\n",
  );
  const child = spawn(
    "/bin/sh",
    ["-c", 'ulimit -n 512 && exec "$0" "$@"', process.execPath, join(ROOT, "bin", "kmssim.js"), "host", scenario, "--dns", "127.0.0.1:9", "--port-base", "0"],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let stdout = "";
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("kmssim host did not start")), 20_000);
    child.stdout.setEncoding("utf8").on("data", (c) => {
      stdout += c;
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(stdout);
      if (m !== null) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
  const peers = [];
  try {
    console.log(`idle, no attack:       ${await goodClient(port)}`);
    for (let k = 0; k < IDLE_PEERS; k++) {
      await new Promise((resolve) => {
        const s = net.connect({ host: "127.0.0.1", port }, resolve);
        s.on("error", resolve);
        peers.push(s);
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    console.log(`idle, ${IDLE_PEERS} peers:       ${await goodClient(port)}`);
  } finally {
    for (const s of peers) s.destroy();
    child.kill("SIGTERM");
    await new Promise((resolve) => child.on("close", resolve));
    console.log(
      stdout
        .split("\n")
        .filter((l) => l.includes("requests"))
        .join("\n"),
    );
    rmSync(dir, { recursive: true, force: true });
  }
}

const which = process.argv[2];
if (which === undefined || which === "pipeline") await pipeline();
if (which === undefined || which === "idle") await idle();
