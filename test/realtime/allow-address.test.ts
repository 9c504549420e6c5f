// --allow-address takes single IPv4 addresses and ranges (a cluster's pod network); an
// address is allowed when it is loopback, named, or inside a named range.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isUnspecified, mayConnect, parseAllowEntry, scenarioDestinationProblem } from "../../src/realtime/fleet/address-guard.js";

const toValue = (address: string): number => address.split(".").reduce((v, p) => v * 256 + Number(p), 0);

describe("--allow-address ranges", () => {
  it("an address is allowed exactly when its first `bits` bits are the range's", () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.ipV4(), fc.integer({ min: 0, max: 32 }), (address, network, bits) => {
        const sameBits = bits === 0 || toValue(address) >>> (32 - bits) === toValue(network) >>> (32 - bits);
        // 0.0.0.0/8 means "any address": never a destination, even inside an allowed range.
        expect(mayConnect(address, [`${network}/${bits}`])).toBe(!address.startsWith("0.") && (address.startsWith("127.") || sameBits));
      }),
    );
  });

  it("reads the examples a user writes", () => {
    expect(mayConnect("10.244.3.7", ["10.244.0.0/16"])).toBe(true);
    expect(mayConnect("10.245.0.1", ["10.244.0.0/16"])).toBe(false);
    expect(mayConnect("192.0.2.10", ["192.0.2.10"])).toBe(true);
    expect(mayConnect("192.0.2.11", ["192.0.2.10/32"])).toBe(false);
    expect(mayConnect("8.8.8.8", [])).toBe(false);
  });

  it.each(["10.0.0.0/33", "10.0.0/8", "256.1.1.1", "host.example", "10.0.0.1/", "::1"])("rejects %s", (entry) => {
    expect(parseAllowEntry(entry)).toBeNull();
  });
});

// Issue 12: the rule covers every address kmssim sends to, the scenario's dns.server too;
// 0.0.0.0/8 and :: mean "any address" and are never a destination, whatever is allowed.
const allowListArb = fc.array(
  fc.oneof(
    fc.ipV4(),
    fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([a, bits]) => `${a}/${bits}`),
  ),
  { maxLength: 4 },
);

describe("the loopback rule for every destination", () => {
  it("0.0.0.0/8 is never connected to, whatever --allow-address names (0.0.0.0/0 included)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xff_ffff }), allowListArb, (low, allowed) => {
        const address = `0.${(low >>> 16) & 255}.${(low >>> 8) & 255}.${low & 255}`;
        expect(isUnspecified(address)).toBe(true);
        expect(mayConnect(address, [...allowed, "0.0.0.0/0", address])).toBe(false);
        expect(scenarioDestinationProblem("dns.server", address, [...allowed, "0.0.0.0/0"])).toMatch(/^dns\.server: .* means "any address"/);
      }),
    );
  });

  it("a scenario's dns.server is refused exactly when clients could not connect there, naming the key, the address and the flag", () => {
    fc.assert(
      fc.property(fc.ipV4(), allowListArb, (address, allowed) => {
        const problem = scenarioDestinationProblem("dns.server", address, allowed);
        expect(problem === null).toBe(mayConnect(address, allowed));
        if (problem !== null) {
          expect(problem.startsWith("dns.server: ")).toBe(true);
          expect(problem).toContain(address);
          expect(problem).toContain("--allow-address");
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("loopback always passes; without --allow-address nothing else does", () => {
    fc.assert(
      fc.property(fc.ipV4(), (address) => {
        const loopback = address.startsWith("127.");
        expect(scenarioDestinationProblem("dns.server", address, []) === null).toBe(loopback);
      }),
    );
  });

  it("reads IPv6 and names", () => {
    for (const ok of ["::1", "[::1]", "0:0:0:0:0:0:0:1", "127.0.0.53"]) expect(scenarioDestinationProblem("dns.server", ok, [])).toBeNull();
    for (const any of ["::", "[::]", "0:0:0:0:0:0:0:0", "0.0.0.0"]) {
      expect(isUnspecified(any)).toBe(true);
      expect(scenarioDestinationProblem("dns.server", any, ["0.0.0.0/0"])).toMatch(/means "any address"/);
    }
    expect(scenarioDestinationProblem("dns.server", "2001:db8::53", [])).toMatch(/IPv4 only/);
    expect(scenarioDestinationProblem("dns.server", "dns.corp.example", [])).toMatch(/is a name/);
    expect(scenarioDestinationProblem("dns.server", "192.0.2.53", [])).toMatch(/--allow-address 192\.0\.2\.53/);
    expect(scenarioDestinationProblem("dns.server", "192.0.2.53", ["192.0.2.0/24"])).toBeNull();
  });
});
