// The scenario's products: the built-in three with their documented numbers, settings per
// product, products a scenario adds, and the licence pack hosts serve.

import { describe, expect, it } from "vitest";
import { validateMetricPath } from "../../src/results/result-metrics.js";
import { errorAt, loadErrors, loadOk, yaml } from "./helpers.js";

const DAY = 86_400_000;
const OFFICE_ID = "bfe7a195-4f8f-4f0b-a622-cf13c7d16864";

describe("products", () => {
  it("without a products list: the three built-in products, every host serves them all", () => {
    const s = loadOk(yaml("hosts: [{name: kms1}]", "clients: [{name: c, count: 1}]"));
    expect(s.products.map((p) => [p.name, p.threshold, p.cmidCacheSize, p.activationId])).toEqual([
      ["windows-client", 25, 50, null],
      ["windows-server", 5, 10, null],
      ["office-2010", 5, 10, OFFICE_ID],
    ]);
    expect(s.hosts[0].products).toEqual(["windows-client", "windows-server", "office-2010"]);
    expect(s.hosts[0].maxClockSkewMs).toBe(4 * 3_600_000);
  });

  it("settings of a built-in product, a product of its own, hosts' licence packs and skew limits", () => {
    const s = loadOk(
      yaml(
        "products:",
        "  - {name: windows-client, threshold: 10, cmidMemory: 10d, validity: 90d, initialGrace: 5d, outOfToleranceGrace: 1d}",
        "  - {name: office-2010, cmidCacheSize: 7}",
        "  - {name: visio, activationId: 0D4A1B2C-1111-2222-3333-444455556666, threshold: 3}",
        "hosts:",
        "  - {name: kms1, maxClockSkew: 1h}",
        "  - {name: kms2, products: [visio]}",
        "clients: [{name: c, count: 1, product: visio}]",
      ),
    );
    expect(s.products[0]).toMatchObject({
      threshold: 10,
      cmidCacheSize: 20,
      cmidMemoryMs: 10 * DAY,
      validityMs: 90 * DAY,
      initialGraceMs: 5 * DAY,
      outOfToleranceGraceMs: DAY,
    });
    // A cache size alone keeps the threshold; office keeps its other defaults.
    expect(s.products[2]).toMatchObject({ name: "office-2010", threshold: 5, cmidCacheSize: 7, cmidMemoryMs: 30 * DAY, validityMs: 180 * DAY });
    // An added product: lower-case ID, 2 × threshold cache, the default licence numbers.
    expect(s.products[3]).toMatchObject({
      name: "visio",
      activationId: "0d4a1b2c-1111-2222-3333-444455556666",
      threshold: 3,
      cmidCacheSize: 6,
      validityMs: 180 * DAY,
    });
    expect(s.hosts.map((h) => h.products)).toEqual([["windows-client", "windows-server", "office-2010", "visio"], ["visio"]]);
    expect(s.hosts[0].maxClockSkewMs).toBe(3_600_000);
  });

  it("reports every product problem at once, each at its key", () => {
    const errors = loadErrors(
      yaml(
        "products:",
        "  - {name: lab}",
        "  - {name: office-2010, cmidCacheSize: 4}",
        "  - {name: office-2010}",
        `  - {name: copy, activationId: ${OFFICE_ID}, threshold: 2}`,
        "  - {name: bad.name, activationId: nope, threshold: 0, validity: 0}",
        "hosts: [{name: kms1, products: [windows-clinet]}]",
        "clients: [{name: c, count: 1, product: lab2}]",
      ),
    );
    expect(errors.filter((e) => e.path === "products[0]").map((e) => e.message)).toEqual([
      expect.stringMatching(/'lab' is not built in .*needs activationId/),
      expect.stringMatching(/'lab' is not built in .*needs threshold/),
    ]);
    expect(errorAt(errors, "products[1].cmidCacheSize").message).toBe("4 is below the threshold 5: the host's count could never reach it");
    expect(errorAt(errors, "products[2].name").message).toMatch(/duplicate product name 'office-2010'/);
    expect(errorAt(errors, "products[3].activationId").message).toBe(`Activation ID ${OFFICE_ID} already belongs to 'office-2010'`);
    expect(errorAt(errors, "products[4].name").message).toMatch(/expected a product name/);
    expect(errorAt(errors, "products[4].activationId").message).toMatch(/expected an Activation ID, a GUID/);
    expect(errorAt(errors, "products[4].threshold").message).toMatch(/expected an integer 1\.\.50000, got 0/);
    expect(errorAt(errors, "products[4].validity").message).toMatch(/expected a duration > 0/);
    expect(errorAt(errors, "hosts[0].products[0]").message).toMatch(
      /expected one of windows-client, .*lab.*, got "windows-clinet" \(did you mean 'windows-client'\?\)/,
    );
    expect(errorAt(errors, "clients[0].product").message).toMatch(/got "lab2" \(did you mean 'lab'\?\)/);
  });

  it("threshold paths know the scenario's own products, under count and under products", () => {
    const text = (metric: string): string =>
      yaml(
        "products: [{name: visio, activationId: 0d4a1b2c-1111-2222-3333-444455556666, threshold: 3}]",
        "hosts: [{name: kms1}]",
        "clients: [{name: c, count: 1}]",
        `thresholds: [{metric: ${metric}, gt: 0}]`,
      );
    const options = { validateMetric: validateMetricPath };
    for (const metric of [
      "hosts.kms1.count.visio",
      "hosts.kms1.products.visio.count",
      "hosts.kms1.products.office-2010.dlv.failed",
      "hosts.kms1.products.visio.errors.0xC004F038",
    ]) {
      loadOk(text(metric), "t.yaml", options);
    }
    expect(errorAt(loadErrors(text("hosts.kms1.products.visoi.count"), "t.yaml", options), "thresholds[0].metric").message).toMatch(
      /unknown product 'visoi' in 'hosts.kms1.products' .*did you mean 'visio'/,
    );
  });
});
