import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SendWindow } from "../../../src/core/pacing/send-window.js";

describe("SendWindow", () => {
  it("is full at its capacity of young open requests and has room again when one closes", () => {
    const w = new SendWindow(2, 100);
    expect(w.hasRoom(0)).toBe(true);
    const a = w.open(0);
    w.open(1);
    expect(w.young).toBe(2);
    expect(w.hasRoom(2)).toBe(false);
    w.close(a);
    expect(w.young).toBe(1);
    expect(w.hasRoom(2)).toBe(true);
  });

  it("lets a request that stays open past youngMs stop holding its place (a hung host cannot starve the rest)", () => {
    const w = new SendWindow(1, 100);
    const hung = w.open(0);
    expect(w.hasRoom(99.9)).toBe(false);
    expect(w.nextAgeOutMs()).toBe(100);
    expect(w.hasRoom(100)).toBe(true);
    expect(w.young).toBe(0);
    // Its late close changes nothing: it no longer counts.
    w.close(hung);
    expect(w.young).toBe(0);
    expect(w.nextAgeOutMs()).toBe(Infinity);
  });

  it("counts a follow-up opened past the capacity, and closing a token twice counts once", () => {
    const w = new SendWindow(1, 100);
    const a = w.open(0);
    const b = w.open(0);
    expect(w.young).toBe(2);
    w.close(a);
    w.close(a);
    expect(w.young).toBe(1);
    w.close(b);
    expect(w.young).toBe(0);
  });

  it("names the next age-out after the oldest still-open request, skipping closed ones", () => {
    const w = new SendWindow(10, 50);
    const first = w.open(0);
    w.open(20);
    w.close(first);
    expect(w.nextAgeOutMs()).toBe(70);
  });

  it("refuses a capacity or age that cannot work, with the value in the message", () => {
    expect(() => new SendWindow(0, 10)).toThrow("send window capacity must be a whole number ≥ 1, got 0");
    expect(() => new SendWindow(1.5, 10)).toThrow("got 1.5");
    expect(() => new SendWindow(4, 0)).toThrow("send window youngMs must be > 0, got 0");
  });

  it("agrees with a plain list model for any sequence of opens, closes and checks (ring growth included)", () => {
    type Step = { kind: "open"; dtMs: number } | { kind: "close"; pick: number } | { kind: "check"; dtMs: number };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constant("open" as const), dtMs: fc.integer({ min: 0, max: 30 }) }),
      fc.record({ kind: fc.constant("close" as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant("check" as const), dtMs: fc.integer({ min: 0, max: 30 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 120 }), fc.array(step, { maxLength: 400 }), (capacity, youngMs, steps) => {
        const w = new SendWindow(capacity, youngMs);
        const open: { token: number; atMs: number }[] = [];
        let nowMs = 0;
        const modelYoung = (): number => open.filter((r) => r.atMs > nowMs - youngMs).length;
        for (const s of steps) {
          if (s.kind === "open") {
            nowMs += s.dtMs;
            open.push({ token: w.open(nowMs), atMs: nowMs });
          } else if (s.kind === "close") {
            if (open.length === 0) continue;
            const [r] = open.splice(s.pick % open.length, 1);
            w.close(r.token);
          } else {
            nowMs += s.dtMs;
            expect(w.hasRoom(nowMs)).toBe(modelYoung() < capacity);
            expect(w.young).toBe(modelYoung());
            const young = open.filter((r) => r.atMs > nowMs - youngMs);
            expect(w.nextAgeOutMs()).toBe(young.length === 0 ? Infinity : Math.min(...young.map((r) => r.atMs)) + youngMs);
          }
        }
      }),
    );
  });
});
