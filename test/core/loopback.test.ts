import { describe, expect, it } from "vitest";
import { isLoopbackV4 } from "../../src/core/loopback.js";

describe("isLoopbackV4", () => {
  it("accepts dotted addresses inside 127.0.0.0/8 only, whole", () => {
    for (const ok of ["127.0.0.1", "127.255.255.254", "127.10.200.3"]) expect(isLoopbackV4(ok), ok).toBe(true);
    for (const bad of [
      "10.127.0.1",
      "x127.0.0.1",
      "127.0.0.1x",
      "127.0.0.1.5",
      "127.1000.0.1",
      "127.0.1000.1",
      "127.0.0.1000",
      "127.a.0.1",
      "127.0.b.1",
      "127.0.0.c",
      "::1",
      "",
    ]) {
      expect(isLoopbackV4(bad), bad).toBe(false);
    }
  });
});
