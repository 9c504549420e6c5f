// Live metrics from a fleet driver over in-memory ports (no sockets): what progress()
// sends adds up to the driver's own totals, per kind and per host.

import { describe, expect, it } from "vitest";
import { cmidPrefix } from "../../src/core/protocol/cmid.js";
import type { RequestMessage, ResponseMessage } from "../../src/core/protocol/frame.js";
import { planFleet } from "../../src/fleet-plan/fleet-plan.js";
import { RpcCallError, type RpcTarget } from "../../src/realtime/client/rpc-call.js";
import { CompressedClock } from "../../src/realtime/compressed-clock.js";
import { FleetDriver, type SrvLookup } from "../../src/realtime/fleet/fleet-driver.js";
import { mergeLiveRpc } from "../../src/realtime/live-metrics/live-rpc-counts.js";
import { scenarioFrom } from "../sim/helpers.js";
import { fakeRpcPort } from "./rpc-port-fake.js";

const PORTS = [4001, 4002];
const DEAD_PORT = 4002;

function driverWithDeadHost(): { driver: FleetDriver; served: Map<number, number>; refused: { n: number } } {
  const s = scenarioFrom(`
mode: realtime
duration: 2d
timeScale: 2000000
hosts:
  - { name: a, weight: 300, renewalInterval: 6h }
  - { name: b, weight: 100, renewalInterval: 6h }
clients: [{ name: c, count: 300, bootSpread: 6h }]
`);
  const plan = planFleet(s);
  const served = new Map<number, number>();
  const refused = { n: 0 };
  const dns = {
    async resolveSrv(): Promise<SrvLookup> {
      return {
        records: [
          { target: "a.corp.example", port: PORTS[0], priority: 0, weight: 300 },
          { target: "b.corp.example", port: PORTS[1], priority: 0, weight: 100 },
        ],
        addresses: new Map([
          ["a.corp.example", "127.0.0.1"],
          ["b.corp.example", "127.0.0.1"],
        ]),
      };
    },
  };
  const rpc = fakeRpcPort(async (target: RpcTarget, request: RequestMessage): Promise<ResponseMessage> => {
    if (target.port === DEAD_PORT) {
      refused.n++;
      throw new RpcCallError("REFUSED", "connection refused");
    }
    served.set(target.port, (served.get(target.port) ?? 0) + 1);
    return {
      requestId: request.requestId,
      status: 0,
      hostId: PORTS.indexOf(target.port),
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
  });
  return { driver, served, refused };
}

describe("fleet driver live counts", () => {
  it("progress().live counts every RPC outcome by kind, host and status, and every DNS query", async () => {
    const { driver, served, refused } = driverWithDeadHost();
    await driver.run();
    const totals = driver.totals();
    const merged = mergeLiveRpc([driver.progress().live]);
    const rpc = [...merged.rpc.values()];
    const sum = (pick: (e: (typeof rpc)[number]) => boolean): number => rpc.filter(pick).reduce((a, e) => a + e.count, 0);
    for (const [kind, stats] of [
      ["activation", totals.activation],
      ["renewal", totals.renewal],
    ] as const) {
      expect(sum((e) => e.kind === kind && e.status === 0)).toBe(stats.ok);
      expect(sum((e) => e.kind === kind && e.status !== 0)).toBe(stats.failed);
      const latencyCount = [...merged.latency.values()].filter((e) => e.kind === kind).reduce((a, e) => a + e.buckets.count, 0);
      expect(latencyCount).toBe(stats.ok + stats.failed);
    }
    expect(totals.activation.ok).toBeGreaterThan(0);
    // Host a answered everything it was sent; b refused everything (unreachable on the client side).
    expect(sum((e) => e.host === 0 && e.status === 0)).toBe(served.get(PORTS[0]));
    expect(sum((e) => e.host === 1 && e.status === 0x800706ba)).toBe(refused.n);
    expect(refused.n).toBeGreaterThan(0);
    expect(sum((e) => e.host === 1 && e.status === 0)).toBe(0);
    expect([...merged.dns.values()].reduce((a, b) => a + b, 0)).toBe(totals.dns.ok + totals.dns.failed);
    // Latency per (kind, host): as many observations as that pair's outcomes, the dead host's too.
    for (const e of merged.latency.values()) expect(e.buckets.count).toBe(sum((r) => r.kind === e.kind && r.host === e.host));
    expect([...merged.latency.values()].some((e) => e.host === 1)).toBe(true);
  });
});
