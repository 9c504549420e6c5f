// Realtime mode end to end (issue 4; README "Realtime mode"): the built binary with
// `--mode realtime` — embedded DNS, one TCP listener per host on 127.0.0.1, worker
// threads running the clients — on small scenarios at timeScale 86400 (a simulated day
// per wall second). Everything is in one file on purpose: the tests run one after the
// other, so runs do not compete with each other for the two cores.
//
// Tolerances are generous: realtime latency is real, and on a compressed clock a wall
// millisecond is 86.4 simulated seconds. No test bounds latency from above.

import { describe, expect, it } from "vitest";
import type { ScenarioRun } from "./helpers.js";
import { expectExitMatchesVerdict, expectResultContract, host, sumHostRequests, tempDirs, yaml } from "./helpers.js";
import {
  D,
  DNS_NAME_DOES_NOT_EXIST,
  DNS_SERVER_SILENT,
  H,
  RPC_UNAVAILABLE,
  activationShares,
  clientBooks,
  expectBooksBalance,
  expectNoStack,
  hostBooks,
  interruptAfter,
  runRealtime,
  runVirtual,
  samplesStrictlyInside,
} from "./realtime-helpers.js";
import { resultProblem } from "../../src/results/result-file.js";
import { expectEveryNumberIsAMetric, missingThresholdPaths } from "../results/result-rule.js";

const tmp = tempDirs();

/** One run shared by several tests (they run in order, in this file only). */
function once(start: () => Promise<ScenarioRun>): () => Promise<ScenarioRun> {
  let run: Promise<ScenarioRun> | undefined;
  return () => (run ??= start());
}

// ---- 1. Shares follow the SRV records ------------------------------------------------

/** 1000 clients of one profile; hosts 300:100 in priority 0, a backup in priority 10; renewals every 12 h. */
function weights(os: "win7" | "vista"): string {
  return yaml(
    `name: rt-weights-${os}`,
    "seed: 314",
    "mode: realtime",
    "duration: 3d",
    "timeScale: 86400",
    "sampleInterval: 12h",
    "hosts:",
    "  - { name: kms-heavy, priority: 0, weight: 300, renewalInterval: 12h }",
    "  - { name: kms-light, priority: 0, weight: 100, renewalInterval: 12h }",
    "  - { name: kms-backup, priority: 10, weight: 100, renewalInterval: 12h }",
    "clients:",
    `  - { name: fleet, count: 1000, os: ${os}, product: windows-client, bootSpread: 1d }`,
  );
}

describe("realtime: shares follow SRV priority and weight", () => {
  const win7 = once(() => runRealtime(tmp.make(), "rt-weights-win7", weights("win7")));

  it("win7 clients activate on the 300-weight host 3 times in 4, never on the priority-10 backup", async () => {
    const { result, code } = await win7();
    expect(code).toBe(0);
    expect(result.mode).toBe("realtime");
    expect(result.clients.activated).toBe(1000);
    const heavy = host(result, "kms-heavy");
    const light = host(result, "kms-light");
    const backup = host(result, "kms-backup");
    expect(backup.requests, "win7 clients never pick a worse priority while priority 0 answers").toBe(0);
    expect(result.failovers).toBe(0);
    expect(heavy.expectedShare).toBeCloseTo(0.75, 6);
    expect(light.expectedShare).toBeCloseTo(0.25, 6);
    expect(backup.expectedShare).toBe(0);
    // Which host each client activated on: by weight alone (binomial, σ ≈ 0.014).
    const won = activationShares(result);
    expect(Math.abs(won["kms-heavy"] - 0.75), `activation shares ${JSON.stringify(won)}`).toBeLessThanOrEqual(0.05);
  });

  it("win7 clients: all traffic, renewals included, follows the weights (heavy ≈ 0.75 ± 0.06)", async () => {
    const { result } = await win7();
    expect(result.rpc.renewal.ok, "hosts' 12 h renewal interval makes renewal traffic").toBeGreaterThan(1000);
    // Clients renew with the host they cached, every 12 simulated hours whichever host
    // that is, so the share of all requests follows the weights too. (How long a host
    // takes to answer, in wall milliseconds, must not change how often its clients renew.)
    const heavy = host(result, "kms-heavy");
    const light = host(result, "kms-light");
    const perHost = Object.fromEntries(result.hosts.map((h) => [h.name, { requests: h.requests, activations: h.activations, renewals: h.renewals }]));
    const detail = `kms-heavy share ${heavy.share}, kms-light ${light.share}; ${JSON.stringify(perHost)}; renewal latency ${JSON.stringify(result.rpc.renewal.latencyMs)}`;
    expect(Math.abs(heavy.share - 0.75), detail).toBeLessThanOrEqual(0.06);
    expect(Math.abs(light.share - 0.25), detail).toBeLessThanOrEqual(0.06);
  });

  it("vista clients ignore priority and weight: a third each", async () => {
    const { result, code } = await runRealtime(tmp.make(), "rt-weights-vista", weights("vista"));
    expect(code).toBe(0);
    expect(result.clients.activated).toBe(1000);
    const won = activationShares(result);
    for (const name of ["kms-heavy", "kms-light", "kms-backup"]) {
      const h = host(result, name);
      expect(h.expectedShare).toBeCloseTo(1 / 3, 5);
      expect(Math.abs(won[name] - 1 / 3), `${name} activation share, all: ${JSON.stringify(won)}`).toBeLessThanOrEqual(0.06);
      expect(Math.abs(h.share - 1 / 3), `${name} share ${h.share}`).toBeLessThanOrEqual(0.07);
    }
  });
});

// ---- 2. Crash: the listener is closed ------------------------------------------------

describe("realtime: a host crashes and recovers", () => {
  const text = yaml(
    "name: rt-crash",
    "seed: 21",
    "mode: realtime",
    "duration: 5d",
    "sampleInterval: 12h",
    "hosts:",
    "  - { name: kmsA, priority: 0, weight: 100, renewalInterval: 12h }",
    "  - { name: kmsB, priority: 0, weight: 100, renewalInterval: 12h }",
    "clients:",
    "  - { name: desktops, count: 800, os: win7, product: windows-client, bootSpread: 12h }",
    "network: { rpcTimeout: 2s }",
    "events:",
    "  - { at: 2d, host: kmsA, action: crash }",
    "  - { at: 4d, host: kmsA, action: recover }",
  );

  const crash = once(() => runRealtime(tmp.make(), "rt-crash", text));

  it("nothing reaches the crashed host, clients fail over, every client activates", async () => {
    const { result, code } = await crash();
    expect(code).toBe(0);
    expect(result.mode).toBe("realtime");

    const down = samplesStrictlyInside(result, 2 * D, 4 * D, 12 * H);
    expect(down.map((s) => s.t)).toEqual([3 * D, 3.5 * D]);
    for (const s of down) expect(s.hostRequests.kmsA, `kmsA served nothing in the sample ending at ${s.t / H}h`).toBe(0);
    expect(sumHostRequests(down).kmsB, "clients renewed on kmsB meanwhile").toBeGreaterThan(0);
    const before = samplesStrictlyInside(result, 0, 2 * D, 12 * H, 0);
    expect(sumHostRequests(before).kmsA, "kmsA served before the crash").toBeGreaterThan(0);

    const a = host(result, "kmsA");
    expect(a.refused, "connections to the closed listener were refused").toBeGreaterThan(0);
    expect(a.unanswered).toBe(0);
    expect(a.state).toBe("up");
    expect(result.failovers).toBeGreaterThan(0);
    expect(result.rediscoveries, "the cached host failed on renewal: back to DNS").toBeGreaterThan(0);
    expect(result.rpc.renewal.errors[RPC_UNAVAILABLE] ?? 0).toBeGreaterThan(0);
    expect(result.events.filter((e) => e.domain === undefined).map((e) => [e.t, e.target, e.action])).toEqual([
      [2 * D, "kmsA", "crash"],
      [4 * D, "kmsA", "recover"],
    ]);
    expect(result.clients.activated).toBe(800);
    expect(result.clients.notActivated).toBe(0);
    expect(result.clients.licensed).toBe(800);
  });

  it("the books balance: every RPC that met the crashed host is counted on the host side", async () => {
    const { result } = await crash();
    // README: every RPC ends in exactly one of ok, a KMS error, refused, unanswered, lost
    // or late. A connection the crash resets before the host read its request (still in
    // the listener's accept queue, or accepted but not yet read) is a request the down
    // host did not take: it must be counted (as refused), not vanish from the books.
    expectBooksBalance(result);
  });

  it("the result schema describes it: every number is a metric, every threshold path (generator.* too) is a number", async () => {
    const { result } = await crash();
    expect(resultProblem(result)).toBeNull();
    expectEveryNumberIsAMetric(result);
    expect(result.generator).toBeDefined();
    expect(missingThresholdPaths(result)).toEqual([]);
  });
});

// ---- 3. Hang: accepts, never answers --------------------------------------------------

describe("realtime: a host hangs", () => {
  const RPC_TIMEOUT_MS = 2000;
  const text = yaml(
    "name: rt-hang",
    "seed: 9",
    "mode: realtime",
    // rpcTimeout is wall time: at 86,400× its 2 s are 2 simulated days, so the run goes on
    // long enough after the hang (1d) for requests to kmsA to time out before it ends.
    "duration: 5d",
    "sampleInterval: 12h",
    "hosts:",
    "  - { name: kmsA, priority: 0, weight: 100, renewalInterval: 12h }",
    "  - { name: kmsB, priority: 0, weight: 100, renewalInterval: 12h }",
    "clients:",
    "  - { name: desktops, count: 600, os: win7, product: windows-client, bootSpread: 12h }",
    `network: { rpcTimeout: ${RPC_TIMEOUT_MS / 1000}s }`,
    "events:",
    "  - { at: 1d, host: kmsA, action: hang }",
  );

  it("clients time out after rpcTimeout (0x800706BA), fail over and stay licensed", async () => {
    const { result, code } = await runRealtime(tmp.make(), "rt-hang", text);
    expect(code).toBe(0);

    const a = host(result, "kmsA");
    expect(a.unanswered, "requests read by the hung host and never answered").toBeGreaterThan(0);
    expect(a.refused).toBe(0);
    expect(a.state).toBe("hung");
    expect(result.rpc.renewal.errors[RPC_UNAVAILABLE] ?? 0).toBeGreaterThan(0);
    // Latency runs from when the request was due: a timed-out one took the whole timeout.
    expect(result.rpc.renewal.latencyMs.max).toBeGreaterThanOrEqual(RPC_TIMEOUT_MS);
    expect(result.failovers).toBeGreaterThan(0);

    const hung = samplesStrictlyInside(result, 1 * D, 3 * D, 12 * H);
    expect(hung.length).toBe(2);
    for (const s of hung) expect(s.hostRequests.kmsA, `the hung kmsA served nothing in the sample ending at ${s.t / H}h`).toBe(0);
    expect(sumHostRequests(hung).kmsB).toBeGreaterThan(0);

    expect(result.clients.activated).toBe(600);
    expect(result.clients.licensed, `clients that failed over stay licensed: ${JSON.stringify(result.clients)}`).toBe(600);
    expectBooksBalance(result);
  });
});

describe("realtime: a hung host crashes before its clients time out", () => {
  const text = yaml(
    "name: rt-hang-crash",
    "seed: 9",
    "mode: realtime",
    "duration: 3d",
    "sampleInterval: 12h",
    "hosts:",
    "  - { name: kmsA, priority: 0, weight: 100, renewalInterval: 12h }",
    "  - { name: kmsB, priority: 0, weight: 100, renewalInterval: 12h }",
    "clients:",
    "  - { name: desktops, count: 600, os: win7, product: windows-client, bootSpread: 12h }",
    // 5 s of wall time are 5 simulated days: the requests kmsA holds from 1d are still
    // waiting when the crash at 1.5d resets their connections.
    "network: { rpcTimeout: 5s }",
    "events:",
    "  - { at: 1d, host: kmsA, action: hang }",
    "  - { at: 1.5d, host: kmsA, action: crash }",
  );

  it("each request the hung host held is counted once, as unanswered (as in virtual mode), not also as refused", async () => {
    const { result, code } = await runRealtime(tmp.make(), "rt-hang-crash", text);
    expect(code).toBe(0);
    const a = host(result, "kmsA");
    expect(a.state).toBe("down");
    expect(a.unanswered, "requests read by the hung host before the crash").toBeGreaterThan(0);
    // The crash resets the held connections: counted as refused too, they made refused equal
    // unanswered (297 and 297). Virtual mode refuses none here (clients fail over to kmsB).
    expect(a.refused, "held requests are not also counted as refused").toBeLessThan(a.unanswered / 2);
    expect(result.clients.activated).toBe(600);
    // The clients' 0x800706BA failures are exactly refused + unanswered + lost + late.
    expectBooksBalance(result);
  });
});

// ---- 4. DNS down while clients boot ---------------------------------------------------

describe("realtime: DNS is down while the fleet boots", () => {
  const DNS_TIMEOUT_MS = 300;
  const text = yaml(
    "name: rt-dns-down",
    "seed: 3",
    "mode: realtime",
    "duration: 3d",
    "sampleInterval: 6h",
    "hosts:",
    "  - { name: kms1 }",
    "  - { name: kms2 }",
    "clients:",
    "  - { name: desktops, count: 400, os: win7, product: windows-client, bootSpread: 1d }",
    `network: { dnsTimeout: ${DNS_TIMEOUT_MS}ms }`,
    "events:",
    "  - { at: 0s, dns: down }",
    "  - { at: 1d, dns: up }",
  );

  it("discovery fails with 0x800705B4 (the server is silent), then every client activates once DNS is up", async () => {
    const { result, code } = await runRealtime(tmp.make(), "rt-dns-down", text);
    expect(code).toBe(0);

    expect(result.dns.failed).toBeGreaterThan(0);
    expect(result.clients.errors[DNS_SERVER_SILENT] ?? 0).toBeGreaterThan(0);
    expect(result.clients.errors[DNS_NAME_DOES_NOT_EXIST] ?? 0, "a silent server is not a missing name").toBe(0);
    expect(result.dns.latencyMs.max, "a query to a silent server costs the DNS timeout").toBeGreaterThanOrEqual(DNS_TIMEOUT_MS);

    // Nobody can find a host while DNS is down (nothing is cached yet).
    const down = samplesStrictlyInside(result, 0, 1 * D, 6 * H);
    expect(down.length).toBe(2);
    for (const s of down) {
      expect(s.activated, `no activation by ${s.t / H}h`).toBe(0);
      expect(s.hostRequests.kms1 + s.hostRequests.kms2, `no requests in the sample ending at ${s.t / H}h`).toBe(0);
    }

    expect(result.clients.activated).toBe(400);
    expect(result.clients.notActivated).toBe(0);
    expect(result.events.filter((e) => e.domain === undefined).map((e) => [e.t, e.target, e.action])).toEqual([
      [0, "dns", "down"],
      [1 * D, "dns", "up"],
    ]);
  });
});

// ---- 5. Cross-check with virtual mode ------------------------------------------------

const crossCheck = yaml(
  "name: rt-cross",
  "seed: 77",
  "duration: 3d",
  "sampleInterval: 12h",
  "hosts:",
  "  - { name: kmsA, priority: 0, weight: 200, renewalInterval: 1d }",
  "  - { name: kmsB, priority: 0, weight: 100, renewalInterval: 1d }",
  "clients:",
  "  - { name: desktops, count: 600, os: win7, product: windows-client, bootSpread: 1d }",
  "  - { name: legacy, count: 200, os: vista, product: windows-client, bootSpread: 1d }",
  "thresholds:",
  "  - { metric: clients.notActivated, eq: 0 }",
);

describe("realtime agrees with virtual mode", () => {
  it("same scenario: same activated count, per-host shares within ±0.06", async () => {
    const dir = tmp.make();
    const virtual = await runVirtual(dir, "rt-cross", crossCheck);
    const realtime = await runRealtime(dir, "rt-cross", crossCheck);
    expect(virtual.code).toBe(0);
    expect(realtime.code).toBe(0);
    expect(virtual.result.mode).toBe("virtual");
    expect(realtime.result.mode).toBe("realtime");

    expect(virtual.result.clients.activated).toBe(800);
    expect(realtime.result.clients.activated).toBe(virtual.result.clients.activated);
    for (const name of ["kmsA", "kmsB"]) {
      const v = host(virtual.result, name);
      const r = host(realtime.result, name);
      expect(Math.abs(r.share - v.share), `${name}: realtime share ${r.share} vs virtual ${v.share}`).toBeLessThanOrEqual(0.06);
      expect(Math.abs(r.expectedShare - v.expectedShare), `${name} expected share`).toBeLessThanOrEqual(0.02);
    }
    expect(activationShares(realtime.result).kmsA).toBeCloseTo(activationShares(virtual.result).kmsA, 1);
  });

  // A host that takes 250 real ms per answer. At timeScale 86400 that is 6 simulated
  // hours, but the clients' renewal schedule (every 12 h) is simulated time: how long a
  // host takes to answer, in wall time, must not make its clients renew less often
  // (issue 4: open-model scheduling). Virtual mode is the reference. The host has
  // capacity to spare (512 × 4/s ≫ the ~600/s it gets): an overloaded host would rightly
  // lose clients to timeouts and failover in realtime, where the compressed schedule
  // multiplies the load but service time stays real.
  it("a slow host keeps its share: realtime ≈ virtual ± 0.06", async () => {
    const text = yaml(
      "name: rt-slow-share",
      "seed: 5",
      "duration: 3d",
      "sampleInterval: 12h",
      "hosts:",
      "  - { name: kmsA, weight: 100, renewalInterval: 12h, serviceTime: 250ms, concurrency: 512 }",
      "  - { name: kmsB, weight: 100, renewalInterval: 12h }",
      "clients:",
      "  - { name: desktops, count: 600, os: win7, product: windows-client, bootSpread: 12h }",
    );
    const dir = tmp.make();
    const virtual = await runVirtual(dir, "rt-slow-share", text);
    const realtime = await runRealtime(dir, "rt-slow-share", text);
    expect(realtime.result.clients.activated).toBe(600);
    const v = host(virtual.result, "kmsA");
    const r = host(realtime.result, "kmsA");
    const detail =
      `kmsA share: realtime ${r.share} (${r.activations} activations, ${r.renewals} renewals) vs virtual ${v.share} ` +
      `(${v.activations} activations, ${v.renewals} renewals); renewals sent: realtime ${realtime.result.rpc.renewal.sent}, virtual ${virtual.result.rpc.renewal.sent}`;
    expect(Math.abs(r.share - v.share), detail).toBeLessThanOrEqual(0.06);
    // Each client renews every 12 simulated hours in both modes (within 15 %).
    expect(realtime.result.rpc.renewal.sent, detail).toBeGreaterThanOrEqual(0.85 * virtual.result.rpc.renewal.sent);
  });

  it("client side and host side agree (no faults)", async () => {
    const { result, code } = await runRealtime(tmp.make(), "rt-cross-books", crossCheck);
    expect(code).toBe(0);
    const c = clientBooks(result);
    const h = hostBooks(result);
    // Each RPC a client got an answer for was counted by exactly one host when it arrived.
    expect(h.requests).toBeGreaterThanOrEqual(result.rpc.activation.ok + result.rpc.renewal.ok);
    expect(h.requests).toBeGreaterThanOrEqual(c.ok + c.answeredWithCode);
    // Without faults nothing is refused, unanswered or lost; with the default 5 s
    // rpcTimeout (5 simulated days) no answer comes late. So, exactly: hosts counted
    // every answered RPC and nothing else, and the clients sent nothing else.
    expect({ refused: h.refused, unanswered: h.unanswered, lost: h.lost, late: h.late }).toEqual({ refused: 0, unanswered: 0, lost: 0, late: 0 });
    expect(c.unavailable).toBe(0);
    expect(result.clients.inFlightAtEnd).toBe(0);
    expect(h.requests, JSON.stringify({ clients: c, hosts: h })).toBe(c.ok + c.answeredWithCode);
    expect(c.sent).toBe(h.requests);
    for (const x of result.hosts) expect(x.dlv.total, `${x.name}: dlv.total = requests`).toBe(x.requests);
  });
});

// ---- 6. Worker threads ---------------------------------------------------------------

describe("realtime: --workers", () => {
  const text = yaml(
    "name: rt-workers",
    "seed: 12",
    "mode: realtime",
    "duration: 1d",
    "sampleInterval: 6h",
    "hosts:",
    "  - { name: kms1, weight: 100 }",
    "  - { name: kms2, weight: 100 }",
    "clients:",
    "  - { name: desktops, count: 300, os: win7, product: windows-client, bootSpread: 12h }",
    "  - { name: legacy, count: 100, os: vista, product: windows-client, bootSpread: 12h }",
  );

  it("--workers 1, 2 and 0 (main thread) all run the whole fleet", async () => {
    const dir = tmp.make();
    const activated: Record<string, number> = {};
    for (const workers of ["1", "2", "0"]) {
      const run = await runRealtime(dir, `rt-workers-${workers}`, text, ["--workers", workers]);
      expect(run.code, `--workers ${workers}: exit ${run.code}\n${run.stderr}`).toBe(0);
      expectNoStack(run.stderr);
      expect(run.result.mode).toBe("realtime");
      expect(run.result.clients.total).toBe(400);
      expect(run.result.clients.notActivated, `--workers ${workers}`).toBe(0);
      expect(run.result.rpc.activation.ok).toBeGreaterThanOrEqual(400);
      activated[workers] = run.result.clients.activated;
    }
    expect(activated).toEqual({ "1": 400, "2": 400, "0": 400 });
  });
});

// ---- 7. Ctrl-C -------------------------------------------------------------------------

describe("realtime: SIGINT", () => {
  const text = yaml(
    "name: rt-interrupt",
    "seed: 4",
    "mode: realtime",
    "duration: 30d",
    "sampleInterval: 12h",
    "hosts:",
    "  - { name: kms1, renewalInterval: 12h }",
    "  - { name: kms2, renewalInterval: 12h }",
    "clients:",
    "  - { name: desktops, count: 500, os: win7, product: windows-client, bootSpread: 1d }",
  );

  it("stops the fleet: exit 130 within seconds, partial result with interrupted: true", async () => {
    const dir = tmp.make();
    // Well after simulated time 0, which waits until every worker has built its slice (2–3 s
    // after spawn on a loaded 2-core machine), and long before the 30 days (30 s) end.
    let run = await interruptAfter(dir, "rt-interrupt", text, 6000);
    // A SIGINT that lands before the CLI installed its handler (a very slow start) ends
    // the process the default way; what is tested is an interrupt *during* the run.
    if (run.signal === "SIGINT") run = await interruptAfter(dir, "rt-interrupt", text, 12000);

    expect(run.signal, `stderr:\n${run.stderr}`).toBeNull();
    expect(run.code).toBe(130);
    expect(run.exitAfterSignalMs, "no hang after Ctrl-C").not.toBeNull();
    expect(run.exitAfterSignalMs!).toBeLessThan(10_000);
    expectNoStack(run.stderr);
    expect(run.stderr).toMatch(/interrupted/);

    expect(run.result, "the partial result was written").not.toBeNull();
    const result = run.result!;
    expect(result.interrupted).toBe(true);
    expect(result.pass).toBe(false);
    expect(result.mode).toBe("realtime");
    expect(result.simulatedSeconds).toBeGreaterThan(0);
    expect(result.simulatedSeconds).toBeLessThan(30 * D);
    expect(result.clients.total).toBe(500);
    for (const s of result.timeline) expect(s.t, "the timeline stops where the run stopped").toBeLessThanOrEqual(result.simulatedSeconds);
    expectResultContract(result);
  });

  it("the run ends when sending stopped, not after the drain of requests a hung host holds", async () => {
    const RPC_TIMEOUT_S = 12;
    const held = yaml(
      "name: rt-interrupt-hung",
      "seed: 5",
      "mode: realtime",
      "duration: 60d",
      "sampleInterval: 1d",
      "hosts:",
      "  - { name: kmsA }",
      "  - { name: kmsB }",
      "clients:",
      // About 25 clients a wall second boot on kmsA and wait for it: some are always held.
      "  - { name: desktops, count: 3000, os: win7, product: windows-client, bootSpread: 60d }",
      `network: { rpcTimeout: ${RPC_TIMEOUT_S}s }`,
      "events:",
      "  - { at: 1h, host: kmsA, action: hang }",
    );
    const dir = tmp.make();
    // Simulated time 0 at a known wall instant (--start-at: a strict clock), so the test
    // knows the simulated time of its own SIGINT.
    const originMs = Math.ceil(Date.now() / 1000) * 1000 + 6000;
    const run = await interruptAfter(dir, "rt-interrupt-hung", held, originMs + 4000 - Date.now(), {
      extra: ["--start-at", new Date(originMs).toISOString()],
      killAfterMs: 60_000,
    });
    expect(run.code, `stderr:\n${run.stderr}`).toBe(130);
    const result = run.result!;
    expect(result.interrupted).toBe(true);
    expect(host(result, "kmsA").unanswered, "requests held by the hung host: the run drained them after the stop").toBeGreaterThan(0);
    const stoppedAtS = ((run.signalledAtMs! - originMs) / 1000) * D;
    // Slack for the signal's way to the handler on a busy machine (2 wall s: 2 days); the
    // drain after it, up to the rpcTimeout (12 days), must not count.
    expect(result.simulatedSeconds, `SIGINT at ${stoppedAtS / D} simulated days`).toBeLessThanOrEqual(stoppedAtS + 2 * D);
    expect(result.simulatedSeconds).toBeGreaterThan(0);
    for (const s of result.timeline) expect(s.t, "the timeline stops where the run stopped").toBeLessThanOrEqual(result.simulatedSeconds);
    expectBooksBalance(result);
    expectResultContract(result);
  });
});

// ---- 8. The result contract ----------------------------------------------------------

describe("realtime: the result contract", () => {
  const text = yaml(
    "name: rt-contract",
    "seed: 8",
    "mode: realtime",
    "duration: 2d",
    "sampleInterval: 6h",
    "hosts:",
    "  - { name: kms1, priority: 0, weight: 200, renewalInterval: 12h }",
    "  - { name: kms2, priority: 0, weight: 100, renewalInterval: 12h }",
    "clients:",
    "  - { name: desktops, count: 500, os: win7, product: windows-client, bootSpread: 12h }",
    "  - { name: legacy, count: 100, os: vista, product: windows-client, bootSpread: 12h }",
    "thresholds:",
    "  - { metric: clients.notActivated, eq: 0 }",
    "  - { metric: rpc.activation.latencyMs.p99, gte: 0 }",
    "  - { metric: hosts.kms1.share, gt: 0.3 }",
  );

  const contract = once(() => runRealtime(tmp.make(), "rt-contract", text));

  it("the timeline covers every request: hostRequests of all samples add up to each host's requests", async () => {
    const { result } = await contract();
    const sums = sumHostRequests(result.timeline);
    const last = result.timeline[result.timeline.length - 1];
    expect(last.t).toBe(result.simulatedSeconds);
    for (const h of result.hosts) {
      expect(sums[h.name], `${h.name}: ${h.requests} requests, ${sums[h.name]} of them in timeline samples (last sample at ${last.t}s)`).toBe(h.requests);
    }
  });

  it("is the same contract as virtual mode: schema, keys, ordered percentiles, shares sum to 1, timeline adds up", async () => {
    const run = await contract();
    expectExitMatchesVerdict(run);
    expect(run.code).toBe(0);
    const { result } = run;
    expect(result.mode).toBe("realtime");
    expect(result.scenario).toBe("rt-contract");
    expect(result.seed).toBe(8);
    expect(result.simulatedSeconds).toBe(2 * D);
    expect(result.wallSeconds).toBeGreaterThan(1);
    expect(result.interrupted ?? false).toBe(false);
    expect(result.timeline.map((s) => s.t)).toEqual([6, 12, 18, 24, 30, 36, 42, 48].map((h) => h * H));
    expect(result.thresholds.map((t) => [t.metric, t.pass])).toEqual([
      ["clients.notActivated", true],
      ["rpc.activation.latencyMs.p99", true],
      ["hosts.kms1.share", true],
    ]);
    expectResultContract(result);
  });
});
