// DNS down for the whole boot window: discovery fails (0x800705B4: the server is silent, not a missing name), clients retry after
// their activation interval, and once DNS is back everybody activates.

import { describe, expect, it } from "vitest";
import { expectResultContract, host, runScenario, samplesWithin, sumHostRequests, tempDirs, yaml } from "./helpers.js";

const tmp = tempDirs();
const H = 3600;
const DNS_TIMEOUT_MS = 2000;

describe("DNS is down while the fleet boots", () => {
  const text = yaml(
    "name: dns-outage",
    "seed: 3",
    "duration: 1d",
    "sampleInterval: 1h",
    "hosts:",
    "  - { name: kms1 }",
    "clients:",
    "  - { name: desktops, count: 600, os: win7, product: windows-client, bootSpread: 1h }",
    `network: { dnsTimeout: ${DNS_TIMEOUT_MS / 1000}s }`,
    "events:",
    "  - { at: 0s, dns: down }",
    "  - { at: 3h, dns: up }",
  );

  it("fails discovery with 0x800705B4 (server silent), then activates everybody after `dns: up`", async () => {
    const { result, code } = await runScenario(tmp.make(), { name: "dns-outage", text });
    expect(code).toBe(0);
    expectResultContract(result);

    expect(result.dns.failed).toBeGreaterThan(0);
    expect(result.clients.errors["0x800705B4"] ?? 0).toBeGreaterThan(0);
    expect(result.clients.errors["0x8007232B"] ?? 0, "a silent server is not reported as a missing name").toBe(0);
    expect(result.dns.latencyMs.max, "a failed query costs the DNS timeout").toBeGreaterThanOrEqual(DNS_TIMEOUT_MS);

    // Nobody found a host while DNS was down: no requests, no activation.
    const down = samplesWithin(result, 0, 3 * H);
    expect(down.length).toBe(3);
    for (const s of down) expect(s.activated, `no activation by ${s.t}s`).toBe(0);
    expect(sumHostRequests(down).kms1).toBe(0);

    expect(result.clients.notActivated).toBe(0);
    expect(result.clients.activated).toBe(600);
    expect(host(result, "kms1").requests).toBeGreaterThan(0);
  });
});
