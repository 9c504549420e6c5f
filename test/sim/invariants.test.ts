import { describe, expect, it } from "vitest";
import { buildResult } from "../../src/results/build-result.js";
import { FAULT_SITES, type FaultSite } from "../../src/sim/fault-sites.js";
import { InvariantViolation } from "../../src/sim/invariant-violation.js";
import { VirtualEngine } from "../../src/sim/virtual-engine.js";
import { scenarioFrom, simulate } from "./helpers.js";

// Every fault the model has, over small fleets and a short run: crashes, hangs, slow and
// recovered hosts (some while they hold queued requests, during the boot burst), a decommission, DNS down and up, records published, failing to publish
// while DNS is down and scavenged; pinned clients and clients that do not cache; win7 and
// vista; two domains; hosts that refuse (not activated, product not served) and clients
// whose clocks are off.
const faultHeavy = `
duration: 2d
sampleInterval: 2h
dns: { domain: corp.example, publishInterval: 6h, publishRetry: 1h, scavengeAfter: 12h, ttl: 30m }
hosts:
  - { name: a, serviceTime: 30ms, concurrency: 2, renewalInterval: 2h, activationInterval: 20m, publishDomains: [corp.example, branch.example] }
  - { name: b, serviceTime: 100ms, concurrency: 1, renewalInterval: 3h, publishDomains: [corp.example] }
  - { name: c, priority: 5, serviceTime: 5ms, publishDomains: [branch.example] }
  - { name: d, products: [windows-server], publishDomains: [branch.example] }
  - { name: e, activated: false, priority: 9 }
clients:
  - { name: w, count: 70, os: win7, bootSpread: 5s, activationInterval: 15m, renewalInterval: 4h }
  - { name: v, count: 40, os: vista, domain: branch.example, bootSpread: 30m, hostCaching: false, renewalInterval: 3h }
  - { name: s, count: 15, os: vista, product: windows-server, domain: branch.example, bootSpread: 1h }
  - { name: p, count: 15, kmsHost: b, bootSpread: 2s, renewalInterval: 2h, activationInterval: 15m }
  - { name: k, count: 10, clockSkew: 5h, bootSpread: 10m }
network: { latency: 5ms, jitter: 4ms, rpcTimeout: 1s, dnsTimeout: 2s }
events:
  - { at: 1500ms, host: b, action: hang }
  - { at: 2m, host: b, action: recover }
  - { at: 3s, host: a, action: crash }
  - { at: 50m, host: a, action: recover }
  - { at: 3h, host: b, action: hang }
  - { at: 3h10m, host: b, action: crash }
  - { at: 5h, host: b, action: recover }
  - { at: 7h, host: a, action: slow, serviceTime: 2s }
  - { at: 7h, host: c, action: hang }
  - { at: 9h, host: a, action: recover }
  - { at: 9h, host: c, action: recover }
  - { at: 12h, dns: down }
  - { at: 19h, dns: up }
  - { at: 20h, host: a, action: hang }
  - { at: 20h30m, host: a, action: recover }
  - { at: 26h, host: c, action: decommission }
  - { at: 30h, host: b, action: crash }
  - { at: 40h, host: b, action: recover }
`;

function violationOf(run: () => unknown): InvariantViolation {
  try {
    run();
  } catch (err) {
    if (err instanceof InvariantViolation) return err;
    throw err;
  }
  throw new Error("the run finished without breaking an invariant");
}

describe("invariant checking (--check)", () => {
  it("a fault-heavy scenario keeps every invariant for 50 seeds, and its faults really happen", () => {
    const hostEvents = scenarioFrom(faultHeavy).events.filter((e) => e.kind === "host").length;
    const seen = { refused: 0, unanswered: 0, lost: 0, late: 0, failovers: 0, scavenged: 0, publishFailed: 0 };
    for (let seed = 1; seed <= 50; seed++) {
      const { result, engine } = simulate(faultHeavy, seed);
      const checker = engine.checker!;
      // Every client event and every fixed event went through the checker, with a sweep
      // per sample, per host event and one at the end.
      expect(checker.eventsChecked).toBeGreaterThan(engine.eventsProcessed);
      expect(checker.sweeps).toBe(result.timeline.length + hostEvents + 1);
      expect(engine.illegalInputs).toBe(0);
      for (const h of result.hosts) {
        seen.refused += h.refused;
        seen.unanswered += h.unanswered;
        seen.lost += h.lost;
        seen.late += h.late;
      }
      seen.failovers += result.failovers;
      seen.scavenged += result.events.filter((e) => e.action === "scavenged").length;
      seen.publishFailed += result.events.filter((e) => e.action === "publish-failed").length;
    }
    for (const [what, n] of Object.entries(seen)) expect(n, what).toBeGreaterThan(0);
  });

  it("checking does not change the run: same result with and without the checker", () => {
    const scenario = scenarioFrom(faultHeavy);
    const run = (check: boolean) => {
      const engine = new VirtualEngine({ ...scenario, seed: 7 }, { check });
      while (!engine.step(10_000));
      return JSON.stringify(buildResult(engine.totals(), 0, false));
    };
    expect(run(true)).toBe(run(false));
  });

  describe("each invariant fires, naming itself, the seed, the time and the event", () => {
    const cases = Object.entries(FAULT_SITES) as [FaultSite, string][];
    it.each(cases)("fault site %s breaks %s", (site, invariant) => {
      const violation = violationOf(() => simulate(faultHeavy, 4242, { faultSite: site }));
      expect(violation.invariant).toBe(invariant);
      expect(violation.code).toBe("KMSSIM_INVARIANT");
      expect(violation.seed).toBe(4242);
      expect(violation.nowMs).toBeGreaterThanOrEqual(0);
      expect(violation.nowMs).toBeLessThanOrEqual(scenarioFrom(faultHeavy).durationMs);
      expect(violation.event.number).toBeGreaterThan(0);
      expect(violation.message).toContain(`invariant ${invariant} broken`);
      expect(violation.message).toContain("seed 4242");
      expect(violation.message).toContain(`event #${violation.event.number}: ${violation.event.kind}`);
    });

    it("a client-level fault names the client and the host of the event that broke it", () => {
      const removed = violationOf(() => simulate(faultHeavy, 9, { faultSite: "invariant-removed-host" }));
      expect(["timer", "dns-reply", "rpc-reply"]).toContain(removed.event.kind);
      expect(removed.event.client).toBeGreaterThanOrEqual(0);
      expect(removed.event.host).toMatch(/^[a-e]$/);
      expect(removed.message).toContain(`client ${removed.event.client}`);
      expect(removed.detail).toContain(`which it had removed`);

      const count = violationOf(() => simulate(faultHeavy, 9, { faultSite: "invariant-count" }));
      expect(count.event.kind).toBe("host-arrival");
      expect(count.detail).toMatch(/counts \d+ machines for windows-\w+, more than its CMID cache size \d+/);
    });

    it("a time fault is caught at the event that goes back, with both times", () => {
      const v = violationOf(() => simulate(faultHeavy, 3, { faultSite: "invariant-time" }));
      expect(v.event.kind).toBe("timer");
      expect(v.detail).toMatch(/this event is at \d+(\.\d+)? ms, after one at \d+(\.\d+)? ms/);
    });

    it("without the checker, a fault site corrupts the run silently (the checker is what catches it)", () => {
      const scenario = { ...scenarioFrom(faultHeavy), seed: 5 };
      const engine = new VirtualEngine(scenario, { faultSite: "invariant-books" });
      while (!engine.step(10_000));
      const result = buildResult(engine.totals(), 0, false);
      const a = result.rpc.activation;
      expect(a.sent).toBe(a.ok + a.failed + result.clients.inFlightAtEnd + 1);
    });
  });
});
