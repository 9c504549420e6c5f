import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MultiServerQueue } from "../../src/core/host/service-queue.js";

interface Job {
  arrivalMs: number;
  serviceMs: number;
  startMs: number;
  doneMs: number;
}

function run(concurrency: number, jobs: { gapMs: number; serviceMs: number }[]): { queue: MultiServerQueue; served: Job[] } {
  const queue = new MultiServerQueue(concurrency);
  const served: Job[] = [];
  let t = 0;
  for (const { gapMs, serviceMs } of jobs) {
    t += gapMs;
    const doneMs = queue.admit(t, serviceMs);
    served.push({ arrivalMs: t, serviceMs, startMs: queue.lastStartMs, doneMs });
  }
  return { queue, served };
}

/** Jobs in service at instant t: start <= t < done (a finished server is free at its done time). */
const inServiceAt = (jobs: Job[], t: number): number => jobs.filter((j) => j.startMs <= t && t < j.doneMs).length;

const jobsArb = fc.array(
  fc.record({
    gapMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 20 })),
    serviceMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 60 })),
  }),
  { maxLength: 150 },
);

describe("MultiServerQueue", () => {
  it("serves at once while a server is free, then queues first come first served", () => {
    const queue = new MultiServerQueue(2);
    expect(queue.lastStartMs).toBe(-Infinity);
    expect(queue.nextFreeMs()).toBe(-Infinity); // both idle
    expect(queue.admit(0, 10)).toBe(10);
    expect(queue.nextFreeMs()).toBe(-Infinity); // one still idle
    expect(queue.admit(1, 10)).toBe(11);
    expect(queue.admit(2, 10)).toBe(20); // waits for the first server
    expect(queue.lastStartMs).toBe(10);
    expect(queue.admit(3, 1)).toBe(12); // then for the second, free at 11
    expect(queue.inServiceAt(3)).toBe(2);
    expect(queue.inServiceAt(11.5)).toBe(2);
    expect(queue.inServiceAt(12)).toBe(1);
    expect(queue.inServiceAt(20)).toBe(0);
    expect(queue.nextFreeMs()).toBe(12);
  });

  it("a server free exactly at an arrival is idle then: the request starts at once and the other server stays free", () => {
    const queue = new MultiServerQueue(2);
    queue.admit(0, 10);
    expect(queue.admit(10, 5)).toBe(15);
    expect(queue.nextFreeMs()).toBe(-Infinity);
    expect(queue.inServiceAt(10)).toBe(1);
  });

  it("matches the multi-server Lindley recursion: each request starts at max(arrival, earliest free server)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), jobsArb, (c, jobs) => {
        const freeAt = Array<number>(c).fill(-Infinity);
        const { served } = run(c, jobs);
        for (const job of served) {
          const earliest = freeAt.indexOf(Math.min(...freeAt));
          expect(job.startMs).toBe(Math.max(job.arrivalMs, freeAt[earliest]));
          freeAt[earliest] = job.startMs + job.serviceMs;
        }
      }),
      { numRuns: 500 },
    );
  });

  it("reset drops all work: every server is free from the crash time", () => {
    const queue = new MultiServerQueue(1);
    queue.admit(0, 100);
    queue.admit(1, 100);
    queue.reset(50);
    expect(queue.inServiceAt(50)).toBe(0);
    expect(queue.admit(60, 5)).toBe(65);
    const again = new MultiServerQueue(3);
    again.admit(0, 100);
    again.reset(10);
    expect(again.admit(5, 1)).toBe(11); // servers come back at 10
  });

  it("rejects arrivals going back in time, bad service times and bad concurrency", () => {
    const queue = new MultiServerQueue(4);
    queue.admit(10, 1);
    expect(() => queue.admit(9, 1)).toThrow(RangeError);
    expect(() => queue.admit(10, -1)).toThrow(RangeError);
    expect(() => queue.admit(10, NaN)).toThrow(RangeError);
    expect(() => new MultiServerQueue(0)).toThrow(RangeError);
    expect(() => new MultiServerQueue(1.5)).toThrow(RangeError);
    expect(() => queue.admit(9, 1)).toThrow("MultiServerQueue: arrival 9 before previous arrival 10");
    expect(() => queue.admit(10, -1)).toThrow("MultiServerQueue: serviceMs must be >= 0, got -1");
    expect(() => new MultiServerQueue(0)).toThrow("MultiServerQueue: concurrency must be an integer >= 1, got 0");
  });

  describe("properties", () => {
    it("with concurrency 1 equals the single-server Lindley recursion", () => {
      fc.assert(
        fc.property(jobsArb, (jobs) => {
          const { served } = run(1, jobs);
          let previousDone = -Infinity;
          for (const job of served) {
            const done = Math.max(job.arrivalMs, previousDone) + job.serviceMs;
            expect(job.doneMs).toBe(done);
            previousDone = done;
          }
        }),
        { numRuns: 500 },
      );
    });

    it("completes no earlier than arrival + service, starts in arrival order", () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 8 }), jobsArb, (c, jobs) => {
          const { served } = run(c, jobs);
          let previousStart = -Infinity;
          for (const job of served) {
            expect(job.startMs).toBeGreaterThanOrEqual(job.arrivalMs);
            expect(job.doneMs).toBe(job.startMs + job.serviceMs);
            expect(job.doneMs).toBeGreaterThanOrEqual(job.arrivalMs + job.serviceMs);
            expect(job.startMs).toBeGreaterThanOrEqual(previousStart);
            previousStart = job.startMs;
          }
        }),
        { numRuns: 500 },
      );
    });

    it("never has more than c in service (explicit sweep) and never lets a request wait beside an idle server", () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 8 }), jobsArb, (c, jobs) => {
          const { served } = run(c, jobs);
          // Sweep: ends before starts at equal times (a server freed at t can start a job at t).
          const events: [number, number][] = [];
          for (const j of served) if (j.doneMs > j.startMs) events.push([j.startMs, +1], [j.doneMs, -1]);
          events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
          let busy = 0;
          for (const [, delta] of events) {
            busy += delta;
            expect(busy).toBeLessThanOrEqual(c);
            expect(busy).toBeGreaterThanOrEqual(0);
          }
          // Work conservation: a request waits only while all c servers are busy.
          served.forEach((job, i) => {
            const before = served.slice(0, i);
            if (job.startMs > job.arrivalMs) expect(inServiceAt(before, job.arrivalMs)).toBe(c);
            else expect(inServiceAt(before, job.arrivalMs)).toBeLessThan(c);
          });
        }),
        { numRuns: 300 },
      );
    });

    it("inServiceAt agrees with the sweep from the last arrival on", () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 8 }), jobsArb, fc.array(fc.integer({ min: 0, max: 500 }), { maxLength: 10 }), (c, jobs, offsets) => {
          const { queue, served } = run(c, jobs);
          const last = served.length > 0 ? served[served.length - 1].arrivalMs : 0;
          for (const offset of offsets) {
            const t = last + offset;
            expect(queue.inServiceAt(t)).toBe(inServiceAt(served, t));
          }
        }),
        { numRuns: 300 },
      );
    });
  });
});

describe("MultiServerQueue load figures", () => {
  /** Requests waiting at instant t: admitted by then, not started. */
  const waitingAt = (jobs: Job[], t: number): number => jobs.filter((j) => j.arrivalMs <= t && j.startMs > t).length;

  it("peakWaiting is the most requests waiting at any arrival (brute force)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), jobsArb, (c, jobs) => {
        const { queue, served } = run(c, jobs);
        const expected = served.reduce((peak, j) => Math.max(peak, waitingAt(served, j.arrivalMs)), 0);
        expect(queue.peakWaiting).toBe(expected);
      }),
    );
  });

  it("busyMsUntil is the server time spent by then: the served part of every job (brute force)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), jobsArb, fc.integer({ min: 0, max: 200 }), (c, jobs, afterMs) => {
        const { queue, served } = run(c, jobs);
        const t = (served.at(-1)?.arrivalMs ?? 0) + afterMs;
        const expected = served.reduce((a, j) => a + Math.max(0, Math.min(t, j.doneMs) - j.startMs), 0);
        expect(queue.busyMsUntil(t)).toBeCloseTo(expected, 6);
      }),
    );
  });

  it("busyMsUntil counts each server's work once after servers freed up and were taken again", () => {
    // Three servers busy until 5, 6 and 20; at 10 two are free and one takes a 1 ms request.
    const queue = new MultiServerQueue(3);
    for (const serviceMs of [5, 6, 20]) queue.admit(0, serviceMs);
    queue.admit(10, 1);
    expect(queue.busyMsUntil(10)).toBe(5 + 6 + 10);
    expect(queue.inServiceAt(10)).toBe(2);
    expect(queue.busyMsUntil(30)).toBe(5 + 6 + 20 + 1);
  });

  it("a request that starts at the moment another arrives no longer waits", () => {
    const queue = new MultiServerQueue(1);
    queue.admit(0, 10);
    queue.admit(0, 10); // waits, starts at 10
    expect(queue.peakWaiting).toBe(1);
    queue.admit(10, 10); // the second starts now: only this one waits
    expect(queue.peakWaiting).toBe(1);
  });

  it("a reset drops the work not done and the waiting requests", () => {
    const queue = new MultiServerQueue(1);
    queue.admit(0, 10);
    queue.admit(1, 10);
    queue.admit(2, 10);
    expect(queue.peakWaiting).toBe(2);
    queue.reset(5);
    expect(queue.busyMsUntil(5)).toBe(5);
    queue.admit(6, 1);
    expect(queue.busyMsUntil(100)).toBe(6);
    // After the reset nobody waits: a new arrival at a free server does not add to a stale count.
    queue.admit(6, 1);
    expect(queue.peakWaiting).toBe(2);
  });
});

describe("MultiServerQueue waiting line", () => {
  it("counts the peak waiting past its initial room, in arrival order, and drops the ones started", () => {
    // One server, 1 ms each, 100 arrivals at once: 99 wait, starting 1, 2, … 99 ms later.
    const queue = new MultiServerQueue(1);
    const starts: number[] = [];
    for (let k = 0; k < 100; k++) starts.push(queue.admit(0, 1) - 1);
    expect(starts).toEqual(Array.from({ length: 100 }, (_, k) => k));
    expect(queue.peakWaiting).toBe(99);
    // At 50.5 ms the first 51 have started; a new arrival waits behind the other 49.
    expect(queue.admit(50.5, 1)).toBe(101);
    expect(queue.peakWaiting).toBe(99);
    expect(queue.inServiceAt(50.5)).toBe(1);
    expect(queue.inServiceAt(101)).toBe(0);
  });

  it("a line that grows while wrapped round its ring keeps every waiting start time", () => {
    // One server, 1 ms each. At 0: one in service, 10 waiting (starting 1..10). At 5.5 five
    // have started; 12 more make 17 waiting, past the ring's 16 with its front at slot 5.
    const queue = new MultiServerQueue(1);
    for (let k = 0; k < 11; k++) queue.admit(0, 1);
    for (let k = 0; k < 12; k++) queue.admit(5.5, 1);
    expect(queue.peakWaiting).toBe(17);
    // At 16.5 those starting 6..16 have started; 17..22 still wait, and 20 more make 26.
    for (let k = 0; k < 20; k++) queue.admit(16.5, 1);
    expect(queue.peakWaiting).toBe(26);
  });

  it("ring wrap-around: the line grows again after its front moved on", () => {
    const queue = new MultiServerQueue(1);
    let t = 0;
    for (let round = 0; round < 5; round++) {
      for (let k = 0; k < 40; k++) queue.admit(t, 1);
      t = queue.nextFreeMs(); // everyone admitted has started or finished by then
    }
    expect(queue.peakWaiting).toBe(39);
    for (let k = 0; k < 70; k++) queue.admit(t, 1);
    expect(queue.peakWaiting).toBe(69);
    expect(queue.nextFreeMs()).toBe(t + 70);
    // The grown line kept the start times: at t + 35.5 the 35 started by then leave, 34 still
    // wait, and 40 more make 74.
    for (let k = 0; k < 40; k++) queue.admit(t + 35.5, 1);
    expect(queue.peakWaiting).toBe(74);
  });
});
