// The DNS publishing schedule of KMS hosts: start publishes at once, success waits the
// publish interval, failure the retry wait; host events stop, restart or end it.
import { describe, expect, it } from "vitest";
import { PublishEventId, PublishSchedule, isStale, staleAtMs } from "../../src/core/host/publish-schedule.js";

const TIMING = { publishIntervalMs: 1_000, publishRetryMs: 100 };

/** Host 0 publishes into two domains, host 1 into one, host 2 into none. */
function schedule(): PublishSchedule {
  return new PublishSchedule([["a.example", "b.example"], ["a.example"], []], TIMING);
}

describe("PublishSchedule", () => {
  it("has one slot per host and domain, in host then domain order, idle until a service starts", () => {
    const s = schedule();
    expect(s.slots.map((slot) => [slot.host, slot.domain])).toEqual([
      [0, "a.example"],
      [0, "b.example"],
      [1, "a.example"],
    ]);
    expect(s.slots.every((slot) => slot.nextAtMs === Infinity && slot.lastOkAtMs === -Infinity)).toBe(true);
    expect(s.nextDueAtMs()).toBe(Infinity);
    expect(s.due(1e12)).toEqual([]);
    expect(PublishEventId).toEqual({ Published: 12294, Failed: 12293 });
  });

  it("a started service publishes into each of its domains at once; only its own slots", () => {
    const s = schedule();
    s.serviceStarted(1, 50);
    s.serviceStarted(0, 70);
    expect(s.nextDueAtMs()).toBe(50);
    expect(s.due(49)).toEqual([]);
    expect(s.due(50).map((slot) => slot.host)).toEqual([1]);
    expect(s.due(70).map((slot) => [slot.host, slot.domain])).toEqual([
      [0, "a.example"],
      [0, "b.example"],
      [1, "a.example"],
    ]);
  });

  it("after a success waits the publish interval, after a failure the retry wait; each domain on its own", () => {
    const s = schedule();
    s.serviceStarted(0, 0);
    const [a, b] = s.due(0);
    s.begin(a);
    s.begin(b);
    expect(s.due(1e12)).toEqual([]); // in flight: not handed out twice
    expect(s.nextDueAtMs()).toBe(Number.MAX_VALUE);
    s.recordResult(a, 10, true);
    s.recordResult(b, 12, false);
    expect(a.nextAtMs).toBe(1_010);
    expect(a.lastOkAtMs).toBe(10);
    expect(b.nextAtMs).toBe(112);
    expect(b.lastOkAtMs).toBe(-Infinity);
    expect(s.nextDueAtMs()).toBe(112);
  });

  it("a stop during an attempt wins over its result, but a success still counts as the last publish", () => {
    const s = schedule();
    s.serviceStarted(0, 0);
    const [a] = s.due(0);
    s.begin(a);
    s.serviceStopped(0);
    s.recordResult(a, 5, true);
    expect(a.nextAtMs).toBe(Infinity);
    expect(a.lastOkAtMs).toBe(5);
  });

  it("crash and hang stop publishing, slow changes nothing, recover publishes at once, decommission is for good", () => {
    const s = schedule();
    s.serviceStarted(0, 0);
    s.serviceStarted(1, 0);
    s.hostEvent(0, "slow", 5);
    expect(s.due(0).length).toBe(3);
    s.hostEvent(0, "crash", 5);
    expect(s.due(10).map((slot) => slot.host)).toEqual([1]);
    s.hostEvent(0, "recover", 20);
    expect(s.slots.filter((slot) => slot.host === 0).map((slot) => slot.nextAtMs)).toEqual([20, 20]);
    s.hostEvent(1, "hang", 30);
    expect(s.slots[2].nextAtMs).toBe(Infinity);
    s.hostEvent(0, "decommission", 40);
    expect(s.nextDueAtMs()).toBe(Infinity);
    s.hostEvent(0, "recover", 50);
    expect(s.nextDueAtMs()).toBe(Infinity);
    // Another host recovers as usual.
    s.hostEvent(1, "recover", 60);
    expect(s.nextDueAtMs()).toBe(60);
  });

  it("a record goes stale exactly scavengeAfter after its last refresh; age 0 never", () => {
    expect(staleAtMs(100, 50)).toBe(150);
    expect(staleAtMs(100, 0)).toBe(Infinity);
    expect(isStale(100, 149, 50)).toBe(false);
    expect(isStale(100, 150, 50)).toBe(true);
    expect(isStale(100, 1e15, 0)).toBe(false);
  });
});
