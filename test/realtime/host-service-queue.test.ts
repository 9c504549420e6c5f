import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MultiServerQueue } from "../../src/core/host/service-queue.js";
import { TimedServiceQueue } from "../../src/realtime/host/timed-service-queue.js";

const MEAN_MS = 50;
/** rng value whose exponential draw with mean MEAN_MS is `serviceMs`. */
const drawOf = (serviceMs: number): number => 1 - Math.exp(-serviceMs / MEAN_MS);

/** A queue on the fake clock that records when each job finished. */
function queueOf(concurrency: number, servicesMs: number[], wallNowMs: () => number = () => Date.now()) {
  const done: { job: number; atMs: number }[] = [];
  let k = 0;
  const queue = new TimedServiceQueue<number>({
    concurrency,
    serviceTimeMs: MEAN_MS,
    rng: () => drawOf(servicesMs[k++]),
    wallNowMs,
    onDone: (job) => done.push({ job, atMs: Date.now() }),
  });
  return { queue, done };
}

describe("TimedServiceQueue", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("serves at most `concurrency` jobs at once, the rest first come first served", () => {
    const { queue, done } = queueOf(2, [100, 100, 100, 100, 100, 100]);
    for (let job = 0; job < 6; job++) queue.submit(job);
    expect(queue.inService).toBe(2);
    expect(queue.waiting).toBe(4);
    vi.advanceTimersByTime(100);
    expect(done.map((d) => d.job)).toEqual([0, 1]);
    expect(queue.inService).toBe(2);
    vi.advanceTimersByTime(200);
    expect(done.map((d) => d.job)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(done.map((d) => d.atMs)).toEqual([100, 100, 200, 200, 300, 300]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("counts its load: the most jobs waiting at once and the server time spent, dropped jobs until dropped", () => {
    const { queue } = queueOf(2, [100, 100, 100, 100, 100, 100]);
    for (let job = 0; job < 6; job++) queue.submit(job);
    expect(queue.peakWaiting).toBe(4);
    vi.advanceTimersByTime(50);
    expect(queue.busyMs()).toBe(100); // two servers, 50 ms each
    vi.advanceTimersByTime(100); // jobs 0, 1 done at 100; 2, 3 in service since
    expect(queue.busyMs()).toBe(300);
    queue.clear(); // 2 and 3 dropped after 50 ms of service
    vi.advanceTimersByTime(1000);
    expect(queue.busyMs()).toBe(300);
    expect(queue.peakWaiting).toBe(4);
  });

  it("a job submitted as another finishes waits behind the jobs already waiting", () => {
    // A host resumes a paused connection when its answer is written, inside onDone: that
    // connection's next request must not take the server freed for the waiting ones.
    const done: number[] = [];
    const queue: TimedServiceQueue<number> = new TimedServiceQueue<number>({
      concurrency: 1,
      serviceTimeMs: MEAN_MS,
      rng: () => drawOf(100),
      wallNowMs: () => Date.now(),
      onDone: (job) => {
        done.push(job);
        if (job === 0) queue.submit(2);
      },
    });
    queue.submit(0);
    queue.submit(1);
    vi.advanceTimersByTime(300);
    expect(done).toEqual([0, 1, 2]);
  });

  it("answers at once when the service time is 0, without a timer", () => {
    const done: number[] = [];
    const queue = new TimedServiceQueue<number>({ concurrency: 1, serviceTimeMs: 0, rng: () => 0.5, wallNowMs: () => Date.now(), onDone: (j) => done.push(j) });
    queue.submit(1);
    queue.submit(2);
    expect(done).toEqual([1, 2]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("starts a waiting job when its server was due to free up, not when the late timer ran", () => {
    let lagMs = 0;
    const { queue, done } = queueOf(1, [10, 10], () => Date.now() + lagMs);
    queue.submit(0);
    queue.submit(1);
    // The first timer runs 5 ms late by the wall clock.
    lagMs = 5;
    vi.advanceTimersByTime(10);
    expect(done.map((d) => d.job)).toEqual([0]);
    // Job 1 started at 10 (planned), so it ends at 20 wall = 15 on the timer clock.
    vi.advanceTimersByTime(5);
    expect(done.map((d) => d.job)).toEqual([0, 1]);
  });

  it("a new mean applies to jobs that start after the change", () => {
    const done: number[] = [];
    const queue = new TimedServiceQueue<number>({
      concurrency: 1,
      serviceTimeMs: 0,
      rng: () => drawOf(MEAN_MS),
      wallNowMs: () => Date.now(),
      onDone: (j) => done.push(j),
    });
    queue.serviceTimeMs = MEAN_MS;
    queue.submit(1);
    expect(done).toEqual([]);
    vi.advanceTimersByTime(50);
    expect(done).toEqual([1]);
    expect(() => (queue.serviceTimeMs = -1)).toThrow(RangeError);
  });

  it("clear() drops jobs in service and waiting, cancels their timers and never answers them", () => {
    const { queue, done } = queueOf(2, [100, 100, 100, 100, 100]);
    for (let job = 0; job < 5; job++) queue.submit(job);
    expect(queue.clear().sort()).toEqual([0, 1, 2, 3, 4]);
    expect(queue.inService).toBe(0);
    expect(queue.waiting).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(done).toEqual([]);
  });

  it("rejects a concurrency below 1", () => {
    expect(() => queueOf(0, [])).toThrow(RangeError);
  });

  it("finishes every job when the core's MultiServerQueue says it would (timers on time)", () => {
    const jobs = fc.array(fc.record({ gapMs: fc.integer({ min: 0, max: 30 }), serviceMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 60 })) }), {
      minLength: 1,
      maxLength: 40,
    });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), jobs, (concurrency, list) => {
        vi.setSystemTime(0);
        const model = new MultiServerQueue(concurrency);
        const { queue, done } = queueOf(
          concurrency,
          list.map((j) => j.serviceMs),
        );
        const expected: number[] = [];
        let t = 0;
        list.forEach((j, i) => {
          if (j.gapMs > 0) vi.advanceTimersByTime(j.gapMs);
          t += j.gapMs;
          expected[i] = model.admit(t, j.serviceMs);
          queue.submit(i);
        });
        vi.advanceTimersByTime(10_000);
        expect(done).toHaveLength(list.length);
        // Fake timers truncate fractional delays, hence the 1 ms tolerance.
        for (const d of done) expect(Math.abs(d.atMs - expected[d.job])).toBeLessThanOrEqual(1);
        expect(vi.getTimerCount()).toBe(0);
      }),
      { numRuns: 100 },
    );
  });
});
