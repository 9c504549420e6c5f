import { describe, expect, it } from "vitest";
import type { RequestMessage, ResponseMessage } from "../../src/core/protocol/frame.js";
import { cmidPrefix } from "../../src/core/protocol/cmid.js";
import { planFleet } from "../../src/fleet-plan/fleet-plan.js";
import { RpcCallError, type RpcTarget } from "../../src/realtime/client/rpc-call.js";
import { CompressedClock } from "../../src/realtime/compressed-clock.js";
import { FleetDriver, type SrvLookup } from "../../src/realtime/fleet/fleet-driver.js";
import { scenarioFrom } from "../sim/helpers.js";
import { fakeRpcPort } from "./rpc-port-fake.js";

// The realtime driver over in-memory ports: no sockets, so what is checked is the
// driving of the core (clock, due times, DNS mapping, failover), not the network.
const scenario = (extra = "", clients = "clients: [{ name: c, count: 400, bootSpread: 6h }]", timeScale = 2_000_000) =>
  scenarioFrom(`
mode: realtime
duration: 2d
timeScale: ${timeScale}
hosts:
  - { name: a, weight: 300, renewalInterval: 6h }
  - { name: b, weight: 100, renewalInterval: 6h }
${clients}
${extra}`);

/** Port of the k-th SRV target nobody simulates (ghosts: records that appeared in DNS mid-run). */
const GHOST_PORT_BASE = 5000;

function run(
  options: {
    deadPort?: number;
    extra?: string;
    clients?: string;
    recordsAfter?: (lookups: number) => number;
    ghosts?: number;
    timeScale?: number;
    outOfFilesAfter?: number;
    sendWindow?: number;
    sendWindowYoungMs?: number;
    /** Wall ms before the port answers; null: it never does (a hung host: the client times out). */
    answerAfterMs?: (port: number) => number | null;
  } = {},
) {
  const s = scenario(options.extra, options.clients, options.timeScale);
  let lookups = 0;
  let changed = false;
  const servedAfterChange = new Map<number, number>();
  const plan = planFleet(s);
  const ports = [4001, 4002];
  const served = new Map<number, number>();
  const dns = {
    async resolveSrv(domain: string): Promise<SrvLookup> {
      expect(domain).toBe("corp.example");
      const records = [
        { target: "a.corp.example", port: ports[0], priority: 0, weight: 300 },
        { target: "b.corp.example", port: ports[1], priority: 0, weight: 100 },
      ];
      // recordsAfter: from that lookup on, a's record is gone (scavenged, deleted).
      const gone = options.recordsAfter !== undefined && lookups++ >= options.recordsAfter(lookups);
      changed ||= gone;
      const ghosts = Array.from({ length: options.ghosts ?? 0 }, (_, k) => ({
        target: `ghost${k}.corp.example`,
        port: GHOST_PORT_BASE + k,
        priority: 0,
        weight: 100,
      }));
      return {
        records: [...(gone ? records.slice(1) : records), ...ghosts],
        addresses: new Map([
          ["a.corp.example", "127.0.0.1"],
          ["b.corp.example", "127.0.0.1"],
          ...ghosts.map((g) => [g.target, "127.0.0.1"] as [string, string]),
        ]),
      };
    },
  };
  let calls = 0;
  const open = { now: 0, most: 0 };
  const rpc = fakeRpcPort(async (target: RpcTarget, request: RequestMessage): Promise<ResponseMessage> => {
    if (options.outOfFilesAfter !== undefined && ++calls > options.outOfFilesAfter) throw new RpcCallError("LOCAL", "connect EMFILE", "EMFILE");
    if (options.answerAfterMs !== undefined) {
      const afterMs = options.answerAfterMs(target.port);
      open.most = Math.max(open.most, ++open.now);
      await new Promise((resolve) => setTimeout(resolve, afterMs ?? s.network.rpcTimeoutMs));
      open.now--;
      if (afterMs === null) throw new RpcCallError("TIMEOUT", "no answer");
    }
    if (target.port === options.deadPort || target.port >= GHOST_PORT_BASE) throw new RpcCallError("REFUSED", "connection refused");
    served.set(target.port, (served.get(target.port) ?? 0) + 1);
    if (changed) servedAfterChange.set(target.port, (servedAfterChange.get(target.port) ?? 0) + 1);
    return {
      requestId: request.requestId,
      status: 0,
      hostId: ports.indexOf(target.port),
      count: 50,
      activationIntervalMs: 7_200_000,
      renewalIntervalMs: 21_600_000,
    };
  });
  const driver = new FleetDriver({
    plan,
    first: 0,
    count: plan.total,
    clock: new CompressedClock(CompressedClock.wallNowMs(), s.timeScale),
    dns,
    rpc,
    endpoints: [null, null],
    cmidPrefix: cmidPrefix(s.seed),
    sendWindow: options.sendWindow,
    sendWindowYoungMs: options.sendWindowYoungMs,
  });
  return { driver, served, servedAfterChange, ports, lookups: () => lookups, mostOpen: () => open.most };
}

describe("realtime fleet driver: the send window", () => {
  // At 2,000,000× the whole fleet is overdue at once: without the window every request would be open together.
  it("keeps at most the window's requests open when the slice is behind, and every client still activates", async () => {
    const { driver, mostOpen } = run({ sendWindow: 8, answerAfterMs: () => 2 });
    await driver.run();
    expect(driver.totals().activatedClients).toBe(400);
    expect(mostOpen()).toBeGreaterThan(1);
    expect(mostOpen()).toBeLessThanOrEqual(8);
  }, 60_000);

  it("does not let a hung host starve the others: its open requests age out of the window", async () => {
    // a (3 of 4 first choices) never answers; rpcTimeout 1 s; the 2 days last 2.9 s of wall
    // time, all of it overdue. A window of 4 whose places were held until the timeout would
    // start about 4 requests a second: the run would end with most clients never tried.
    const hung = (youngMs: number) =>
      run({
        sendWindow: 4,
        sendWindowYoungMs: youngMs,
        timeScale: 60_000,
        clients: "clients: [{ name: c, count: 400, bootSpread: 1h }]",
        extra: "network: { rpcTimeout: 1s }",
        answerAfterMs: (port) => (port === 4001 ? null : 1),
      });
    const ageing = hung(10);
    await ageing.driver.run();
    expect(ageing.driver.totals().activatedClients).toBe(400);
    expect(ageing.driver.totals().timedOutBy[0]).toBeGreaterThan(200);
    const holding = hung(60_000);
    await holding.driver.run();
    expect(holding.driver.totals().activatedClients).toBeLessThan(100);
  }, 60_000);

  it("counts the steps still due when the end grace runs out (unsentAtEnd): a saturated slice's shortfall is not lost", async () => {
    // As above with the window held by the hung host: most clients' boots are still queued when sending stops.
    const { driver } = run({
      sendWindow: 4,
      sendWindowYoungMs: 60_000,
      timeScale: 60_000,
      clients: "clients: [{ name: c, count: 400, bootSpread: 1h }]",
      extra: "network: { rpcTimeout: 1s }",
      answerAfterMs: (port) => (port === 4001 ? null : 1),
    });
    await driver.run();
    const totals = driver.totals();
    expect(totals.unsentAtEnd).toBeGreaterThan(200);
    // Every client boots within the run: its first step (a DNS query) left, or it is among the unsent.
    expect(totals.dns.sent + totals.unsentAtEnd).toBeGreaterThanOrEqual(400);
    expect(totals.lastSendWallMs).toBeGreaterThan(0);
  }, 60_000);
});

describe("realtime fleet driver over in-memory ports", () => {
  // At this time scale the whole run is 86 ms of wall time, so the pump is always behind:
  // steps due before the end must still run, and answers in flight at the end must still
  // schedule what follows them.
  it("activates every client, renews on schedule and follows the SRV weights", async () => {
    const { driver, served, ports } = run();
    await driver.run();
    const totals = driver.totals();
    expect(totals.activatedClients).toBe(400);
    expect(totals.illegalInputs).toBe(0);
    expect(totals.inFlight).toBe(0);
    expect(totals.unsentAtEnd, "every step due was sent, late or not").toBe(0);
    // Renewals every 6 simulated hours over 2 days: about 7 per client.
    expect(totals.renewal.sent).toBeGreaterThan(400 * 6);
    expect(totals.renewal.sent).toBeLessThanOrEqual(400 * 8);
    const heavy = served.get(ports[0])! / (served.get(ports[0])! + served.get(ports[1])!);
    expect(heavy).toBeGreaterThan(0.68);
    expect(heavy).toBeLessThan(0.82);
    expect(totals.answeredBy[0] + totals.answeredBy[1]).toBe(totals.activation.ok + totals.renewal.ok);
  });

  it("fails over from a refusing host and counts the refusals on the client side", async () => {
    const { driver, served, ports } = run({ deadPort: 4001 });
    await driver.run();
    const totals = driver.totals();
    expect(totals.activatedClients).toBe(400);
    expect(totals.failovers).toBeGreaterThan(0);
    expect(totals.refusedBy[0]).toBeGreaterThan(0);
    expect(served.get(ports[0]) ?? 0).toBe(0);
    expect(totals.activation.errors.get(0x800706ba)).toBe(totals.refusedBy[0]);
  });

  it("SRV targets nobody simulates, more than the 32-endpoint table holds, are refused and failed over; the slice finishes", async () => {
    const { driver, served, ports } = run({ ghosts: 40 });
    await driver.run();
    const totals = driver.totals();
    expect(totals.clients).toBe(400);
    expect(totals.activatedClients, "every client found a real host").toBe(400);
    expect(totals.failovers).toBeGreaterThan(0);
    const refusedGhosts = totals.refusedBy.slice(2).reduce((a, b) => a + b, 0);
    expect(refusedGhosts, "ghosts that got an endpoint index count their refusals").toBeGreaterThan(0);
    expect(totals.activation.errors.get(0x800706ba)).toBe(refusedGhosts);
    expect(
      totals.expectedRequests.slice(2).every((n) => n === 0),
      "a ghost is promised nothing",
    ).toBe(true);
    expect((served.get(ports[0]) ?? 0) + (served.get(ports[1]) ?? 0)).toBe(totals.activation.ok + totals.renewal.ok);
  });

  it("out of descriptors (EMFILE on connect): the slice stops and reports what it measured until then", async () => {
    const { driver } = run({ outOfFilesAfter: 150 });
    await driver.run();
    const totals = driver.totals();
    expect(totals.localLimit).toBe("EMFILE");
    expect(totals.clients).toBe(400);
    expect(totals.activation.ok + totals.renewal.ok, "the answers before the shortage are kept").toBe(150);
    // The failed request is not blamed on a host: not refused, not unavailable, still in flight.
    expect(totals.refusedBy.concat(totals.resetBy, totals.timedOutBy).every((n) => n === 0)).toBe(true);
    expect(totals.activation.errors.get(0x800706ba) ?? 0).toBe(0);
    expect(totals.inFlight).toBeGreaterThan(0);
  });

  it("a client keeps the answer it cached for its TTL after the records change (answer snapshots)", async () => {
    // Every client discovers at every renewal (hostCaching: false) and caches the SRV
    // answer for a day; from the 500th lookup on, a's record is gone from DNS.
    const { driver, servedAfterChange, ports, lookups } = run({
      extra: "dns: { ttl: 1d }",
      clients: "clients: [{ name: c, count: 400, bootSpread: 6h, hostCaching: false }]",
      recordsAfter: () => 500,
    });
    await driver.run();
    expect(lookups(), "records changed during the run").toBeGreaterThan(500);
    // Clients whose cached answer still names a keep using it until it expires...
    // (~250 here; without snapshots only the ~75 already chosen before the change.)
    expect(servedAfterChange.get(ports[0]) ?? 0).toBeGreaterThan(150);
    // ... while b, in both answers, takes the rest.
    expect(servedAfterChange.get(ports[1]) ?? 0).toBeGreaterThan(servedAfterChange.get(ports[0]) ?? 0);
    expect(driver.totals().activatedClients).toBe(400);
  });
});
