import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ActionKind, ClientAction, Note } from "../../src/core/client/client-action.js";
import { ClientFleet, type RpcAnswerView } from "../../src/core/client/client-fleet.js";
import type { ClientGroupConfig } from "../../src/core/client/client-group.js";
import { Phase } from "../../src/core/client/transitions.js";
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

const THREE_HOSTS: SrvCandidate[] = [
  { host: 0, priority: 0, weight: 100 },
  { host: 1, priority: 0, weight: 100 },
  { host: 2, priority: 10, weight: 100 },
];

const TWO_HOSTS: SrvCandidate[] = [
  { host: 0, priority: 0, weight: 100 },
  { host: 1, priority: 0, weight: 100 },
];

function group(overrides: Partial<ClientGroupConfig> = {}): ClientGroupConfig {
  return {
    profile: "win7",
    product: 0, // windows-client
    domainId: 0,
    pinnedHost: -1,
    hostCaching: true,
    clockSkewMs: 0,
    activationIntervalMs: DEFAULT_ACTIVATION_INTERVAL_MS,
    renewalIntervalMs: DEFAULT_RENEWAL_INTERVAL_MS,
    ...overrides,
  };
}

function fleetOf(g: ClientGroupConfig, candidates: SrvCandidate[] = THREE_HOSTS, size = 1) {
  const fleet = new ClientFleet(size, [g], { candidatesOf: () => candidates });
  const out = new ClientAction();
  for (let i = 0; i < size; i++) fleet.install(i, 0, 0, out);
  return { fleet, out, rng: new Mulberry32(9) };
}

const ok: RpcAnswerView = { status: 0, activationIntervalMs: DEFAULT_ACTIVATION_INTERVAL_MS, renewalIntervalMs: DEFAULT_RENEWAL_INTERVAL_MS };

describe("client lifecycle", () => {
  it("takes its validity and grace periods from its product's licence rules", () => {
    const license = { validityMs: 10 * 86_400_000, initialGraceMs: 86_400_000, outOfToleranceGraceMs: 2 * 86_400_000 };
    const { fleet, out, rng } = fleetOf(group({ license }));
    expect(fleet.statusAt(0, 86_400_000)).toBe(LicenseStatus.Notification); // past a 1-day initial grace
    fleet.onTimer(0, 0, rng, out);
    fleet.onDnsAnswer(0, 10, 0, 3_600_000, rng, out);
    fleet.onRpcAnswer(0, 20, ok, out);
    expect(fleet.validUntilMs(0)).toBe(20 + license.validityMs);
    expect(fleet.statusAt(0, 20 + license.validityMs + license.outOfToleranceGraceMs - 1)).toBe(LicenseStatus.OutOfToleranceGrace);
    expect(fleet.statusAt(0, 20 + license.validityMs + license.outOfToleranceGraceMs)).toBe(LicenseStatus.Notification);
  });

  it("discovers through DNS on its first timer", () => {
    const { fleet, out, rng } = fleetOf(group());
    fleet.onTimer(0, 0, rng, out);
    expect(out.kind).toBe(ActionKind.QueryDns);
    expect(fleet.phase(0)).toBe(Phase.AwaitingDns);
  });

  it("activates, caches the host that answered and renews after the renewal interval", () => {
    const { fleet, out, rng } = fleetOf(group());
    fleet.onTimer(0, 0, rng, out);
    fleet.onDnsAnswer(0, 10, 0, 3_600_000, rng, out);
    expect(out.kind).toBe(ActionKind.SendRpc);
    expect(out.renewal).toBe(false);
    const host = out.host;
    expect([0, 1]).toContain(host); // priority 0 only
    fleet.onRpcAnswer(0, 20, ok, out);
    expect(out.kind).toBe(ActionKind.Wait);
    expect(out.notes & Note.FirstActivation).toBeTruthy();
    expect(out.atMs).toBe(20 + DEFAULT_RENEWAL_INTERVAL_MS);
    expect(fleet.cachedHost(0)).toBe(host);
    expect(fleet.validUntilMs(0)).toBe(20 + ACTIVATION_VALIDITY_MS);
    expect(fleet.statusAt(0, 21)).toBe(LicenseStatus.Licensed);

    // Renewal goes straight to the cached host: no DNS.
    fleet.onTimer(0, out.atMs, rng, out);
    expect(out.kind).toBe(ActionKind.SendRpc);
    expect(out.host).toBe(host);
    expect(out.renewal).toBe(true);
  });

  it("host intervals in an answer override the client's own", () => {
    const { fleet, out, rng } = fleetOf(group());
    fleet.onTimer(0, 0, rng, out);
    fleet.onDnsAnswer(0, 0, 0, 0, rng, out);
    fleet.onRpcAnswer(0, 0, { status: Code.CountInsufficient, activationIntervalMs: 60_000, renewalIntervalMs: 86_400_000 }, out);
    expect(out.atMs).toBe(60_000);
    expect(fleet.activationIntervalMs(0)).toBe(60_000);
    expect(fleet.renewalIntervalMs(0)).toBe(86_400_000);
  });

  it("count insufficient (0xC004F038): retries after the activation interval, stays unactivated", () => {
    const { fleet, out, rng } = fleetOf(group());
    fleet.onTimer(0, 0, rng, out);
    fleet.onDnsAnswer(0, 0, 0, 0, rng, out);
    fleet.onRpcAnswer(0, 5, { ...ok, status: Code.CountInsufficient }, out);
    expect(out.kind).toBe(ActionKind.Wait);
    expect(out.atMs).toBe(5 + DEFAULT_ACTIVATION_INTERVAL_MS);
    expect(fleet.validUntilMs(0)).toBe(0);
    expect(fleet.cachedHost(0)).toBe(-1);
  });

  it("fails over to another host when one does not respond, then to the lower priority", () => {
    const { fleet, out, rng } = fleetOf(group());
    fleet.onTimer(0, 0, rng, out);
    fleet.onDnsAnswer(0, 0, 0, 0, rng, out);
    const first = out.host;
    fleet.onRpcUnreachable(0, 1, rng, out);
    expect(out.kind).toBe(ActionKind.SendRpc);
    expect(out.notes & Note.Failover).toBeTruthy();
    const second = out.host;
    expect(second).not.toBe(first);
    expect([0, 1]).toContain(second);
    fleet.onRpcUnreachable(0, 2, rng, out);
    expect(out.host).toBe(2);
    fleet.onRpcUnreachable(0, 3, rng, out);
    expect(out.kind).toBe(ActionKind.Wait);
    expect(out.attemptErrorCode).toBe(Code.NoHostReachable);
    expect(out.atMs).toBe(3 + DEFAULT_ACTIVATION_INTERVAL_MS);
  });

  it("rediscovers through DNS when the cached host fails on renewal, without retrying it", () => {
    const { fleet, out, rng } = fleetOf(group());
    fleet.onTimer(0, 0, rng, out);
    fleet.onDnsAnswer(0, 0, 0, 1000, rng, out);
    const cached = out.host;
    fleet.onRpcAnswer(0, 1, ok, out);
    fleet.onTimer(0, 7 * DAY_MS, rng, out);
    expect(out.host).toBe(cached);
    fleet.onRpcUnreachable(0, 7 * DAY_MS + 1, rng, out);
    expect(out.notes & Note.Rediscovery).toBeTruthy();
    expect(out.kind).toBe(ActionKind.QueryDns); // DNS cache (1 s TTL) long expired
    fleet.onDnsAnswer(0, 7 * DAY_MS + 2, 0, 1000, rng, out);
    expect(out.kind).toBe(ActionKind.SendRpc);
    expect(out.host).not.toBe(cached);
    // The failover is counted when another host is chosen, after the DNS answer.
    expect(out.notes & Note.Failover).toBeTruthy();
    expect(out.notes & Note.Rediscovery).toBeFalsy();
  });

  it("a rediscovery that finds no other host is no failover (a one-host fleet)", () => {
    const { fleet, out, rng } = fleetOf(group(), [{ host: 0, priority: 0, weight: 1 }]);
    fleet.onTimer(0, 0, rng, out);
    fleet.onDnsAnswer(0, 0, 0, 1000, rng, out);
    fleet.onRpcAnswer(0, 1, ok, out);
    fleet.onTimer(0, 7 * DAY_MS, rng, out);
    expect(out.host).toBe(0);
    fleet.onRpcUnreachable(0, 7 * DAY_MS + 1, rng, out);
    expect(out.notes & Note.Rediscovery).toBeTruthy();
    expect(out.notes & Note.Failover).toBeFalsy();
    fleet.onDnsAnswer(0, 7 * DAY_MS + 2, 0, 1000, rng, out);
    expect(out.kind).toBe(ActionKind.Wait);
    expect(out.attemptErrorCode).toBe(Code.NoHostReachable);
    expect(out.notes & Note.Failover).toBeFalsy();
    // The next attempt starts afresh: reaching the same host again is no failover either.
    fleet.onTimer(0, out.atMs, rng, out);
    expect(out.notes & Note.Failover).toBeFalsy();
  });

  it("an uncached client whose only host fails counts no failover", () => {
    const { fleet, out, rng } = fleetOf(group({ hostCaching: false }), [{ host: 0, priority: 0, weight: 1 }]);
    fleet.onTimer(0, 0, rng, out);
    fleet.onDnsAnswer(0, 0, 0, 0, rng, out);
    fleet.onRpcUnreachable(0, 1, rng, out);
    expect(out.kind).toBe(ActionKind.Wait);
    expect(out.notes & (Note.Failover | Note.Rediscovery)).toBe(0);
  });

  it("renewal failure keeps the 180-day validity and retries every activation interval", () => {
    const { fleet, out, rng } = fleetOf(group({ profile: "vista" }), [{ host: 0, priority: 0, weight: 1 }]);
    fleet.onTimer(0, 0, rng, out);
    fleet.onDnsAnswer(0, 0, 0, 0, rng, out);
    fleet.onRpcAnswer(0, 0, ok, out);
    const validUntil = fleet.validUntilMs(0);
    fleet.onTimer(0, out.atMs, rng, out);
    fleet.onRpcUnreachable(0, 7 * DAY_MS, rng, out); // cached failed → rediscover
    fleet.onDnsAnswer(0, 7 * DAY_MS, 0, 0, rng, out); // only that host, already removed
    expect(out.kind).toBe(ActionKind.Wait);
    expect(out.attemptErrorCode).toBe(Code.NoHostReachable);
    expect(out.atMs).toBe(7 * DAY_MS + DEFAULT_ACTIVATION_INTERVAL_MS);
    expect(fleet.validUntilMs(0)).toBe(validUntil);
  });

  it("a pinned client never asks DNS and fails with 0xC004F074 when its host is down", () => {
    const { fleet, out, rng } = fleetOf(group({ pinnedHost: 2 }));
    fleet.onTimer(0, 0, rng, out);
    expect(out.kind).toBe(ActionKind.SendRpc);
    expect(out.host).toBe(2);
    fleet.onRpcUnreachable(0, 1, rng, out);
    expect(out.attemptErrorCode).toBe(Code.NoHostReachable);
  });

  it("host caching off: discovers every time", () => {
    const { fleet, out, rng } = fleetOf(group({ hostCaching: false }));
    fleet.onTimer(0, 0, rng, out);
    fleet.onDnsAnswer(0, 0, 0, 0, rng, out);
    fleet.onRpcAnswer(0, 0, ok, out);
    expect(fleet.cachedHost(0)).toBe(-1);
    fleet.onTimer(0, out.atMs, rng, out);
    expect(out.kind).toBe(ActionKind.QueryDns);
  });

  it("uses its DNS cache within the TTL", () => {
    const { fleet, out, rng } = fleetOf(group({ hostCaching: false }));
    fleet.onTimer(0, 0, rng, out);
    fleet.onDnsAnswer(0, 0, 0, 10 * DAY_MS, rng, out);
    fleet.onRpcAnswer(0, 0, ok, out);
    fleet.onTimer(0, out.atMs, rng, out);
    expect(out.kind).toBe(ActionKind.SendRpc);
  });

  it("empty SRV answer: 0x8007232B and retry later", () => {
    const { fleet, out, rng } = fleetOf(group(), []);
    fleet.onTimer(0, 0, rng, out);
    fleet.onDnsAnswer(0, 0, 0, 0, rng, out);
    expect(out.attemptErrorCode).toBe(Code.DnsNameDoesNotExist);
    expect(fleet.phase(0)).toBe(Phase.Idle);
  });

  it("an illegal input moves the client to Error instead of throwing", () => {
    const { fleet, out } = fleetOf(group());
    fleet.onRpcAnswer(0, 0, ok, out);
    expect(out.kind).toBe(ActionKind.Halt);
    expect(out.notes & Note.IllegalInput).toBeTruthy();
    expect(fleet.phase(0)).toBe(Phase.Error);
  });

  it("license states: initial grace 30 d, validity 180 d, out-of-tolerance 30 d, then notification", () => {
    const { fleet, out, rng } = fleetOf(group());
    expect(fleet.statusAt(0, 29 * DAY_MS)).toBe(LicenseStatus.InitialGrace);
    expect(fleet.statusAt(0, 30 * DAY_MS)).toBe(LicenseStatus.Notification);
    fleet.onTimer(0, 0, rng, out);
    fleet.onDnsAnswer(0, 0, 0, 0, rng, out);
    fleet.onRpcAnswer(0, 0, ok, out);
    expect(fleet.statusAt(0, 179 * DAY_MS)).toBe(LicenseStatus.Licensed);
    expect(fleet.statusAt(0, 181 * DAY_MS)).toBe(LicenseStatus.OutOfToleranceGrace);
    expect(fleet.statusAt(0, 211 * DAY_MS)).toBe(LicenseStatus.Notification);
  });
});

describe("client properties", () => {
  // Random walks of legal inputs: whatever happens, the invariants of the model hold.
  const step = fc.record({ kind: fc.constantFrom("answer-ok", "answer-err", "unreachable", "dns-fail"), dt: fc.integer({ min: 0, max: 3 * DAY_MS }) });

  it("a successful activation always leaves the client cached on the host that answered; removed hosts are never chosen", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.constantFrom<"win7" | "vista">("win7", "vista"),
        fc.array(step, { maxLength: 60 }),
        (seed, profile, steps) => {
          const fleet = new ClientFleet(1, [group({ profile })], { candidatesOf: () => THREE_HOSTS });
          const out = new ClientAction();
          const rng = new Mulberry32(seed);
          fleet.install(0, 0, 0, out);
          let now = 0;
          for (const s of steps) {
            now += s.dt;
            if (fleet.phase(0) === Phase.Idle) fleet.onTimer(0, now, rng, out);
            else if (fleet.phase(0) === Phase.AwaitingDns) {
              if (s.kind === "dns-fail") fleet.onDnsFailure(0, now, out);
              else fleet.onDnsAnswer(0, now, 0, 3_600_000, rng, out);
            } else {
              const target = fleet.targetHost(0);
              expect(fleet.removedMask(0) & (1 << target)).toBe(0);
              if (s.kind === "unreachable") fleet.onRpcUnreachable(0, now, rng, out);
              else fleet.onRpcAnswer(0, now, { ...ok, status: s.kind === "answer-ok" ? 0 : Code.CountInsufficient }, out);
              if (s.kind === "answer-ok") {
                expect(fleet.cachedHost(0)).toBe(target);
                expect(fleet.statusAt(0, now)).toBe(LicenseStatus.Licensed);
              }
            }
            if (out.kind === ActionKind.SendRpc) expect(fleet.removedMask(0) & (1 << out.host)).toBe(0);
            expect(fleet.phase(0)).not.toBe(Phase.Error);
          }
        },
      ),
    );
  });
});

// Edges a mutation run showed untested (issue 19): pinning host 0, the cache after its host
// failed, licence expiry at the exact instant, several clients driven interleaved.
describe("client state machine edges", () => {
  it("a client pinned to host 0 sends there without DNS", () => {
    const { fleet, out, rng } = fleetOf(group({ pinnedHost: 0 }), TWO_HOSTS);
    fleet.onTimer(0, 0, rng, out);
    expect(out.kind).toBe(ActionKind.SendRpc);
    expect(out.host).toBe(0);
  });

  it("after its cached host fails, the next attempt goes to DNS, not to the cache", () => {
    const { fleet, out, rng } = fleetOf(group(), TWO_HOSTS);
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
    const { fleet, out, rng } = fleetOf(group(), TWO_HOSTS);
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
    const { fleet, out, rng } = fleetOf(group(), TWO_HOSTS, 5);
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

// The notes a driver counts (failovers, rediscoveries, first activations, failed attempts)
// are asserted exactly: a note set or left out by mistake would skew the run's metrics.
describe("client edges found by the mutation run", () => {
  it("an input its phase does not allow halts the client and does nothing else", () => {
    const { fleet, out, rng } = fleetOf(group(), TWO_HOSTS, 3);
    fleet.onTimer(0, 0, rng, out); // client 0 awaits DNS
    fleet.onTimer(0, 1, rng, out);
    expect([out.kind, out.notes, fleet.phase(0)]).toEqual([ActionKind.Halt, Note.IllegalInput, Phase.Error]);
    fleet.onDnsAnswer(1, 2, 0, 0, rng, out); // client 1 is idle
    expect([out.kind, out.notes, out.host, fleet.phase(1)]).toEqual([ActionKind.Halt, Note.IllegalInput, -1, Phase.Error]);
    fleet.onRpcUnreachable(2, 3, rng, out); // client 2 is idle
    expect([out.kind, out.notes, out.host, fleet.phase(2)]).toEqual([ActionKind.Halt, Note.IllegalInput, -1, Phase.Error]);
  });

  it("a client pinned to host 0 that does not answer fails the attempt, it tries no other host", () => {
    const { fleet, out, rng } = fleetOf(group({ pinnedHost: 0 }), TWO_HOSTS);
    fleet.onTimer(0, 0, rng, out);
    fleet.onRpcUnreachable(0, 1, rng, out);
    expect([out.kind, out.attemptErrorCode]).toEqual([ActionKind.Wait, Code.NoHostReachable]);
  });

  it("a DNS answer is reused until just before it expires, not at the instant", () => {
    const { fleet, out, rng } = fleetOf(group({ hostCaching: false }), TWO_HOSTS);
    fleet.onTimer(0, 0, rng, out);
    fleet.onDnsAnswer(0, 0, 0, 1000, rng, out);
    fleet.onRpcAnswer(0, 1, { ...ok, status: Code.CountInsufficient }, out);
    fleet.onTimer(0, 999, rng, out);
    expect(out.kind).toBe(ActionKind.SendRpc);
    fleet.onRpcAnswer(0, 999, { ...ok, status: Code.CountInsufficient }, out);
    fleet.onTimer(0, 1000, rng, out);
    expect(out.kind).toBe(ActionKind.QueryDns);
  });

  it("a renewal that fails over is still a renewal", () => {
    const { fleet, out, rng } = fleetOf(group(), THREE_HOSTS);
    fleet.onTimer(0, 0, rng, out);
    fleet.onDnsAnswer(0, 0, 0, 0, rng, out);
    fleet.onRpcAnswer(0, 1, ok, out);
    fleet.onTimer(0, 7 * DAY_MS, rng, out);
    fleet.onRpcUnreachable(0, 7 * DAY_MS + 1, rng, out);
    fleet.onDnsAnswer(0, 7 * DAY_MS + 2, 0, 0, rng, out);
    expect([out.kind, out.renewal, out.notes]).toEqual([ActionKind.SendRpc, true, Note.Failover]);
    fleet.onRpcUnreachable(0, 7 * DAY_MS + 3, rng, out);
    expect([out.kind, out.renewal]).toEqual([ActionKind.SendRpc, true]);
  });

  it("reinstalling an activated client forgets its activation", () => {
    const { fleet, out, rng } = fleetOf(group(), TWO_HOSTS, 2);
    for (const i of [0, 1]) {
      fleet.onTimer(i, 0, rng, out);
      fleet.onDnsAnswer(i, 0, 0, 0, rng, out);
      fleet.onRpcAnswer(i, 1, ok, out);
    }
    fleet.install(1, 0, 50, out);
    expect([fleet.validUntilMs(1), fleet.statusAt(1, 51)]).toEqual([0, LicenseStatus.InitialGrace]);
    expect(fleet.validUntilMs(0)).toBe(1 + ACTIVATION_VALIDITY_MS);
  });
});

describe("ClientAction", () => {
  it("starts as a reset action: wait, no host, no domain, no notes", () => {
    const fresh = new ClientAction();
    expect({ ...fresh }).toEqual({ kind: ActionKind.Wait, atMs: 0, host: -1, domainId: -1, renewal: false, notes: 0, attemptErrorCode: 0 });
    Object.assign(fresh, { kind: ActionKind.SendRpc, atMs: 5, host: 2, domainId: 3, renewal: true, notes: 9, attemptErrorCode: 7 });
    expect({ ...fresh.reset() }).toEqual({ ...new ClientAction() });
  });
});

describe("client notes and DNS failures", () => {
  it("a DNS failure fails the attempt: name-does-not-exist unless the server was silent, retried after the activation interval", () => {
    const { fleet, out, rng } = fleetOf(group({ domainId: 3 }), TWO_HOSTS, 2);
    fleet.onTimer(1, 0, rng, out);
    expect(out.domainId).toBe(3);
    fleet.onDnsFailure(1, 50, out);
    expect(out.kind).toBe(ActionKind.Wait);
    expect(out.notes).toBe(Note.AttemptFailed);
    expect(out.attemptErrorCode).toBe(Code.DnsNameDoesNotExist);
    expect(out.atMs).toBe(50 + DEFAULT_ACTIVATION_INTERVAL_MS);
    expect(fleet.phase(1)).toBe(Phase.Idle);
    // A DNS failure while no query is out is a driver bug.
    fleet.onDnsFailure(0, 60, out, true);
    expect(out.kind).toBe(ActionKind.Halt);
    expect(out.notes).toBe(Note.IllegalInput);
    expect(out.attemptErrorCode).toBe(0);
  });

  it("notes exactly what each step meant: first activation once, failover per other host, nothing on a plain renewal", () => {
    const { fleet, out, rng } = fleetOf(group(), THREE_HOSTS);
    fleet.onTimer(0, 0, rng, out);
    expect(out.notes).toBe(0);
    fleet.onDnsAnswer(0, 1, 0, 0, rng, out);
    expect(out.notes).toBe(0);
    fleet.onRpcUnreachable(0, 2, rng, out);
    expect(out.kind).toBe(ActionKind.SendRpc);
    expect(out.notes).toBe(Note.Failover);
    fleet.onRpcAnswer(0, 3, ok, out);
    expect(out.notes).toBe(Note.FirstActivation);
    fleet.onTimer(0, out.atMs, rng, out);
    expect(out.notes).toBe(0);
    fleet.onRpcAnswer(0, out.atMs + 7 * DAY_MS, ok, out);
    expect(out.notes).toBe(0); // a renewal is no first activation
  });

  it("after the cached host failed and DNS answered, a second failure fails over within that answer, with no second rediscovery", () => {
    const { fleet, out, rng } = fleetOf(group(), THREE_HOSTS);
    fleet.onTimer(0, 0, rng, out);
    fleet.onDnsAnswer(0, 0, 0, 0, rng, out);
    fleet.onRpcAnswer(0, 1, ok, out);
    const cached = fleet.cachedHost(0);
    fleet.onTimer(0, 7 * DAY_MS, rng, out);
    expect(out.host).toBe(cached);
    fleet.onRpcUnreachable(0, 7 * DAY_MS + 1, rng, out);
    expect(out.kind).toBe(ActionKind.QueryDns);
    expect(out.notes).toBe(Note.Rediscovery);
    fleet.onDnsAnswer(0, 7 * DAY_MS + 2, 0, 0, rng, out); // TTL 0: this answer is never reused
    expect(out.notes).toBe(Note.Failover);
    const second = out.host;
    fleet.onRpcUnreachable(0, 7 * DAY_MS + 3, rng, out);
    // The cache flag was cleared: the client picks from the answer it has, it does not ask DNS again.
    expect(out.kind).toBe(ActionKind.SendRpc);
    expect(out.notes).toBe(Note.Failover);
    expect([cached, second]).not.toContain(out.host);
  });

  it("a failover flag does not outlive its attempt: the next choice from the answer is no failover", () => {
    const { fleet, out, rng } = fleetOf(group({ hostCaching: false }), TWO_HOSTS);
    fleet.onTimer(0, 0, rng, out);
    fleet.onDnsAnswer(0, 0, 0, 10 * DAY_MS, rng, out);
    fleet.onRpcUnreachable(0, 1, rng, out);
    expect(out.notes).toBe(Note.Failover);
    fleet.onRpcAnswer(0, 2, ok, out);
    fleet.onTimer(0, out.atMs, rng, out); // DNS answer still cached: a choice without DNS
    expect(out.kind).toBe(ActionKind.SendRpc);
    expect(out.notes).toBe(0);
  });
});

// Every accessor of every client, read after each step of a random interleaving: a record
// offset computed wrongly (another client's bytes, or none) shows as a client that differs
// from its twin driven alone, or from what its own last action says.
describe("many clients interleaved (property)", () => {
  const stepArb = fc.record({
    client: fc.nat({ max: 3 }),
    kind: fc.constantFrom("answer-ok", "answer-err", "unreachable", "dns-fail", "dns-silent"),
    dtMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 * DAY_MS })),
  });
  const groups = [group({ hostCaching: true, domainId: 1 }), group({ hostCaching: false, profile: "vista", domainId: 2, activationIntervalMs: 60_000 })];

  it("each client equals a twin driven alone and agrees with its own last action", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.array(stepArb, { maxLength: 80 }), (seed, steps) => {
        const answers = { candidatesOf: (id: number) => (id === 0 ? THREE_HOSTS : []) };
        const fleet = new ClientFleet(4, groups, answers);
        const twins = [0, 1, 2, 3].map(() => new ClientFleet(1, groups, answers));
        const rngs = [0, 1, 2, 3].map((i) => new Mulberry32(seed + i));
        const twinRngs = [0, 1, 2, 3].map((i) => new Mulberry32(seed + i));
        const out = new ClientAction();
        const twinOut = new ClientAction();
        const installedAt = [5, 7, 11, 13];
        for (let i = 0; i < 4; i++) {
          fleet.install(i, i % 2, installedAt[i], out);
          twins[i].install(0, i % 2, installedAt[i], twinOut);
        }
        let now = 20;
        for (const s of steps) {
          now += s.dtMs;
          const i = s.client;
          const drive = (f: ClientFleet, k: number, rng: Mulberry32, o: ClientAction): void => {
            const phase = f.phase(k);
            if (phase === Phase.Idle) f.onTimer(k, now, rng, o);
            else if (phase === Phase.AwaitingDns) {
              if (s.kind === "dns-fail") f.onDnsFailure(k, now, o);
              else if (s.kind === "dns-silent") f.onDnsFailure(k, now, o, true);
              else f.onDnsAnswer(k, now, 0, 3_600_000, rng, o);
            } else if (s.kind === "unreachable") f.onRpcUnreachable(k, now, rng, o);
            else
              f.onRpcAnswer(
                k,
                now,
                { status: s.kind === "answer-ok" ? 0 : Code.CountInsufficient, activationIntervalMs: 1000 + i, renewalIntervalMs: 5000 + i },
                o,
              );
          };
          drive(fleet, i, rngs[i], out);
          drive(twins[i], 0, twinRngs[i], twinOut);
          expect({ ...out }).toEqual({ ...twinOut });
          if (out.kind === ActionKind.SendRpc) {
            expect(fleet.phase(i)).toBe(Phase.AwaitingRpc);
            expect(fleet.targetHost(i)).toBe(out.host);
            expect(fleet.dueAtMs(i)).toBe(now);
            expect(fleet.removedMask(i) & (1 << out.host)).toBe(0);
            expect(fleet.isRenewal(i)).toBe(out.renewal);
          } else if (out.kind === ActionKind.QueryDns) {
            expect(fleet.phase(i)).toBe(Phase.AwaitingDns);
            expect(out.domainId).toBe(i % 2 === 0 ? 1 : 2);
          } else expect(fleet.phase(i)).toBe(Phase.Idle);
          for (let k = 0; k < 4; k++) {
            const t = twins[k];
            expect(fleet.group(k)).toBe(k % 2);
            expect(fleet.installedAtMs(k)).toBe(installedAt[k]);
            const mine = [fleet.phase(k), fleet.cachedHost(k), fleet.targetHost(k), fleet.removedMask(k), fleet.validUntilMs(k), fleet.dueAtMs(k)];
            const twin = [t.phase(0), t.cachedHost(0), t.targetHost(0), t.removedMask(0), t.validUntilMs(0), t.dueAtMs(0)];
            expect(mine).toEqual(twin);
            expect([fleet.activationIntervalMs(k), fleet.renewalIntervalMs(k), fleet.statusAt(k, now), fleet.isRenewal(k)]).toEqual([
              t.activationIntervalMs(0),
              t.renewalIntervalMs(0),
              t.statusAt(0, now),
              t.isRenewal(0),
            ]);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it("install sets every field of the record it names, and only that record", () => {
    const fleet = new ClientFleet(3, groups, { candidatesOf: () => THREE_HOSTS });
    const out = new ClientAction();
    for (let i = 0; i < 3; i++) fleet.install(i, 1, 100 + i, out);
    // Client 1 activates and caches a host; reinstalling it must reset everything.
    const rng = new Mulberry32(3);
    fleet.onTimer(1, 200, rng, out);
    fleet.onDnsAnswer(1, 201, 0, DAY_MS, rng, out);
    fleet.onRpcUnreachable(1, 202, rng, out);
    fleet.markDue(1, 203);
    expect(fleet.removedMask(1)).not.toBe(0);
    expect(fleet.dueAtMs(1)).toBe(203);
    fleet.install(1, 0, 300, out);
    expect(out.kind).toBe(ActionKind.Wait);
    expect(out.atMs).toBe(300);
    expect([
      fleet.phase(1),
      fleet.cachedHost(1),
      fleet.targetHost(1),
      fleet.removedMask(1),
      fleet.validUntilMs(1),
      fleet.group(1),
      fleet.installedAtMs(1),
    ]).toEqual([Phase.Idle, -1, -1, 0, 0, 0, 300]);
    expect([fleet.activationIntervalMs(1), fleet.renewalIntervalMs(1), fleet.isRenewal(1)]).toEqual([
      DEFAULT_ACTIVATION_INTERVAL_MS,
      DEFAULT_RENEWAL_INTERVAL_MS,
      false,
    ]);
    // The freshly installed client asks DNS again: its old answer id was cleared.
    fleet.onTimer(1, 301, rng, out);
    expect(out.kind).toBe(ActionKind.QueryDns);
    expect([0, 2].map((i) => [fleet.group(i), fleet.installedAtMs(i), fleet.phase(i), fleet.targetHost(i)])).toEqual([
      [1, 100, Phase.Idle, -1],
      [1, 102, Phase.Idle, -1],
    ]);
  });
});
