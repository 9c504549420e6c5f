import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventHeap } from "../../src/queue/event-heap.js";
import { EventQueue } from "../../src/queue/event-queue.js";

type Queue = { push(t: number, p: number): void; pop(): number; peekTime(): number; size: number };

const makers: [string, () => Queue][] = [
  ["EventHeap", () => new EventHeap(1)],
  // A short horizon forces many buckets of 100 ms and the clamp into the last bucket.
  ["EventQueue", () => new EventQueue(5_000, 2)],
];

describe.each(makers)("%s", (_name, make) => {
  it("pops in time order, equal times first-in first-out", () => {
    const q = make();
    [
      [5, 1],
      [1, 2],
      [5, 3],
      [3, 4],
      [1, 5],
    ].forEach(([t, p]) => q.push(t, p));
    const out: number[] = [];
    while (q.size > 0) out.push(q.pop());
    expect(out).toEqual([2, 5, 4, 1, 3]);
  });

  it("peekTime is Infinity when empty", () => {
    expect(make().peekTime()).toBe(Infinity);
  });

  it("property: pop order equals a stable sort by time, with pushes never earlier than the last pop", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 20_000 }), fc.boolean()), { maxLength: 300 }), (ops) => {
        const q = make();
        const model: { t: number; id: number }[] = [];
        const popped: number[] = [];
        const expected: number[] = [];
        let now = 0;
        ops.forEach(([dt, popAfter], id) => {
          // Like the engine: an event is never scheduled before the current time.
          const t = now + (dt % 7_000);
          q.push(t, id);
          model.push({ t, id });
          if (popAfter) {
            model.sort((a, b) => a.t - b.t || a.id - b.id);
            const next = model.shift()!;
            expected.push(next.id);
            expect(q.peekTime()).toBe(next.t);
            popped.push(q.pop());
            now = next.t;
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
