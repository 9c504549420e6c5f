// The embedded server's run key is random per run: the seed is public (it is in the
// scenario and the result), so a key derived from it lets anyone forge signed updates.
import { describe, expect, it } from "vitest";
import { deriveSeed, Mulberry32 } from "../../src/core/rng.js";
import { EmbeddedDnsServer } from "../../src/dns/dns-server.js";
import { keyForRun, RUN_KEY_NAME } from "../../src/dns/run-key.js";
import { TsigErrorCode, type TsigKey } from "../../src/dns/tsig.js";
import { publishChanges, sendDnsUpdate } from "../../src/dns/update-client.js";
import { DnsZone } from "../../src/dns/zone.js";
import { scenarioFrom } from "../sim/helpers.js";

const SCENARIO = `
name: run-key
seed: 42
mode: realtime
duration: 1h
hosts: [ { name: kms1 } ]
clients: [ { name: c, count: 1 } ]
`;

/** The derivation kmssim used before: anyone who knows the seed can compute it. */
function seedDerivedKey(seed: number): TsigKey {
  const rng = new Mulberry32(deriveSeed(seed, 0x7d00_0000));
  const secret = Buffer.alloc(32);
  for (let k = 0; k < secret.length; k++) secret[k] = Math.floor(rng.next() * 256);
  return { name: RUN_KEY_NAME, algorithm: "hmac-sha256", secret };
}

describe("the embedded DNS server's run key", () => {
  it("differs between two runs of the same scenario and seed", () => {
    const scenario = scenarioFrom(SCENARIO);
    const first = keyForRun(scenario)!;
    const second = keyForRun(scenario)!;
    expect(first.name).toBe(RUN_KEY_NAME);
    expect(first.secret.length).toBe(32);
    expect(first.secret.equals(second.secret)).toBe(false);
    expect(first.secret.equals(seedDerivedKey(42).secret)).toBe(false);
  });

  it("refuses an update signed with the key the seed would give (NOTAUTH, BADSIG)", async () => {
    const scenario = scenarioFrom(SCENARIO);
    const zone = new DnsZone(["corp.example"]);
    const server = new EmbeddedDnsServer({ zone, keys: [keyForRun(scenario)!] });
    await server.start();
    try {
      const rogue = { target: "rogue.corp.example", address: "127.0.0.99", port: 1688, priority: 0, weight: 100, ttlSeconds: 60 };
      const outcome = await sendDnsUpdate(server.address, "corp.example", publishChanges("corp.example", rogue), { key: seedDerivedKey(42), timeoutMs: 2000 });
      expect(outcome.rcodeName).toBe("NOTAUTH");
      expect(outcome.tsigError).toBe(TsigErrorCode.BADSIG);
      expect(zone.listSrv()).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});
