import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatTick, linearScale, logAxis, logScale, niceAxis, percentileTickLabel, percentileToX, timeAxis, xToPercentile } from "../../src/report/scales.js";

describe("scales", () => {
  it("linearScale maps the domain's ends onto the range's ends, also inverted (SVG y grows down)", () => {
    const y = linearScale([0, 200], [300, 20]);
    expect(y(0)).toBe(300);
    expect(y(200)).toBe(20);
    expect(y(100)).toBe(160);
    expect(linearScale([5, 5], [10, 90])(5)).toBe(10);
  });

  it("niceAxis: for any maximum, ticks start at 0, are evenly spaced 1/2/5×10^k and the top covers the maximum", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e12, noNaN: true }), (max) => {
        const axis = niceAxis(max, 5);
        expect(axis.max).toBeGreaterThanOrEqual(max * (1 - 1e-9));
        expect(axis.ticks[0]).toBe(0);
        expect(axis.ticks[axis.ticks.length - 1]).toBeCloseTo(axis.max, 6);
        expect(axis.ticks.length).toBeGreaterThanOrEqual(2);
        expect(axis.ticks.length).toBeLessThanOrEqual(12);
        const step = axis.ticks[1];
        const mantissa = step / 10 ** Math.floor(Math.log10(step));
        expect([1, 2, 5, 10].some((m) => Math.abs(mantissa - m) < 1e-6)).toBe(true);
        axis.ticks.forEach((t, k) => expect(t).toBeCloseTo(k * step, 6));
      }),
    );
    expect(niceAxis(0)).toEqual({ max: 1, ticks: [0, 0.5, 1] });
    // Subnormal and tiny maxima (toFixed cannot print their ticks) get the 0..1 axis, never a throw or NaN.
    for (const tiny of [5e-324, 1e-300, 1e-12]) expect(niceAxis(tiny)).toEqual({ max: 1, ticks: [0, 0.5, 1] });
    expect(niceAxis(18.08, 5)).toEqual({ max: 20, ticks: [0, 5, 10, 15, 20] });
  });

  it("the percentile axis puts each nine one step further: 0 %, 90 %, 99 %, 99.9 %", () => {
    expect(percentileToX(0)).toBe(0);
    expect(percentileToX(90)).toBeCloseTo(1, 12);
    expect(percentileToX(99)).toBeCloseTo(2, 12);
    expect(percentileToX(99.9)).toBeCloseTo(3, 12);
    expect(percentileToX(100)).toBe(Number.POSITIVE_INFINITY);
    expect([0, 1, 2, 3, 4, 5].map(percentileTickLabel)).toEqual(["0%", "90%", "99%", "99.9%", "99.99%", "99.999%"]);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 99.9999, noNaN: true }), (p) => {
        expect(xToPercentile(percentileToX(p))).toBeCloseTo(p, 6);
      }),
    );
  });

  it("timeAxis picks the unit from the span", () => {
    expect(timeAxis(90 * 86_400, 10).ticks.map((t) => t.label)).toEqual(["0d", "10d", "20d", "30d", "40d", "50d", "60d", "70d", "80d", "90d"]);
    expect(timeAxis(12 * 3600).ticks[1].label).toMatch(/h$/);
    expect(timeAxis(300).ticks[1].label).toMatch(/m$/);
    expect(timeAxis(30).ticks[1].label).toMatch(/s$/);
    const axis = timeAxis(14 * 86_400, 10);
    expect(axis.maxSeconds).toBeGreaterThanOrEqual(14 * 86_400);
  });

  it("logAxis covers the values with whole decades; logScale puts each decade at the same distance", () => {
    expect(logAxis(0.25, 5000)).toEqual({ min: 0.1, max: 10_000, ticks: [0.1, 1, 10, 100, 1000, 10_000] });
    expect(logAxis(1, 10).ticks).toEqual([1, 10]);
    expect(logAxis(0, 2).ticks[0]).toBe(0.001);
    const y = logScale([0.1, 10_000], [300, 0]);
    expect(y(0.1)).toBe(300);
    expect(y(10_000)).toBeCloseTo(0, 9);
    expect(y(10) - y(100)).toBeCloseTo(y(1000) - y(10_000), 9);
    expect(y(0)).toBe(300);
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 1e7, noNaN: true }), fc.double({ min: 1, max: 1e4, noNaN: true }), (low, factor) => {
        const axis = logAxis(low, low * factor);
        expect(axis.min).toBeLessThanOrEqual(low * (1 + 1e-9));
        expect(axis.max).toBeGreaterThanOrEqual(low * factor * (1 - 1e-9));
      }),
    );
  });

  it("formatTick shortens big numbers", () => {
    expect(formatTick(0)).toBe("0");
    expect(formatTick(2.5)).toBe("2.5");
    expect(formatTick(6000)).toBe("6000");
    expect(formatTick(60_000)).toBe("60k");
    expect(formatTick(2_000_000)).toBe("2M");
  });
});
