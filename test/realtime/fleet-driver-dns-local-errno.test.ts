// Regression: FleetDriver treats a failed SRV lookup as "DNS name does not exist" (0x8007232B)
// for every error, including this machine running out of descriptors or local ports (the
// resolver's UDP socket bind or its TCP fallback failing with EMFILE / EADDRNOTAVAIL).
// Those are the run's own limits, not the DNS server's answer: like an RPC that fails
// with a LOCAL errno, the slice stops there and reports the shortage (exit 3 upstream,
// the partial result marked incomplete) rather than numbers that blame DNS.
import { describe, expect, it } from "vitest";
import type { RequestMessage, ResponseMessage } from "../../src/core/protocol/frame.js";
import { cmidPrefix } from "../../src/core/protocol/cmid.js";
import { planFleet } from "../../src/fleet-plan/fleet-plan.js";
import { CompressedClock } from "../../src/realtime/compressed-clock.js";
import { TcpExchangeError } from "../../src/dns/tcp-exchange.js";
import { FleetDriver, type SrvLookup } from "../../src/realtime/fleet/fleet-driver.js";
import { scenarioFrom } from "../sim/helpers.js";

function driverWith(dnsError: () => Error) {
  const s = scenarioFrom(`
mode: realtime
duration: 1d
timeScale: 2000000
hosts: [ { name: a } ]
clients: [ { name: c, count: 20, bootSpread: 1h } ]
`);
  const plan = planFleet(s);
  let rpcCalls = 0;
  const driver = new FleetDriver({
    plan,
    first: 0,
    count: plan.total,
    clock: new CompressedClock(CompressedClock.wallNowMs(), s.timeScale),
    dns: { resolveSrv: (): Promise<SrvLookup> => Promise.reject(dnsError()) },
    rpc: {
      call(_t, request: RequestMessage, _timeoutMs, _from, done): void {
        rpcCalls++;
        const answer: ResponseMessage = {
          requestId: request.requestId,
          status: 0,
          hostId: 0,
          count: 50,
          activationIntervalMs: 7_200_000,
          renewalIntervalMs: 604_800_000,
        };
        queueMicrotask(() => done(null, answer));
      },
    },
    endpoints: [null],
    cmidPrefix: cmidPrefix(s.seed),
  });
  return { driver, rpcCalls: () => rpcCalls };
}

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`connect ${code} 127.0.0.1:53`), { code });

describe("FleetDriver: a DNS lookup that fails for this machine's own reasons", () => {
  it("stops the slice, naming the shortage, when the resolver's TCP fallback runs out of descriptors (EMFILE)", async () => {
    const { driver } = driverWith(() => new TcpExchangeError("socket", "TCP to 127.0.0.1:53: connect EMFILE", { cause: errno("EMFILE") }));
    await expect(driver.run()).resolves.toBeUndefined();
    expect(driver.totals().localLimit).toBe("EMFILE");
    expect(driver.totals().dns.failed, "not blamed on DNS").toBe(0);
  }, 20_000);

  it("stops the slice, naming the shortage, when the resolver's socket cannot get a local address (EADDRNOTAVAIL)", async () => {
    const { driver } = driverWith(() => errno("EADDRNOTAVAIL"));
    await expect(driver.run()).resolves.toBeUndefined();
    expect(driver.totals().localLimit).toBe("EADDRNOTAVAIL");
    expect(driver.totals().dns.failed, "not blamed on DNS").toBe(0);
  }, 20_000);

  it("still counts a plain DNS failure (timeout) as a failed discovery, not a run failure", async () => {
    const { driver } = driverWith(() => new TcpExchangeError("timeout", "no reply over TCP within 2000 ms"));
    await expect(driver.run()).resolves.toBeUndefined();
    expect(driver.totals().dns.failed).toBeGreaterThan(0);
  }, 20_000);
});
