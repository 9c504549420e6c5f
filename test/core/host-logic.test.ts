import { describe, expect, it } from "vitest";
import { Code } from "../../src/core/errors.js";
import { KmsHostLogic, newActivationAnswer, type ActivationRequest, type HostConfig } from "../../src/core/host/host-logic.js";
import { ACTIVATION_THRESHOLD, MAX_CLOCK_SKEW_MS } from "../../src/core/host/thresholds.js";
import { DAY_MS, DEFAULT_ACTIVATION_INTERVAL_MS, DEFAULT_RENEWAL_INTERVAL_MS, LicenseStatus } from "../../src/core/license.js";
import { productIdOf } from "../../src/core/product.js";
import type { Product } from "../../src/scenario/model.js";

const NOW = 1_000 * DAY_MS;

function host(overrides: Partial<HostConfig> = {}): KmsHostLogic {
  return new KmsHostLogic({
    products: ["windows-client", "windows-server", "office-2010"],
    activated: true,
    kmsEnabled: true,
    activationIntervalMs: null,
    renewalIntervalMs: null,
    ...overrides,
  });
}

function req(cmid: number | string, product: Product = "windows-client", extra: Partial<ActivationRequest> = {}): ActivationRequest {
  return { cmid, product: id(product), clientTimeMs: NOW, renewal: false, status: LicenseStatus.InitialGrace, ...extra };
}

/** A built-in product's catalog id. */
function id(product: Product): number {
  return productIdOf(product);
}

describe("KmsHostLogic", () => {
  it("has the documented thresholds", () => {
    expect(ACTIVATION_THRESHOLD).toEqual({ "windows-client": 25, "windows-server": 5, "office-2010": 5 });
    expect(MAX_CLOCK_SKEW_MS).toBe(4 * 3_600_000);
  });

  it("windows-client: 24 distinct clients get 0xC004F038, the 25th succeeds, then everyone does", () => {
    const kms = host();
    const out = newActivationAnswer();
    for (let id = 1; id <= 24; id++) {
      kms.handle(req(id), NOW, out);
      expect(out.status).toBe(Code.CountInsufficient);
      expect(out.count).toBe(id);
    }
    // The same machine again does not raise the count.
    expect(kms.handle(req(24), NOW, out)).toMatchObject({ status: Code.CountInsufficient, count: 24 });
    expect(kms.handle(req(25), NOW, out)).toMatchObject({ status: 0, count: 25 });
    expect(kms.handle(req(1), NOW, out)).toMatchObject({ status: 0, count: 25 });
  });

  it.each(["windows-server", "office-2010"] as const)("%s: 4 clients fail, the 5th succeeds", (product) => {
    const kms = host();
    const out = newActivationAnswer();
    for (let id = 1; id <= 4; id++) expect(kms.handle(req(id, product), NOW, out).status).toBe(Code.CountInsufficient);
    expect(kms.handle(req(5, product), NOW, out)).toMatchObject({ status: 0, count: 5 });
    // Products are counted separately.
    expect(kms.countOf(id("windows-client"), NOW)).toBe(0);
  });

  it("keeps at most 2 × threshold machines per product and forgets them after 30 days", () => {
    const kms = host();
    const out = newActivationAnswer();
    for (let id = 0; id < 60; id++) kms.handle(req(id), NOW, out);
    expect(out.count).toBe(50);
    expect(kms.countOf(id("windows-client"), NOW + 30 * DAY_MS)).toBe(50);
    expect(kms.countOf(id("windows-client"), NOW + 30 * DAY_MS + 1)).toBe(0);
  });

  it("accepts a clock difference of exactly 4 h and rejects 4 h + 1 ms, without counting it", () => {
    const kms = host({ thresholds: { "windows-server": 1 } });
    const out = newActivationAnswer();
    const skewed = (id: number, deltaMs: number) => req(id, "windows-server", { clientTimeMs: NOW + deltaMs });
    expect(kms.handle(skewed(1, MAX_CLOCK_SKEW_MS + 1), NOW, out)).toMatchObject({ status: Code.ClockSkew, count: 0 });
    expect(kms.handle(skewed(2, -MAX_CLOCK_SKEW_MS - 1), NOW, out).status).toBe(Code.ClockSkew);
    expect(kms.countOf(id("windows-server"), NOW)).toBe(0);
    expect(kms.handle(skewed(3, MAX_CLOCK_SKEW_MS), NOW, out)).toMatchObject({ status: 0, count: 1 });
    expect(kms.handle(skewed(4, -MAX_CLOCK_SKEW_MS), NOW, out)).toMatchObject({ status: 0, count: 2 });
    // A rejected request reports the current count.
    expect(kms.handle(skewed(5, 5 * 3_600_000), NOW, out)).toMatchObject({ status: Code.ClockSkew, count: 2 });
    expect(kms.handle(skewed(6, NaN), NOW, out).status).toBe(Code.ClockSkew);
  });

  it("answers 0xC004F042 for a product it does not serve, without counting", () => {
    const kms = host({ products: ["windows-server"] });
    const out = newActivationAnswer();
    expect(kms.handle(req(1, "windows-client"), NOW, out)).toMatchObject({ status: Code.ProductNotServed, count: 0 });
    expect(kms.countOf(id("windows-client"), NOW)).toBe(0);
    expect(kms.counts(NOW)).toEqual({ "windows-server": 0 });
    // The product check comes before the clock check.
    expect(kms.handle(req(1, "office-2010", { clientTimeMs: 0 }), NOW, out).status).toBe(Code.ProductNotServed);
  });

  it("checks in order: not enabled, then not activated, then product", () => {
    const out = newActivationAnswer();
    const r = req(1, "office-2010", { clientTimeMs: 0 });
    expect(host({ kmsEnabled: false, activated: false, products: [] }).handle(r, NOW, out).status).toBe(Code.NotEnabled);
    expect(host({ activated: false, products: [] }).handle(r, NOW, out).status).toBe(Code.HostNotActivated);
    expect(host({ products: [] }).handle(r, NOW, out).status).toBe(Code.ProductNotServed);
    expect(host().handle(r, NOW, out).status).toBe(Code.ClockSkew);
    const disabled = host({ kmsEnabled: false });
    disabled.handle(req(1), NOW, out);
    expect(out.count).toBe(0);
    expect(disabled.countOf(id("windows-client"), NOW)).toBe(0);
  });

  it("counts every request in total and by the client's license state; failures in failed", () => {
    const kms = host({ thresholds: { "windows-client": 2 } });
    const out = newActivationAnswer();
    kms.handle(req(1, "windows-client", { status: LicenseStatus.InitialGrace }), NOW, out); // 0xC004F038
    kms.handle(req(2, "windows-client", { status: LicenseStatus.Licensed, renewal: true }), NOW, out); // ok
    kms.handle(req(3, "windows-client", { status: LicenseStatus.Licensed }), NOW, out); // ok
    kms.handle(req(4, "windows-client", { status: LicenseStatus.OutOfToleranceGrace, clientTimeMs: 0 }), NOW, out); // skew
    kms.handle(req(5, "windows-client", { status: LicenseStatus.Notification }), NOW, out); // ok
    expect(kms.counters).toEqual({
      total: 5,
      failed: 2,
      licensed: 2,
      initialGrace: 1,
      outOfToleranceGrace: 1,
      notification: 1,
    });
    const off = host({ kmsEnabled: false });
    off.handle(req(1), NOW, out);
    expect(off.counters).toMatchObject({ total: 1, failed: 1, initialGrace: 1 });
  });

  it("sends the client defaults, or the host's own intervals, in every answer", () => {
    const out = newActivationAnswer();
    host().handle(req(1), NOW, out);
    expect(out.activationIntervalMs).toBe(DEFAULT_ACTIVATION_INTERVAL_MS);
    expect(out.renewalIntervalMs).toBe(DEFAULT_RENEWAL_INTERVAL_MS);
    const custom = host({ activationIntervalMs: 60 * 60_000, renewalIntervalMs: DAY_MS });
    for (const r of [req(1), req(2, "windows-server"), req(3, "office-2010", { clientTimeMs: 0 })]) {
      custom.handle(r, NOW, out);
      expect(out.activationIntervalMs).toBe(60 * 60_000);
      expect(out.renewalIntervalMs).toBe(DAY_MS);
    }
    expect(() => host({ activationIntervalMs: 0 })).toThrow(RangeError);
    expect(() => host({ renewalIntervalMs: -5 })).toThrow(RangeError);
  });

  it("refuses a config it cannot serve, naming the setting and the value", () => {
    expect(() => host({ activationIntervalMs: 0 })).toThrow("KmsHostLogic: activationIntervalMs must be > 0, got 0");
    expect(() => host({ renewalIntervalMs: -5 })).toThrow("KmsHostLogic: renewalIntervalMs must be > 0, got -5");
    expect(() => host({ renewalIntervalMs: Infinity })).toThrow("KmsHostLogic: renewalIntervalMs must be > 0, got Infinity");
    expect(() => host({ activationIntervalMs: Number.NaN })).toThrow("KmsHostLogic: activationIntervalMs must be > 0, got NaN");
    expect(() => host({ maxClockSkewMs: -1 })).toThrow("KmsHostLogic: maxClockSkewMs must be >= 0, got -1");
    expect(() => host({ maxClockSkewMs: Number.NaN })).toThrow("KmsHostLogic: maxClockSkewMs must be >= 0, got NaN");
    expect(() => host({ products: ["windows-client", "visio" as Product] })).toThrow("KmsHostLogic: unknown product visio");
    // The edges are accepted: no skew allowed at all, the smallest interval.
    expect(host({ maxClockSkewMs: 0, activationIntervalMs: 1 }).maxClockSkewMs).toBe(0);
  });

  it("decides a renewal exactly like an activation", () => {
    const a = host();
    const b = host();
    const outA = newActivationAnswer();
    const outB = newActivationAnswer();
    for (let id = 0; id < 30; id++) {
      a.handle(req(id), NOW, outA);
      b.handle(req(id, "windows-client", { renewal: true }), NOW, outB);
      expect(outB).toEqual(outA);
    }
  });

  it("writes into and returns the given answer object", () => {
    const out = newActivationAnswer();
    expect(host().handle(req(1), NOW, out)).toBe(out);
  });

  it("reports counts in config order and the products below threshold", () => {
    const kms = host({ products: ["office-2010", "windows-client", "office-2010"] });
    expect(kms.products).toEqual(["office-2010", "windows-client"]);
    const out = newActivationAnswer();
    for (let id = 0; id < 5; id++) kms.handle(req(id, "office-2010"), NOW, out);
    kms.handle(req(99, "windows-client"), NOW, out);
    expect(Object.keys(kms.counts(NOW))).toEqual(["office-2010", "windows-client"]);
    expect(kms.counts(NOW)).toEqual({ "office-2010": 5, "windows-client": 1 });
    expect(kms.lowCountProducts(NOW)).toEqual(["windows-client"]);
    // Every count expired: a host that lost all its clients is the worst low count (the
    // next client gets 0xC004F038), so the alert fires at 0 for every product it counted.
    expect(kms.counts(NOW + 31 * DAY_MS)).toEqual({ "office-2010": 0, "windows-client": 0 });
    expect(kms.lowCountProducts(NOW + 31 * DAY_MS)).toEqual(["office-2010", "windows-client"]);
    // A product never asked for here raises nothing.
    expect(host({ products: ["office-2010", "windows-client"] }).lowCountProducts(NOW)).toEqual([]);
    expect(kms.thresholdFor(id("windows-client"))).toBe(25);
    expect(kms.thresholdFor(id("windows-server"))).toBeUndefined();
  });

  it("takes threshold, memory and skew overrides", () => {
    const kms = host({ thresholds: { "windows-client": 3 }, cmidMemoryMs: 1000, maxClockSkewMs: 10 });
    const out = newActivationAnswer();
    kms.handle(req(1, "windows-client", { clientTimeMs: 0 }), 0, out);
    kms.handle(req(2, "windows-client", { clientTimeMs: -10 }), 0, out);
    expect(kms.handle(req(3, "windows-client", { clientTimeMs: 10 }), 0, out)).toMatchObject({ status: 0, count: 3 });
    expect(kms.handle(req(4, "windows-client", { clientTimeMs: 11 }), 0, out).status).toBe(Code.ClockSkew);
    expect(kms.countOf(id("windows-client"), 1001)).toBe(0);
  });
});
