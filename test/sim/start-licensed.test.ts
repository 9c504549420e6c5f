// clients[].startLicensed in the virtual engine: a fleet already running when the run
// starts. The hosts remember the machines they renewed last, so they start at the count
// that fleet gave them; the licensed clients' first requests are renewals.

import { describe, expect, it } from "vitest";
import { planFleet } from "../../src/fleet-plan/fleet-plan.js";
import { renewalsBeforeRun } from "../../src/fleet-plan/licensed-history.js";
import { host, scenarioFrom, simulate } from "./helpers.js";

const fleet = (startLicensed: string) => `
name: running-fleet
duration: 3h
sampleInterval: 30m
hosts:
  - { name: kms1, weight: 75 }
  - { name: kms2, weight: 25 }
clients:
  - { name: desktops, count: 200, bootSpread: 1h${startLicensed} }
`;

describe("clients that start licensed (virtual)", () => {
  it("a fresh fleet meets hosts at count 0: the first 24 requests per host come back 0xC004F038", () => {
    const { result } = simulate(fleet(""));
    expect(result.rpc.activation.errors["0xC004F038"]).toBeGreaterThanOrEqual(24);
    expect(result.rpc.renewal.sent).toBe(0);
  });

  it("a running fleet renews with hosts that already count it: no 0xC004F038, every client licensed and activated in the run", () => {
    const { result } = simulate(fleet(", startLicensed: 1"));
    expect(result.rpc.renewal.errors).toEqual({});
    expect(result.rpc.activation.sent).toBe(0);
    expect(result.rpc.renewal.sent).toBe(200);
    expect(result.clients.activated).toBe(200);
    expect(result.clients.licensed).toBe(200);
    // Licensed before the first request: the first sample already counts them all.
    expect(result.timeline[0].licensed).toBe(200);
    // The hosts' memories are full from the start (2 × threshold), and the cached hosts follow the weights.
    expect(host(result, "kms1").count["windows-client"]).toBe(50);
    expect(host(result, "kms2").count["windows-client"]).toBe(50);
    expect(host(result, "kms1").requests).toBeGreaterThanOrEqual(145);
    expect(host(result, "kms1").requests).toBeLessThanOrEqual(155);
    expect(result.hosts.every((h) => h.lowCount === undefined || h.lowCount.length === 0)).toBe(true);
  });

  it("half licensed: the other half activate, the licensed half renew, and only the licensed half is in the hosts' memory before the run", () => {
    const { result } = simulate(fleet(", startLicensed: 0.5"));
    expect(result.rpc.renewal.sent).toBe(100);
    expect(result.rpc.activation.ok).toBe(100);
    const renewals = renewalsBeforeRun(planFleet(scenarioFrom(fleet(", startLicensed: 0.5"))));
    expect(renewals).toHaveLength(100);
    expect(renewals.every((r, k) => k === 0 || renewals[k - 1].atMs <= r.atMs)).toBe(true);
    // One renewal interval (7 days) before a boot inside the first hour.
    expect(renewals.every((r) => r.atMs >= -7 * 86_400_000 && r.atMs < -7 * 86_400_000 + 3_600_000)).toBe(true);
  });

  it("without startLicensed no host remembers anything before the run", () => {
    expect(renewalsBeforeRun(planFleet(scenarioFrom(fleet(""))))).toEqual([]);
  });
});
