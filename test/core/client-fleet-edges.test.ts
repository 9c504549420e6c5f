// Edges of the client state machine that a mutation run showed untested (issue 19):
// pinning host 0, the cache flag clearing after the cached host fails, licence expiry at
// the exact instant, and several clients driven interleaved (record offsets).
import { describe, expect, it } from "vitest";
import { ActionKind, ClientAction, Note } from "../../src/core/client/client-action.js";
import { ClientFleet, type RpcAnswerView } from "../../src/core/client/client-fleet.js";
import type { ClientGroupConfig } from "../../src/core/client/client-group.js";
import { Code } from "../../src/core/errors.js";
import {
  ACTIVATION_VALIDITY_MS,
  DAY_MS,
  DEFAULT_ACTIVATION_INTERVAL_MS,
  DEFAULT_RENEWAL_INTERVAL_MS,
  INITIAL_GRACE_MS,
  LicenseStatus,
  OUT_OF_TOLERANCE_GRACE_MS,
} from "../../src/core/license.js";
import { Mulberry32 } from "../../src/core/rng.js";
import type { SrvCandidate } from "../../src/core/selection/srv-candidate.js";

const TWO_HOSTS: SrvCandidate[] = [
  { host: 0, priority: 0, weight: 100 },
  { host: 1, priority: 0, weight: 100 },
];

const group = (overrides: Partial<ClientGroupConfig> = {}): ClientGroupConfig => ({
  profile: "win7",
  product: "windows-client",
  domainId: 0,
  pinnedHost: -1,
  hostCaching: true,
  clockSkewMs: 0,
  activationIntervalMs: DEFAULT_ACTIVATION_INTERVAL_MS,
  renewalIntervalMs: DEFAULT_RENEWAL_INTERVAL_MS,
  ...overrides,
});

const ok: RpcAnswerView = { status: 0, activationIntervalMs: DEFAULT_ACTIVATION_INTERVAL_MS, renewalIntervalMs: DEFAULT_RENEWAL_INTERVAL_MS };

function fleetOf(g: ClientGroupConfig, size = 1) {
  const fleet = new ClientFleet(size, [g], { candidatesOf: () => TWO_HOSTS });
  const out = new ClientAction();
  for (let i = 0; i < size; i++) fleet.install(i, 0, 0, out);
  return { fleet, out, rng: new Mulberry32(5) };
}

describe("client state machine edges", () => {
  it("a client pinned to host 0 sends there without DNS", () => {
    const { fleet, out, rng } = fleetOf(group({ pinnedHost: 0 }));
    fleet.onTimer(0, 0, rng, out);
    expect(out.kind).toBe(ActionKind.SendRpc);
    expect(out.host).toBe(0);
  });

  it("after its cached host fails, the next attempt goes to DNS, not to the cache", () => {
    const { fleet, out, rng } = fleetOf(group());
    fleet.onTimer(0, 0, rng, out);
    fleet.onDnsAnswer(0, 0, 0, 0, rng, out);
    fleet.onRpcAnswer(0, 1, ok, out);
    const cached = fleet.cachedHost(0);
    fleet.onTimer(0, 7 * DAY_MS, rng, out);
    expect(out.host).toBe(cached);
    fleet.onRpcUnreachable(0, 7 * DAY_MS + 1, rng, out);
    expect(out.notes & Note.Rediscovery).toBeTruthy();
    fleet.onDnsAnswer(0, 7 * DAY_MS + 2, 0, 0, rng, out);
    const other = out.host;
    expect(other).not.toBe(cached);
    // The other host answers: it is the cache now, and the failed one is not tried again.
    fleet.onRpcAnswer(0, 7 * DAY_MS + 3, ok, out);
    expect(fleet.cachedHost(0)).toBe(other);
  });

  it("licence states change exactly at the instant: validUntil, the grace ends", () => {
    const { fleet, out, rng } = fleetOf(group());
    expect(fleet.statusAt(0, INITIAL_GRACE_MS - 1)).toBe(LicenseStatus.InitialGrace);
    expect(fleet.statusAt(0, INITIAL_GRACE_MS)).toBe(LicenseStatus.Notification);
    fleet.onTimer(0, 0, rng, out);
    fleet.onDnsAnswer(0, 0, 0, 0, rng, out);
    fleet.onRpcAnswer(0, 10, ok, out);
    const validUntil = 10 + ACTIVATION_VALIDITY_MS;
    expect(fleet.statusAt(0, validUntil - 1)).toBe(LicenseStatus.Licensed);
    expect(fleet.statusAt(0, validUntil)).toBe(LicenseStatus.OutOfToleranceGrace);
    expect(fleet.statusAt(0, validUntil + OUT_OF_TOLERANCE_GRACE_MS - 1)).toBe(LicenseStatus.OutOfToleranceGrace);
    expect(fleet.statusAt(0, validUntil + OUT_OF_TOLERANCE_GRACE_MS)).toBe(LicenseStatus.Notification);
  });

  it("several clients driven interleaved keep their own state (record offsets)", () => {
    const { fleet, out, rng } = fleetOf(group(), 5);
    for (let i = 0; i < 5; i++) {
      fleet.onTimer(i, i, rng, out);
      expect(out.kind).toBe(ActionKind.QueryDns);
    }
    // Clients 1 and 3 get answers and activate; the others are still waiting for DNS.
    for (const i of [3, 1]) {
      fleet.onDnsAnswer(i, 10 + i, 0, 0, rng, out);
      fleet.onRpcAnswer(i, 20 + i, ok, out);
    }
    expect([0, 1, 2, 3, 4].map((i) => fleet.validUntilMs(i))).toEqual([0, 21 + ACTIVATION_VALIDITY_MS, 0, 23 + ACTIVATION_VALIDITY_MS, 0]);
    expect([0, 1, 2, 3, 4].map((i) => fleet.cachedHost(i) >= 0)).toEqual([false, true, false, true, false]);
    // Client 2's DNS fails: only its attempt fails.
    fleet.onDnsFailure(2, 30, out, true);
    expect(out.attemptErrorCode).toBe(Code.DnsServerSilent);
    expect(out.notes & Note.AttemptFailed).toBeTruthy();
    expect(fleet.statusAt(1, 31)).toBe(LicenseStatus.Licensed);
    expect(fleet.statusAt(2, 31)).toBe(LicenseStatus.InitialGrace);
  });
});
