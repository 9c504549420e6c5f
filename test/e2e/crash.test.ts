// A crashed host refuses connections until it recovers (README, "Modelling choices"):
// clients fail over to the other host, nothing reaches the crashed one, and the fleet
// still activates. A client whose cached host fails on renewal discovers again.

import { describe, expect, it } from "vitest";
import { expectResultContract, host, runScenario, samplesWithin, sumHostRequests, tempDirs, yaml } from "./helpers.js";

const tmp = tempDirs();
const H = 3600;

describe("a host crashes during the boot spread", () => {
  // Clients boot over 3 h; kmsA is down from 1h to 2h30m. Samples every 30 min line up with both.
  const text = yaml(
    "name: crash-boot",
    "seed: 21",
    "duration: 12h",
    "sampleInterval: 30m",
    "hosts:",
    "  - { name: kmsA, priority: 0, weight: 100 }",
    "  - { name: kmsB, priority: 0, weight: 100 }",
    "clients:",
    "  - { name: desktops, count: 3000, os: win7, product: windows-client, bootSpread: 3h }",
    "events:",
    "  - { at: 1h, host: kmsA, action: crash }",
    "  - { at: 2h30m, host: kmsA, action: recover }",
  );

  it("refuses, clients fail over, and every client still activates", async () => {
    const { result, code } = await runScenario(tmp.make(), { name: "crash-boot", text });
    expect(code).toBe(0);
    expectResultContract(result);

    const during = samplesWithin(result, 1 * H, 2.5 * H);
    expect(during.length).toBe(3);
    for (const s of during) expect(s.hostRequests.kmsA, `kmsA served nothing in the sample ending at ${s.t}s`).toBe(0);
    // The window is meaningful: clients were booting and kmsB served them.
    expect(sumHostRequests(during).kmsB).toBeGreaterThan(0);
    // Before the crash both hosts served.
    expect(sumHostRequests(samplesWithin(result, 0, 1 * H)).kmsA).toBeGreaterThan(0);

    const a = host(result, "kmsA");
    expect(a.refused).toBeGreaterThan(0);
    expect(a.unanswered).toBe(0);
    expect(a.state).toBe("up");
    expect(result.failovers).toBeGreaterThan(0);
    expect(result.rpc.activation.errors["0x800706BA"] ?? 0, "each refusal is an RPC failure").toBeGreaterThan(0);
    expect(result.clients.notActivated).toBe(0);
    expect(result.clients.activated).toBe(3000);
    expect(result.events.filter((e) => e.domain === undefined).map((e) => [e.t, e.target, e.action])).toEqual([
      [1 * H, "kmsA", "crash"],
      [2.5 * H, "kmsA", "recover"],
    ]);
  });
});

/** Two hosts, clients renewing every hour, kmsA down from 4h to 7h. */
function renewalCrash(where: "host" | "client"): string {
  const hostInterval = where === "host" ? ", renewalInterval: 1h" : "";
  const clientInterval = where === "client" ? ", renewalInterval: 1h" : "";
  return yaml(
    `name: crash-renewal-${where}`,
    "seed: 5",
    "duration: 10h",
    "sampleInterval: 1h",
    "hosts:",
    `  - { name: kmsA, priority: 0, weight: 100${hostInterval} }`,
    `  - { name: kmsB, priority: 0, weight: 100${hostInterval} }`,
    "clients:",
    `  - { name: desktops, count: 2000, os: win7, product: windows-client, bootSpread: 1h${clientInterval} }`,
    "events:",
    "  - { at: 4h, host: kmsA, action: crash }",
    "  - { at: 7h, host: kmsA, action: recover }",
  );
}

function expectRenewalCrash(result: Awaited<ReturnType<typeof runScenario>>["result"]): void {
  expectResultContract(result);
  const during = samplesWithin(result, 4 * H, 7 * H);
  expect(during.length).toBe(3);
  for (const s of during) expect(s.hostRequests.kmsA, `kmsA served nothing in the sample ending at ${s.t}s`).toBe(0);
  // Clients renew hourly: there was traffic while kmsA was down, all of it on kmsB.
  expect(sumHostRequests(during).kmsB).toBeGreaterThan(0);
  expect(result.rpc.renewal.sent).toBeGreaterThan(0);
  const a = host(result, "kmsA");
  expect(a.refused).toBeGreaterThan(0);
  expect(result.failovers).toBeGreaterThan(0);
  // The cached host failed on renewal: the client discovers again through DNS.
  expect(result.rediscoveries).toBeGreaterThan(0);
  expect(result.rpc.renewal.errors["0x800706BA"] ?? 0).toBeGreaterThan(0);
  expect(result.clients.notActivated).toBe(0);
  expect(result.clients.licensed).toBe(result.clients.total);
}

describe("a host crashes during renewals", () => {
  it("with the hosts' renewal interval at 1h: renewals fail over and rediscover", async () => {
    const { result, code } = await runScenario(tmp.make(), { name: "crash-renewal-host", text: renewalCrash("host") });
    expect(code).toBe(0);
    expectRenewalCrash(result);
  });

  // design.md: the host's intervals, *when a host sets them*, override the client's own;
  // model.ts: "Host overrides of the client intervals (null: client default)". A host
  // without `renewalInterval` must leave the client group's 1h in force.
  it("with the clients' renewal interval at 1h and none set on the hosts", async () => {
    const { result, code } = await runScenario(tmp.make(), { name: "crash-renewal-client", text: renewalCrash("client") });
    expect(code).toBe(0);
    expect(result.rpc.renewal.sent, "clients renew every hour as their group says").toBeGreaterThan(0);
    expectRenewalCrash(result);
  });
});
