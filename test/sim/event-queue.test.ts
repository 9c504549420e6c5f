import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventQueue } from "../../src/sim/event-queue.js";

describe("EventQueue", () => {
  it("pops in time order, equal times first-in first-out", () => {
    const q = new EventQueue(2);
    q.push(5, 1);
    q.push(1, 2);
    q.push(5, 3);
    q.push(3, 4);
    q.push(1, 5);
    const out: number[] = [];
    while (q.size > 0) out.push(q.pop());
    expect(out).toEqual([2, 5, 4, 1, 3]);
  });

  it("peekTime is Infinity when empty", () => {
    expect(new EventQueue().peekTime()).toBe(Infinity);
  });

  it("property: pops equal a stable sort by time, with interleaved pushes", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.boolean()), { maxLength: 300 }), (ops) => {
        const q = new EventQueue(1);
        const model: { t: number; id: number }[] = [];
        const popped: number[] = [];
        const expected: number[] = [];
        ops.forEach(([t, popAfter], id) => {
          q.push(t, id);
          model.push({ t, id });
          if (popAfter) {
            model.sort((a, b) => a.t - b.t || a.id - b.id);
            expected.push(model.shift()!.id);
            popped.push(q.pop());
          }
        });
        model.sort((a, b) => a.t - b.t || a.id - b.id);
        while (q.size > 0) popped.push(q.pop());
        expected.push(...model.map((m) => m.id));
        expect(popped).toEqual(expected);
      }),
    );
  });
});
