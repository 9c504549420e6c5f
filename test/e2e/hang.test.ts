// A hung host accepts connections and never answers (README, "Modelling choices"): the
// client times out after rpcTimeout (0x800706BA), fails over, and the timeout shows in
// the latency, which is measured from when each request was due.

import { describe, expect, it } from "vitest";
import { expectResultContract, host, runScenario, samplesWithin, sumHostRequests, tempDirs, yaml } from "./helpers.js";

const tmp = tempDirs();
const H = 3600;
const RPC_TIMEOUT_MS = 5000;

describe("a host hangs during the boot spread", () => {
  const text = yaml(
    "name: hang-boot",
    "seed: 9",
    "duration: 1d",
    "sampleInterval: 30m",
    "hosts:",
    "  - { name: kmsA, priority: 0, weight: 100 }",
    "  - { name: kmsB, priority: 0, weight: 100 }",
    "clients:",
    "  - { name: desktops, count: 2000, os: win7, product: windows-client, bootSpread: 2h }",
    `network: { rpcTimeout: ${RPC_TIMEOUT_MS / 1000}s }`,
    "events:",
    "  - { at: 30m, host: kmsA, action: hang }",
    "  - { at: 3h, host: kmsA, action: recover }",
  );

  it("times clients out, they fail over, and the timeout shows in the latency", async () => {
    const { result, code } = await runScenario(tmp.make(), { name: "hang-boot", text });
    expect(code).toBe(0);
    expectResultContract(result);

    const a = host(result, "kmsA");
    expect(a.unanswered).toBeGreaterThan(0);
    expect(a.refused).toBe(0);
    expect(result.rpc.activation.errors["0x800706BA"] ?? 0).toBeGreaterThan(0);
    expect(result.failovers).toBeGreaterThan(0);

    // Latency counts from the due time: a timed-out request took the whole rpcTimeout…
    expect(result.rpc.activation.latencyMs.max).toBeGreaterThanOrEqual(RPC_TIMEOUT_MS);
    // …and no single RPC waits longer than that (HdrHistogram: at most 0.1 % high).
    expect(result.rpc.activation.latencyMs.max).toBeLessThanOrEqual(RPC_TIMEOUT_MS * 1.001);

    // A hung host serves nothing while hung; kmsB carried the boot wave.
    const during = samplesWithin(result, 0.5 * H, 3 * H);
    expect(during.length).toBe(5);
    for (const s of during) expect(s.hostRequests.kmsA, `kmsA served nothing in the sample ending at ${s.t}s`).toBe(0);
    expect(sumHostRequests(during).kmsB).toBeGreaterThan(0);

    expect(result.clients.notActivated).toBe(0);
  });
});
