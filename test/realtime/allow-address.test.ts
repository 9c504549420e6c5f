// --allow-address takes single IPv4 addresses and ranges (a cluster's pod network); an
// address is allowed when it is loopback, named, or inside a named range.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mayConnect, parseAllowEntry } from "../../src/realtime/fleet/address-guard.js";

const toValue = (address: string): number => address.split(".").reduce((v, p) => v * 256 + Number(p), 0);

describe("--allow-address ranges", () => {
  it("an address is allowed exactly when its first `bits` bits are the range's", () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.ipV4(), fc.integer({ min: 0, max: 32 }), (address, network, bits) => {
        const sameBits = bits === 0 || toValue(address) >>> (32 - bits) === toValue(network) >>> (32 - bits);
        expect(mayConnect(address, [`${network}/${bits}`])).toBe(address.startsWith("127.") || sameBits);
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
