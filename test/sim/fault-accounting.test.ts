import { describe, expect, it } from "vitest";
import type { Result } from "../../src/results/result.js";
import { host, simulate } from "./helpers.js";

/** Every RPC ends answered, refused, unanswered (hang), lost (fault while held) or late. */
function expectEveryRequestAccounted(result: Result): void {
  const unreachable = (result.rpc.activation.errors["0x800706BA"] ?? 0) + (result.rpc.renewal.errors["0x800706BA"] ?? 0);
  const byHosts = result.hosts.reduce((a, h) => a + h.refused + h.unanswered + h.lost + h.late, 0);
  expect(unreachable).toBe(byHosts);
  const sent = result.rpc.activation.sent + result.rpc.renewal.sent;
  const ended = result.rpc.activation.ok + result.rpc.activation.failed + result.rpc.renewal.ok + result.rpc.renewal.failed;
  expect(ended).toBe(sent - inFlightRpcs(result));
  const sampled = result.timeline.reduce((a, s) => a + Object.values(s.hostRequests).reduce((x, y) => x + y, 0), 0);
  expect(sampled).toBe(result.hosts.reduce((a, h) => a + h.requests, 0));
}

function inFlightRpcs(result: Result): number {
  // At most one request per client is outstanding at the end.
  return result.clients.inFlightAtEnd;
}

const faultHeavy = `
duration: 3d
sampleInterval: 1h
hosts:
  - { name: a, serviceTime: 40ms, concurrency: 2, renewalInterval: 1h }
  - { name: b, serviceTime: 40ms, concurrency: 2, renewalInterval: 1h }
  - { name: c, priority: 5, serviceTime: 5ms, renewalInterval: 1h }
clients:
  - { name: w, count: 300, os: win7, bootSpread: 20m }
  - { name: v, count: 100, os: vista, bootSpread: 20m }
network: { rpcTimeout: 2s }
events:
  - { at: 10m, host: a, action: crash }
  - { at: 40m, host: a, action: recover }
  - { at: 5h, host: b, action: hang }
  - { at: 6h, host: b, action: crash }
  - { at: 8h, host: b, action: recover }
  - { at: 10h, host: a, action: slow, serviceTime: 3s }
  - { at: 10h, host: b, action: slow, serviceTime: 3s }
  - { at: 12h, host: a, action: recover }
  - { at: 12h, host: b, action: recover }
  - { at: 20h, dns: down }
  - { at: 22h, dns: up }
  - { at: 30h, host: c, action: decommission }
`;

describe("fault accounting", () => {
  it.each([1, 2, 3, 4, 5])("seed %i: no request is lost from the books, no illegal transition", (seed) => {
    const { result, engine } = simulate(faultHeavy, seed);
    expect(engine.illegalInputs).toBe(0);
    expectEveryRequestAccounted(result);
    expect(host(result, "a").late + host(result, "b").late).toBeGreaterThan(0);
  });

  it("requests queued at a host when it crashes fail one network delay later, not when they would have finished", () => {
    const { result } = simulate(`
duration: 3h
hosts: [{ name: a, serviceTime: 100ms, concurrency: 1 }, { name: b, serviceTime: 100ms, concurrency: 1 }]
clients: [{ name: c, count: 200, bootSpread: 1s }]
network: { rpcTimeout: 30s }
events: [{ at: 3s, host: a, action: crash }]
`);
    expect(host(result, "a").lost).toBeGreaterThan(0);
    // Without the crash, a's queue (~100 requests × 100 ms) would take ~10 s to drain.
    const failedLatencyBound = 3000 + 5; // due ≥ 0, crash at 3 s, plus one network delay
    expect(result.rpc.activation.errors["0x800706BA"]).toBe(host(result, "a").lost + host(result, "a").refused);
    expect(result.rpc.activation.latencyMs.max).toBeGreaterThan(failedLatencyBound); // b's queue after failover
    expect(result.clients.activated).toBe(200);
  });

  it("a request held by a host that hangs waits the full RPC timeout even if the host recovers meanwhile", () => {
    const { result } = simulate(`
duration: 1h
hosts: [{ name: a, serviceTime: 50ms, concurrency: 1 }]
clients: [{ name: c, count: 60, bootSpread: 100ms }]
network: { rpcTimeout: 5s }
events: [{ at: 1s, host: a, action: hang }, { at: 1100ms, host: a, action: recover }]
`);
    expect(host(result, "a").lost).toBeGreaterThan(0);
    expect(result.rpc.activation.latencyMs.max).toBeGreaterThanOrEqual(5000);
  });
});
