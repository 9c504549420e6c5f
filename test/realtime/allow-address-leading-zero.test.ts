// Regression: --allow-address used to take only what node:net's isIPv4 takes, which refuses an
// octet with a leading zero ("010.0.0.1": octal 8.0.0.1 to inet_aton, ping and curl).
// With ranges the entry was read by a digit rule that took "010" as decimal 10, so such
// an entry silently let clients reach 10.0.0.x instead of being refused (exit 2).
import { describe, expect, it } from "vitest";
import { mayConnect, parseAllowEntry } from "../../src/realtime/fleet/address-guard.js";

describe("--allow-address: an octet with a leading zero", () => {
  it.each(["010.0.0.1", "10.0.0.01", "010.244.0.0/16", "00.0.0.0/0"])("is refused: %s", (entry) => {
    expect(parseAllowEntry(entry)).toBeNull();
  });

  it("does not allow the decimal reading of it", () => {
    expect(mayConnect("10.0.0.1", ["010.0.0.1"])).toBe(false);
    expect(mayConnect("10.244.1.2", ["010.244.0.0/16"])).toBe(false);
  });

  it("still takes plain addresses and ranges, zeros included", () => {
    expect(parseAllowEntry("0.0.0.0/0")).not.toBeNull();
    expect(parseAllowEntry("10.0.0.0/8")).not.toBeNull();
    expect(mayConnect("10.0.0.1", ["10.0.0.1"])).toBe(true);
  });
});
