// The Low Activation Count alert fires at count 0 too: a host that lost every client (here
// kms2, crashed for good; its clients failed over and its CMID memory ran out) is the worst
// case, since the next client it gets is told 0xC004F038.
import { describe, expect, it } from "vitest";
import { simulate, host } from "./helpers.js";

const SCENARIO = `
name: low-count-at-zero
seed: 8
duration: 40d
hosts:
  - { name: kms1 }
  - { name: kms2 }
clients:
  - { name: desktops, count: 200, os: win7, bootSpread: 1h }
events:
  - { at: 1d, host: kms2, action: crash }
`;

describe("Low Activation Count at 0", () => {
  it("a host whose count fell to 0 is listed as low; one that never counted a product is not", () => {
    const { result } = simulate(SCENARIO);
    const kms2 = host(result, "kms2");
    expect(kms2.activations).toBeGreaterThan(0);
    expect(kms2.count["windows-client"]).toBe(0);
    expect(kms2.lowCount).toEqual(["windows-client"]);
    // kms1 kept its clients (above the threshold of 25) and never counted a server or Office.
    expect(host(result, "kms1").lowCount).toEqual([]);
  });
});
