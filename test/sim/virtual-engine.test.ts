import { describe, expect, it } from "vitest";
import { host, simulate } from "./helpers.js";

const twoHosts = (os: string, extra = "") => `
duration: 3d
hosts:
  - { name: heavy, weight: 300 }
  - { name: light, weight: 100 }
  - { name: backup, priority: 10 }
clients:
  - { name: c, count: 3000, os: ${os}, bootSpread: 1h }
${extra}`;

describe("virtual engine: selection shares", () => {
  it("win7 clients follow 3:1 weights and never use the worse priority", () => {
    const { result } = simulate(twoHosts("win7"));
    expect(host(result, "heavy").share).toBeGreaterThan(0.72);
    expect(host(result, "heavy").share).toBeLessThan(0.78);
    expect(host(result, "backup").requests).toBe(0);
    expect(host(result, "heavy").expectedShare).toBeCloseTo(0.75, 6);
    expect(result.clients.activated).toBe(3000);
  });

  it("vista clients spread evenly over every record, ignoring priority and weight", () => {
    const { result } = simulate(twoHosts("vista"));
    for (const name of ["heavy", "light", "backup"]) {
      expect(Math.abs(host(result, name).share - 1 / 3)).toBeLessThan(0.03);
      expect(host(result, name).expectedShare).toBeCloseTo(1 / 3, 6);
    }
  });
});

describe("virtual engine: determinism", () => {
  it("same scenario and seed give byte-identical results; another seed differs", () => {
    const yaml = twoHosts("win7", "events: [{ at: 2h, host: heavy, action: crash }]");
    const a = JSON.stringify(simulate(yaml, 5).result);
    const b = JSON.stringify(simulate(yaml, 5).result);
    const c = JSON.stringify(simulate(yaml, 6).result);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });
});

describe("virtual engine: host rules at fleet scale", () => {
  const fleet = (count: number, extra = "", hostExtra = "") => `
duration: 1d
hosts: [{ name: kms1${hostExtra} }]
clients:
  - { name: c, count: ${count}, bootSpread: 10m${extra} }
`;

  it("24 Windows clients never reach the threshold of 25: every answer is 0xC004F038", () => {
    const { result } = simulate(fleet(24));
    expect(result.clients.activated).toBe(0);
    expect(result.rpc.activation.ok).toBe(0);
    expect(result.rpc.activation.errors["0xC004F038"]).toBe(result.rpc.activation.failed);
    // Retries every 2 hours over one day: about 12 attempts each.
    expect(result.rpc.activation.sent).toBeGreaterThanOrEqual(24 * 11);
    expect(host(result, "kms1").count["windows-client"]).toBe(24);
    expect(host(result, "kms1").lowCount).toContain("windows-client");
  });

  it("25 clients reach it: all activate, the early ones after a 2-hour retry", () => {
    const { result } = simulate(fleet(25));
    expect(result.clients.activated).toBe(25);
    expect(result.rpc.activation.errors["0xC004F038"]).toBe(24);
    expect(host(result, "kms1").lowCount).toEqual([]);
  });

  it("a clock more than 4 hours off the host gets 0xC004F06C", () => {
    const { result } = simulate(fleet(30, ", clockSkew: 5h"));
    expect(result.clients.activated).toBe(0);
    expect(Object.keys(result.rpc.activation.errors)).toEqual(["0xC004F06C"]);
  });

  it("a product the host does not serve gets 0xC004F042", () => {
    const { result } = simulate(fleet(30, ", product: office-2010", ", products: [windows-client]"));
    expect(Object.keys(result.rpc.activation.errors)).toEqual(["0xC004F042"]);
  });

  it("a host whose own license is not activated answers 0xC004F041; KMS disabled answers 0xC004F039", () => {
    expect(Object.keys(simulate(fleet(30, "", ", activated: false")).result.rpc.activation.errors)).toEqual(["0xC004F041"]);
    expect(Object.keys(simulate(fleet(30, "", ", kmsEnabled: false")).result.rpc.activation.errors)).toEqual(["0xC004F039"]);
  });

  it("the host counts requests by client state like slmgr /dlv", () => {
    const { result } = simulate(fleet(30, "", ", renewalInterval: 1h"));
    const dlv = host(result, "kms1").dlv;
    expect(dlv.total).toBe(host(result, "kms1").requests);
    expect(dlv.licensed).toBeGreaterThan(0); // renewals come from licensed clients
    expect(dlv.initialGrace).toBeGreaterThan(0); // first activations
    expect(dlv.licensed + dlv.initialGrace + dlv.outOfToleranceGrace + dlv.notification).toBe(dlv.total);
  });
});

describe("virtual engine: client behaviour", () => {
  it("renews every 7 days on the cached host, without asking DNS again", () => {
    const { result } = simulate(`
duration: 29d
hosts: [{ name: a }, { name: b }]
clients: [{ name: c, count: 100, bootSpread: 1h }]
`);
    expect(result.clients.activated).toBe(100);
    // Boot at < 1h, then renewals at 7, 14, 21, 28 days.
    expect(result.rpc.renewal.sent).toBe(400);
    expect(result.rpc.renewal.ok).toBe(400);
    // DNS only for activation attempts (the first 24 per host retry after 0xC004F038,
    // by then the 1 h DNS cache has expired); never for a renewal.
    expect(result.dns.queries).toBe(result.rpc.activation.sent);
  });

  it("a pinned client (kmsHost) never asks DNS and only talks to its host", () => {
    const { result } = simulate(`
duration: 8d
hosts: [{ name: a }, { name: b }]
clients: [{ name: c, count: 100, kmsHost: b }]
`);
    expect(result.dns.queries).toBe(0);
    expect(host(result, "a").requests).toBe(0);
    expect(host(result, "b").requests).toBe(result.rpc.activation.sent + result.rpc.renewal.sent);
    expect(result.rpc.renewal.sent).toBe(100);
  });

  it("host caching off: the client discovers through DNS every time", () => {
    const { result } = simulate(`
duration: 15d
dns: { ttl: 1h }
hosts: [{ name: a }]
clients: [{ name: c, count: 50, hostCaching: false }]
`);
    // Every attempt (activations, retries, two renewals each) starts with a DNS query.
    expect(result.rpc.renewal.sent).toBe(100);
    expect(result.dns.queries).toBe(result.rpc.activation.sent + result.rpc.renewal.sent);
  });

  it("a decommissioned host keeps its SRV record: clients still try it, are refused and fail over", () => {
    const { result } = simulate(`
duration: 9d
hosts: [{ name: a }, { name: b }]
clients: [{ name: c, count: 400, bootSpread: 1h, hostCaching: false }]
events: [{ at: 3d, host: a, action: decommission }]
`);
    expect(host(result, "a").refused).toBeGreaterThan(0);
    expect(result.failovers).toBeGreaterThan(0);
    expect(host(result, "a").state).toBe("decommissioned");
    expect(result.clients.licensed).toBe(400);
  });

  it("with every host gone, validity runs out after 180 days, then 30 days of grace, then notification", () => {
    const yaml = (days: number) => `
duration: ${days}d
sampleInterval: 1d
hosts: [{ name: a }]
clients: [{ name: c, count: 30, bootSpread: 1h }]
events: [{ at: 1d, host: a, action: crash }]
`;
    const at179 = simulate(yaml(179)).result.clients;
    expect(at179.licensed).toBe(30);
    const at200 = simulate(yaml(200)).result.clients;
    expect(at200.outOfToleranceGrace).toBe(30);
    expect(at200.licensed).toBe(0);
    const at215 = simulate(yaml(215)).result;
    expect(at215.clients.unlicensed).toBe(30);
    // Renewal failures retried every activation interval (2 h) keep coming.
    expect(at215.clients.errors["0xC004F074"]).toBeGreaterThan(30 * 12 * 200);
  });

  it("DNS down during boot: queries time out (0x800705B4, the server was silent, not 0x8007232B), clients retry and activate once it is back", () => {
    const { result } = simulate(`
duration: 1d
hosts: [{ name: a }]
clients: [{ name: c, count: 100, bootSpread: 30m }]
events: [{ at: 0s, dns: down }, { at: 3h, dns: up }]
`);
    expect(result.dns.failed).toBeGreaterThanOrEqual(100);
    expect(result.clients.errors["0x800705B4"]).toBeGreaterThanOrEqual(100);
    expect(result.clients.errors["0x8007232B"] ?? 0).toBe(0);
    expect(result.dns.latencyMs.max).toBeGreaterThanOrEqual(2000);
    expect(result.clients.activated).toBe(100);
  });

  it("a hung host makes clients wait the full RPC timeout, then fail over", () => {
    const { result } = simulate(`
duration: 2d
hosts: [{ name: a, renewalInterval: 1h }, { name: b, renewalInterval: 1h }]
clients: [{ name: c, count: 200, bootSpread: 10m }]
network: { rpcTimeout: 3s }
events: [{ at: 5h, host: a, action: hang }]
`);
    expect(host(result, "a").unanswered).toBeGreaterThan(0);
    expect(result.rpc.renewal.latencyMs.max).toBeGreaterThanOrEqual(3000);
    expect(result.rpc.renewal.errors["0x800706BA"]).toBe(host(result, "a").unanswered);
    expect(result.failovers).toBeGreaterThan(0);
    expect(result.clients.licensed).toBe(200);
  });

  it("after a crash no request reaches the dead host until it recovers", () => {
    const { result } = simulate(`
duration: 2d
sampleInterval: 1h
hosts: [{ name: a, renewalInterval: 30m }, { name: b, renewalInterval: 30m }]
clients: [{ name: c, count: 300, bootSpread: 10m, hostCaching: false }]
events: [{ at: 10h, host: a, action: crash }, { at: 20h, host: a, action: recover }]
`);
    const during = result.timeline.filter((s) => s.t > 10 * 3600 && s.t <= 20 * 3600);
    expect(during.length).toBe(10);
    for (const sample of during) expect(sample.hostRequests.a).toBe(0);
    const after = result.timeline.filter((s) => s.t > 21 * 3600);
    expect(after.some((s) => s.hostRequests.a > 0)).toBe(true);
    expect(host(result, "a").refused).toBeGreaterThan(0);
  });
});

describe("virtual engine: timeline", () => {
  it("licensed per sample (kept incrementally) matches a full count at the end and drops when validity lapses", () => {
    const { result } = simulate(`
duration: 200d
sampleInterval: 5d
hosts: [{ name: a }]
clients: [{ name: c, count: 40, bootSpread: 1h }]
events: [{ at: 20d, host: a, action: crash }]
`);
    const last = result.timeline[result.timeline.length - 1];
    expect(last.t).toBe(200 * 86400);
    expect(last.licensed).toBe(result.clients.licensed);
    const at = (days: number) => result.timeline.find((s) => s.t === days * 86400)!;
    expect(at(15).licensed).toBe(40);
    // Last renewal before the crash was on day 14 (+ boot): valid until ~day 194.
    expect(at(190).licensed).toBe(40);
    expect(at(195).licensed).toBe(0);
    expect(at(195).activated).toBe(40);
  });
});
