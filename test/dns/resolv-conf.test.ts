import { describe, expect, it } from "vitest";
import { firstNameserver } from "../../src/dns/resolv-conf.js";

describe("firstNameserver", () => {
  it("takes the first IPv4 nameserver line, skipping comments, options and IPv6", () => {
    const text = "# generated\nsearch corp.example\nnameserver ::1\nnameserver 127.0.0.53 # systemd\nnameserver 10.0.0.2\noptions edns0\n";
    expect(firstNameserver(text)).toBe("127.0.0.53");
  });

  it("is null when no IPv4 nameserver is named (or one is malformed)", () => {
    expect(firstNameserver("search x\n")).toBeNull();
    expect(firstNameserver("nameserver 300.1.1.1\n")).toBeNull();
    expect(firstNameserver("#nameserver 127.0.0.1\n")).toBeNull();
  });
});
