// The live view a final --metrics-push reads: once frozen, the hosts' own books settle it,
// even for a run stopped before the hosts' thread sent its first progress report.

import { describe, expect, it } from "vitest";
import { liveView } from "../../src/realtime/realtime-engine.js";
import type { HostSelfCount } from "../../src/results/host-report.js";
import type { LiveHostView } from "../../src/realtime/live-metrics/live-view.js";

type Args = Parameters<typeof liveView>;

function view(progress: LiveHostView[]): ReturnType<typeof liveView> {
  const plan = { scenario: { durationMs: 86_400_000 }, dns: { endpoints: [] } } as unknown as Args[0];
  const services = { live: () => ({ hosts: progress }) } as unknown as Args[2];
  const clock = { simNowMs: () => 1000 } as unknown as Args[4];
  return liveView(plan, 10, services, [], clock);
}

function book(name: string, requests: number, state: HostSelfCount["state"]): HostSelfCount {
  return { name, requests, unanswered: 1, lost: 2, late: 3, state } as unknown as HostSelfCount;
}

describe("liveView.settleHosts", () => {
  it("names every host in the books when the hosts never reported progress", () => {
    const live = view([]);
    live.freeze(5000);
    live.settleHosts([book("kms1", 0, "up"), null, book("kms2", 7, "down")]);
    expect(live.view.hosts()).toEqual([
      { name: "kms1", up: true, badFrames: 0, requests: 0, unanswered: 1, lost: 2, late: 3 },
      { name: "kms2", up: false, badFrames: 0, requests: 7, unanswered: 1, lost: 2, late: 3 },
    ]);
    expect(live.view.simulatedSeconds()).toBe(5);
  });

  it("replaces the last progress with the books (state included) and keeps what only progress knows", () => {
    const live = view([
      { name: "kms1", up: false, badFrames: 4, requests: 1, unanswered: 0, lost: 0, late: 0 },
      { name: "kms9", up: true, badFrames: 0, requests: 2, unanswered: 0, lost: 0, late: 0 },
    ]);
    live.freeze(0);
    live.settleHosts([book("kms1", 9, "up")]);
    expect(live.view.hosts()).toEqual([
      { name: "kms1", up: true, badFrames: 4, requests: 9, unanswered: 1, lost: 2, late: 3 },
      { name: "kms9", up: true, badFrames: 0, requests: 2, unanswered: 0, lost: 0, late: 0 },
    ]);
  });
});
