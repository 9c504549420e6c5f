import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventHeap } from "../../src/queue/event-heap.js";
import { EventQueue } from "../../src/queue/event-queue.js";

type Queue = { push(t: number, p: number): void; pop(): number; peekTime(): number; size: number };

/**
 * Drives `q` like the engine (an event is never scheduled before the current time): for
 * each op, `push(now, id)` schedules event `id` and returns its time; a pop follows when
 * asked. The pops must come out as a stable sort of the events by time.
 */
function expectStableTimeOrder(q: Queue, pops: readonly boolean[], push: (now: number, id: number) => number): void {
  const model: { t: number; id: number }[] = [];
  const popped: number[] = [];
  const expected: number[] = [];
  let now = 0;
  pops.forEach((popAfter, id) => {
    model.push({ t: push(now, id), id });
    if (!popAfter) return;
    model.sort((a, b) => a.t - b.t || a.id - b.id);
    const next = model.shift()!;
    expected.push(next.id);
    expect(q.peekTime()).toBe(next.t);
    popped.push(q.pop());
    now = next.t;
  });
  expect(q.size).toBe(model.length);
  model.sort((a, b) => a.t - b.t || a.id - b.id);
  while (q.size > 0) popped.push(q.pop());
  expected.push(...model.map((m) => m.id));
  expect(popped).toEqual(expected);
}

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
        expectStableTimeOrder(
          q,
          ops.map(([, popAfter]) => popAfter),
          (now, id) => {
            const t = now + (ops[id][0] % 7_000);
            q.push(t, id);
            return t;
          },
        );
      }),
    );
  });
});

describe("EventQueue timers in delay lanes", () => {
  it("property: pushDelayed and push together pop as one stable sort by time", () => {
    // Delays drawn from a few shared values (lanes) and arbitrary ones (heap or calendar),
    // with more distinct shared delays than lanes, and two that share a lane key (7 s) but
    // not an order, so the fallback is exercised too.
    const shared = [1_000, 2_500, 7_000, 7_000.4, 7_001, 9_000, 12_000, 15_000, 20_000, 30_000, 45_000];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 60_000 }), fc.integer({ min: 0, max: shared.length }), fc.boolean()), { maxLength: 400 }),
        (ops) => {
          const q = new EventQueue(100_000, 2, null);
          expectStableTimeOrder(
            q,
            ops.map(([, , popAfter]) => popAfter),
            (now, id) => {
              const [dt, laneIndex] = ops[id];
              if (laneIndex === shared.length) {
                q.push(now + (dt % 9_000), id);
                return now + (dt % 9_000);
              }
              q.pushDelayed(now, now + shared[laneIndex], -1, id);
              return now + shared[laneIndex];
            },
          );
        },
      ),
    );
  });

  it("a lane whose tail is later than a new timer hands it to the calendar instead", () => {
    const q = new EventQueue(1_000_000, 2, null);
    // Both round to a 5 s delay key, but the second is due earlier than the first.
    q.pushDelayed(0, 5_000.4, -1, 1);
    q.pushDelayed(0, 4_999.6, -1, 2);
    expect(q.pop()).toBe(2);
    expect(q.pop()).toBe(1);
  });
});
