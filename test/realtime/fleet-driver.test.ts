import { describe, expect, it } from "vitest";
import type { RequestMessage, ResponseMessage } from "../../src/core/protocol/frame.js";
import { cmidPrefix } from "../../src/core/protocol/cmid.js";
import { planFleet } from "../../src/plan/fleet-plan.js";
import { RpcCallError, type RpcTarget } from "../../src/realtime/client/rpc-call.js";
import { CompressedClock } from "../../src/realtime/compressed-clock.js";
import { FleetDriver, type SrvLookup } from "../../src/realtime/fleet/fleet-driver.js";
import { scenarioFrom } from "../sim/helpers.js";

// The realtime driver over in-memory ports: no sockets, so what is checked is the
// driving of the core (clock, due times, DNS mapping, failover), not the network.
const scenario = (extra = "") =>
  scenarioFrom(`
mode: realtime
duration: 2d
timeScale: 2000000
hosts:
  - { name: a, weight: 300, renewalInterval: 6h }
  - { name: b, weight: 100, renewalInterval: 6h }
clients: [{ name: c, count: 400, bootSpread: 6h }]
${extra}`);

function run(options: { deadPort?: number } = {}) {
  const s = scenario();
  const plan = planFleet(s);
  const ports = [4001, 4002];
  const served = new Map<number, number>();
  const dns = {
    async resolveSrv(domain: string): Promise<SrvLookup> {
      expect(domain).toBe("corp.example");
      return {
        records: [
          { target: "a.corp.example", port: ports[0], priority: 0, weight: 300 },
          { target: "b.corp.example", port: ports[1], priority: 0, weight: 100 },
        ],
        addresses: new Map([
          ["a.corp.example", "127.0.0.1"],
          ["b.corp.example", "127.0.0.1"],
        ]),
      };
    },
  };
  const rpc = {
    async call(target: RpcTarget, request: RequestMessage): Promise<ResponseMessage> {
      if (target.port === options.deadPort) throw new RpcCallError("REFUSED", "connection refused");
      served.set(target.port, (served.get(target.port) ?? 0) + 1);
      return {
        requestId: request.requestId,
        status: 0,
        hostId: ports.indexOf(target.port),
        count: 50,
        activationIntervalMs: 7_200_000,
        renewalIntervalMs: 21_600_000,
      };
    },
  };
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
  return { driver, served, ports };
}

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
});
