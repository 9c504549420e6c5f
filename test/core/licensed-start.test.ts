import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ActionKind, ClientAction, Note } from "../../src/core/client/client-action.js";
import { ClientFleet } from "../../src/core/client/client-fleet.js";
import type { ClientGroupConfig } from "../../src/core/client/client-group.js";
import { lastRenewedBy, licensedAmong, startsLicensed } from "../../src/core/client/licensed-start.js";
import { ACTIVATION_VALIDITY_MS, DAY_MS, DEFAULT_ACTIVATION_INTERVAL_MS, DEFAULT_RENEWAL_INTERVAL_MS, LicenseStatus } from "../../src/core/license.js";
import { Mulberry32 } from "../../src/core/rng.js";

const group: ClientGroupConfig = {
  profile: "win7",
  product: 0,
  domainId: 0,
  pinnedHost: -1,
  hostCaching: true,
  clockSkewMs: 0,
  activationIntervalMs: DEFAULT_ACTIVATION_INTERVAL_MS,
  renewalIntervalMs: DEFAULT_RENEWAL_INTERVAL_MS,
};
const ok = { status: 0, activationIntervalMs: DEFAULT_ACTIVATION_INTERVAL_MS, renewalIntervalMs: DEFAULT_RENEWAL_INTERVAL_MS };

describe("which clients start licensed", () => {
  it("the first n clients of a group hold n × fraction of the licensed ones (rounded), for every n and fraction", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.double({ min: 0, max: 1, noNaN: true }), (count, fraction) => {
        let licensed = 0;
        for (let k = 0; k < count; k++) {
          if (startsLicensed(k, fraction)) licensed++;
          if (licensed !== licensedAmong(k + 1, fraction) || Math.abs(licensed - (k + 1) * fraction) > 0.5 + 1e-9) return false;
        }
        return true;
      }),
      { numRuns: 200 },
    );
  });

  it("a fraction written to 6 decimals gives the whole clients meant: 0.833333 of 24 is 20, 0.95 of 260 is 247", () => {
    expect(licensedAmong(24, 0.833333)).toBe(20);
    expect(licensedAmong(260, 0.95)).toBe(247);
    expect(licensedAmong(30, 1)).toBe(30);
    expect(licensedAmong(30, 0)).toBe(0);
  });

  it("spreads the last renewals over the endpoints in the promised shares, within 2 clients each, and never to one without a share", () => {
    const sharesArb = fc
      .array(fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 1, noNaN: true })), { minLength: 1, maxLength: 8 })
      .filter((a) => a.some((x) => x > 0));
    fc.assert(
      fc.property(sharesArb, fc.integer({ min: 1, max: 3000 }), (raw, clients) => {
        const sum = raw.reduce((a, b) => a + b, 0);
        const shares = raw.map((x) => x / sum);
        const got = shares.map(() => 0);
        for (let k = 0; k < clients; k++) got[lastRenewedBy(k, shares)]++;
        shares.forEach((share, host) => {
          if (share === 0) expect(got[host]).toBe(0);
          // The Weyl sequence's discrepancy: at most a couple of points off per interval (log-bounded).
          expect(Math.abs(got[host] - share * clients)).toBeLessThanOrEqual(2 + Math.log2(clients));
        });
      }),
      { numRuns: 200 },
    );
  });

  it("spreads a group no larger than its equally shared endpoints (up to 6) one client per endpoint", () => {
    // A lab fleet of 3 clients on 3 equal hosts: each host renewed one, not two the first host.
    for (let n = 1; n <= 6; n++) {
      const shares = Array<number>(n).fill(1 / n);
      const hosts = Array.from({ length: n }, (_, k) => lastRenewedBy(k, shares));
      expect(hosts.sort(), `${n} endpoints`).toEqual(Array.from({ length: n }, (_, h) => h));
    }
  });

  it("no endpoint with a share: -1", () => {
    expect(lastRenewedBy(3, [0, 0])).toBe(-1);
  });
});

describe("a client installed licensed", () => {
  function installed(renewedAtMs: number, renewedBy: number, g: ClientGroupConfig = group) {
    const fleet = new ClientFleet(1, [g], {
      candidatesOf: () => [
        { host: 0, priority: 0, weight: 1 },
        { host: 1, priority: 0, weight: 1 },
      ],
    });
    const out = new ClientAction();
    fleet.install(0, 0, 5 * DAY_MS, out, renewedAtMs, renewedBy);
    return { fleet, out, rng: new Mulberry32(1) };
  }

  it("is licensed from the start, valid for 180 days after its last renewal, its first timer at its boot", () => {
    const { fleet, out } = installed(-2 * DAY_MS, 1);
    expect(out.kind).toBe(ActionKind.Wait);
    expect(out.atMs).toBe(5 * DAY_MS);
    expect(fleet.validUntilMs(0)).toBe(-2 * DAY_MS + ACTIVATION_VALIDITY_MS);
    expect(fleet.statusAt(0, 0)).toBe(LicenseStatus.Licensed);
    expect(fleet.cachedHost(0)).toBe(1);
  });

  it("is noted activated at install, then sends a renewal to the host that renewed it last, never noted activated again", () => {
    const { fleet, out, rng } = installed(-2 * DAY_MS, 1);
    expect(out.notes & Note.FirstActivation).not.toBe(0);
    fleet.onTimer(0, 5 * DAY_MS, rng, out);
    expect(out.kind).toBe(ActionKind.SendRpc);
    expect(out.renewal).toBe(true);
    expect(out.host).toBe(1);
    fleet.onRpcAnswer(0, 5 * DAY_MS + 1, { ...ok, status: 0xc004f038 }, out);
    expect(fleet.statusAt(0, out.atMs)).toBe(LicenseStatus.Licensed); // a failed renewal keeps the validity
    fleet.onTimer(0, out.atMs, rng, out);
    fleet.onRpcAnswer(0, out.atMs + 1, ok, out);
    expect(out.notes & Note.FirstActivation).toBe(0);
  });

  it("without host caching it remembers no host and discovers", () => {
    const { fleet, out, rng } = installed(-1, 0, { ...group, hostCaching: false });
    expect(fleet.cachedHost(0)).toBe(-1);
    fleet.onTimer(0, 5 * DAY_MS, rng, out);
    expect(out.kind).toBe(ActionKind.QueryDns);
  });

  it("a fresh install (no renewedAtMs) is unchanged: initial grace, first request an activation", () => {
    const fleet = new ClientFleet(1, [group], { candidatesOf: () => [{ host: 0, priority: 0, weight: 1 }] });
    const out = new ClientAction();
    fleet.install(0, 0, 0, out);
    expect(out.notes).toBe(0);
    expect(fleet.statusAt(0, 0)).toBe(LicenseStatus.InitialGrace);
    expect(fleet.validUntilMs(0)).toBe(0);
  });
});
