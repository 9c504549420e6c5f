// A host's products as data: the catalog's numbers per product (threshold, CMID memory and
// cache size), a product a scenario adds, the skew limit, and the per-product /dlv books.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Code } from "../../src/core/errors.js";
import { countRequest, KmsHostLogic, newActivationAnswer, newHostCounters } from "../../src/core/host/host-logic.js";
import { ProductBooks } from "../../src/core/host/product-books.js";
import { hostProductTotals } from "../../src/core/host/product-report.js";
import { DAY_MS, DEFAULT_LICENSE_RULES, LicenseStatus, licenseStatusAt } from "../../src/core/license.js";
import { BUILT_IN_PRODUCTS, productIdOf, type ProductRules } from "../../src/core/product.js";

const NOW = 1_000 * DAY_MS;
const LAB: ProductRules = {
  ...BUILT_IN_PRODUCTS[2],
  name: "lab",
  activationId: "5f1e6a2b-0c3d-4e7f-8a9b-1c2d3e4f5a6b",
  threshold: 3,
  cmidCacheSize: 4,
  cmidMemoryMs: DAY_MS,
};
const CATALOG = [...BUILT_IN_PRODUCTS, LAB];
const LAB_ID = 3;

function host(products: string[], extra: { activated?: boolean; kmsEnabled?: boolean; maxClockSkewMs?: number } = {}): KmsHostLogic {
  return new KmsHostLogic({
    products,
    catalog: CATALOG,
    activated: extra.activated ?? true,
    kmsEnabled: extra.kmsEnabled ?? true,
    activationIntervalMs: null,
    renewalIntervalMs: null,
    maxClockSkewMs: extra.maxClockSkewMs,
  });
}

function request(cmid: number, product: number, clientTimeMs = NOW) {
  return { cmid, product, clientTimeMs, renewal: false, status: LicenseStatus.InitialGrace };
}

describe("the built-in products", () => {
  it("are windows-client 25, windows-server 5 and office-2010 5 with the article's Activation ID, ids 0, 1, 2", () => {
    expect(BUILT_IN_PRODUCTS.map((p) => [p.name, p.threshold, p.cmidCacheSize, p.cmidMemoryMs / DAY_MS, p.validityMs / DAY_MS])).toEqual([
      ["windows-client", 25, 50, 30, 180],
      ["windows-server", 5, 10, 30, 180],
      ["office-2010", 5, 10, 30, 180],
    ]);
    expect(BUILT_IN_PRODUCTS[2].activationId).toBe("bfe7a195-4f8f-4f0b-a622-cf13c7d16864");
    expect(productIdOf("office-2010")).toBe(2);
    expect(productIdOf("lab")).toBe(-1);
  });
});

describe("KmsHostLogic with a catalog", () => {
  it("counts a scenario's own product by its threshold, cache size and CMID memory", () => {
    const kms = host(["windows-client", "lab"]);
    const out = newActivationAnswer();
    expect(kms.handle(request(1, LAB_ID), NOW, out).status).toBe(Code.CountInsufficient);
    expect(kms.handle(request(2, LAB_ID), NOW, out).status).toBe(Code.CountInsufficient);
    expect(kms.handle(request(3, LAB_ID), NOW, out)).toMatchObject({ status: 0, count: 3 });
    for (let id = 4; id < 10; id++) kms.handle(request(id, LAB_ID), NOW, out);
    expect(kms.countOf(LAB_ID, NOW)).toBe(4); // cmidCacheSize, not 2 × 3
    expect(kms.countOf(LAB_ID, NOW + DAY_MS)).toBe(4);
    expect(kms.countOf(LAB_ID, NOW + DAY_MS + 1)).toBe(0); // a day's memory
    expect(kms.isLow(LAB_ID, NOW + DAY_MS + 1)).toBe(true);
  });

  it("answers 0xC004F042 for a catalog product outside its licence pack, and for an id outside the catalog", () => {
    const kms = host(["windows-client"]);
    const out = newActivationAnswer();
    expect(kms.handle(request(1, LAB_ID), NOW, out).status).toBe(Code.ProductNotServed);
    expect(kms.handle(request(1, 200), NOW, out).status).toBe(Code.ProductNotServed);
    expect(() => host(["visio"])).toThrow(/unknown product visio/);
  });

  it("rejects a clock beyond its own skew limit, inclusive", () => {
    const kms = host(["lab"], { maxClockSkewMs: 60_000 });
    const out = newActivationAnswer();
    expect(kms.handle(request(1, LAB_ID, NOW + 60_000), NOW, out).status).toBe(Code.CountInsufficient);
    expect(kms.handle(request(2, LAB_ID, NOW - 60_001), NOW, out).status).toBe(Code.ClockSkew);
  });

  it("never keeps more machines than a product's cache size, for any cache size and requests (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 8 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 3 * DAY_MS })), { maxLength: 120 }),
        (threshold, extra, requests) => {
          const rules = { ...LAB, threshold, cmidCacheSize: threshold + extra };
          const kms = new KmsHostLogic({
            products: ["lab"],
            catalog: [...BUILT_IN_PRODUCTS, rules],
            activated: true,
            kmsEnabled: true,
            activationIntervalMs: null,
            renewalIntervalMs: null,
          });
          const out = newActivationAnswer();
          let t = NOW;
          for (const [cmid, dt] of requests) {
            t += dt;
            kms.handle(request(cmid, LAB_ID, t), t, out);
            if (out.count > rules.cmidCacheSize) return false;
            // Success exactly when the count reached the threshold.
            if ((out.status === 0) !== out.count >= threshold) return false;
          }
          return true;
        },
      ),
    );
  });
});

describe("ProductBooks and the /dlv report", () => {
  it("per product: requests by client state, failures by the host's code, a product asked for but not served", () => {
    const kms = host(["windows-client", "lab"], { activated: true });
    const books = new ProductBooks(CATALOG.length);
    const out = newActivationAnswer();
    for (const [cmid, product] of [
      [1, LAB_ID],
      [2, LAB_ID],
      [3, LAB_ID],
      [4, 2], // office-2010: not in this host's pack
    ] as const) {
      kms.handle(request(cmid, product), NOW, out);
      books.count(product, LicenseStatus.InitialGrace, out.status);
    }
    const report = hostProductTotals(kms, books, NOW);
    expect(report.map((p) => [p.name, p.licenseStatus, p.threshold, p.count, p.dlv.total, p.dlv.failed, p.errors])).toEqual([
      ["windows-client", "licensed", 25, 0, 0, 0, {}],
      ["office-2010", "notServed", 0, 0, 1, 1, { "0xC004F042": 1 }],
      ["lab", "licensed", 3, 3, 3, 2, { "0xC004F038": 2 }],
    ]);
    expect(report[2].activationId).toBe(LAB.activationId);
    expect(hostProductTotals(host(["lab"], { activated: false }), books, NOW)[0].licenseStatus).toBe("notActivated");
  });

  it("a host with KMS turned off reports kmsNotEnabled for every product it lists, before any other reason", () => {
    const books = new ProductBooks(CATALOG.length);
    books.count(2, LicenseStatus.InitialGrace, Code.NotEnabled);
    for (const activated of [true, false]) {
      const report = hostProductTotals(host(["lab"], { activated, kmsEnabled: false }), books, NOW);
      expect(report.map((p) => [p.name, p.licenseStatus])).toEqual([
        ["office-2010", "kmsNotEnabled"],
        ["lab", "kmsNotEnabled"],
      ]);
    }
  });

  it("adds up to the host's own /dlv counters, for any requests (property)", () => {
    const status = fc.constantFrom(LicenseStatus.InitialGrace, LicenseStatus.Licensed, LicenseStatus.OutOfToleranceGrace, LicenseStatus.Notification);
    const answer = fc.constantFrom(0, Code.CountInsufficient, Code.ClockSkew, Code.ProductNotServed, Code.HostNotActivated, Code.NotEnabled);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), status, answer), { maxLength: 200 }), (requests) => {
        const books = new ProductBooks(4);
        const all = newHostCounters();
        for (const [product, clientStatus, answerStatus] of requests) {
          books.count(product, clientStatus, answerStatus);
          if (product < 4) countRequest(all, clientStatus, answerStatus);
        }
        const parts = [0, 1, 2, 3].map((id) => books.of(id));
        for (const key of ["total", "failed", "licensed", "initialGrace", "outOfToleranceGrace", "notification"] as const) {
          expect(parts.reduce((sum, p) => sum + p.dlv[key], 0)).toBe(all[key]);
        }
        for (const p of parts) expect(Object.values(p.errors).reduce((a, b) => a + b, 0)).toBe(p.dlv.failed);
      }),
    );
  });
});

describe("ProductBooks exactly", () => {
  it("files each refusal under its own code, keys sorted, an unknown failure code under none; other products untouched", () => {
    const books = new ProductBooks(3);
    const failures = [
      Code.NotEnabled,
      Code.HostNotActivated,
      Code.ProductNotServed,
      Code.ClockSkew,
      Code.CountInsufficient,
      Code.CountInsufficient,
      0x80070005,
    ];
    for (const code of failures) books.count(1, LicenseStatus.Notification, code);
    books.count(1, LicenseStatus.Licensed, 0);
    books.count(1, LicenseStatus.OutOfToleranceGrace, 0);
    books.count(1, LicenseStatus.InitialGrace, 0);
    books.count(0, LicenseStatus.Licensed, 0);
    const { dlv, errors } = books.of(1);
    expect(dlv).toEqual({ total: 10, failed: 7, licensed: 1, initialGrace: 1, outOfToleranceGrace: 1, notification: 7 });
    expect(Object.entries(errors)).toEqual([
      ["0xC004F038", 2],
      ["0xC004F039", 1],
      ["0xC004F041", 1],
      ["0xC004F042", 1],
      ["0xC004F06C", 1],
    ]);
    expect(books.requests(1)).toBe(10);
    expect(books.requests(0)).toBe(1);
    expect(books.of(0).dlv).toEqual({ ...newHostCounters(), total: 1, licensed: 1 });
    expect(books.requests(2)).toBe(0);
    expect(books.of(2)).toEqual({ dlv: newHostCounters(), errors: {} });
  });

  it("an id outside the catalog is counted nowhere and reads as zero", () => {
    const books = new ProductBooks(2);
    for (const id of [-1, 2, 7]) books.count(id, LicenseStatus.Licensed, Code.ClockSkew);
    for (const id of [-1, 2, 7]) {
      expect(books.requests(id)).toBe(0);
      expect(books.of(id)).toEqual({ dlv: newHostCounters(), errors: {} });
    }
    expect([0, 1].map((id) => books.requests(id))).toEqual([0, 0]);
    expect(new ProductBooks(0).requests(0)).toBe(0);
    expect(() => new ProductBooks(-1)).toThrow("ProductBooks: productCount must be an integer >= 0, got -1");
    expect(() => new ProductBooks(1.5)).toThrow("ProductBooks: productCount must be an integer >= 0, got 1.5");
  });
});

describe("licence rules per product", () => {
  it("a product's validity and graces decide the client's status", () => {
    const rules = { validityMs: 10 * DAY_MS, initialGraceMs: 2 * DAY_MS, outOfToleranceGraceMs: DAY_MS };
    expect(licenseStatusAt(2 * DAY_MS - 1, 0, 0, rules)).toBe(LicenseStatus.InitialGrace);
    expect(licenseStatusAt(2 * DAY_MS, 0, 0, rules)).toBe(LicenseStatus.Notification);
    expect(licenseStatusAt(10 * DAY_MS, 0, 10 * DAY_MS, rules)).toBe(LicenseStatus.OutOfToleranceGrace);
    expect(licenseStatusAt(11 * DAY_MS, 0, 10 * DAY_MS, rules)).toBe(LicenseStatus.Notification);
    // The defaults: 30 days of grace either way.
    expect(licenseStatusAt(2 * DAY_MS, 0, 0)).toBe(licenseStatusAt(2 * DAY_MS, 0, 0, DEFAULT_LICENSE_RULES));
    expect(licenseStatusAt(29 * DAY_MS, 0, 0)).toBe(LicenseStatus.InitialGrace);
  });
});
