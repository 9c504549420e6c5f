// A host's load figures follow queueing theory: utilization = requests × mean service time /
// (servers × time), whatever the arrivals; the peak queue is 0 when a server is always free.
import { describe, expect, it } from "vitest";
import { simulate } from "./helpers.js";

const scenario = (concurrency: number, serviceTime: string, clients: number, bootSpread = "1d"): string => `
name: host-load
seed: 3
duration: 10d
sampleInterval: 1d
hosts:
  - { name: kms1, concurrency: ${concurrency}, serviceTime: ${serviceTime}, renewalInterval: 1h }
clients:
  - { name: desktops, count: ${clients}, os: win7, bootSpread: ${bootSpread} }
`;

describe("host load figures (virtual)", () => {
  for (const [concurrency, serviceMs, clients] of [
    [1, 20, 400],
    [4, 200, 2000],
  ] as const) {
    it(`utilization = requests × service / (servers × time): c=${concurrency}, ${serviceMs} ms, ${clients} clients`, () => {
      const { result } = simulate(scenario(concurrency, `${serviceMs}ms`, clients));
      const host = result.hosts[0];
      const expected = (host.requests * serviceMs) / (concurrency * result.simulatedSeconds * 1000);
      expect(host.utilization).toBeGreaterThan(0);
      // Service times are exponential around the mean: within 5 % over thousands of requests.
      expect(host.utilization! / expected).toBeGreaterThan(0.95);
      expect(host.utilization! / expected).toBeLessThan(1.05);
      // The rates add up: mean requests per second over the run.
      expect(host.perSecond!.mean).toBeCloseTo(host.requests / result.simulatedSeconds, 6);
      expect(host.perSecond!.peak).toBeGreaterThanOrEqual(host.perSecond!.mean);
    });
  }

  it("a storm on one slow server queues; many fast servers never do", () => {
    // 2,000 boots in a minute against one 200 ms server (5 per second).
    const storm = simulate(scenario(1, "200ms", 2000, "1m")).result.hosts[0];
    expect(storm.peakQueued).toBeGreaterThan(10);
    const idle = simulate(scenario(64, "1ms", 200)).result.hosts[0];
    expect(idle.peakQueued).toBe(0);
  });
});
