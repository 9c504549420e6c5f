// Realtime timeline samples: the hosts' own request counters at each sample time (or, when
// the hosts run elsewhere, the requests this run's clients sent them) against what the
// records promised them, from each slice's expected-share ledger. The slices snapshot their
// ledgers at the sample times themselves and hand the snapshots over with their totals, so
// the samples are written when the fleet has stopped.

import type { TimelineSample } from "../output/result.js";
import type { FleetPlan } from "../plan/fleet-plan.js";
import { TimelineRecorder, type SampleHeadline } from "../run/timeline-recorder.js";
import type { CompressedClock } from "./compressed-clock.js";
import type { SliceAtSample, SliceProgress } from "./fleet/fleet-driver.js";
import type { SliceTotalsWire } from "./fleet/slice-wire.js";
import type { KmsHostServer } from "./host/host-server.js";

/** What the main thread saw at a sample time; the slices' side comes with their totals. */
interface Taken {
  headline: SampleHeadline;
  /** The hosts' own counters (null: the hosts run elsewhere, the clients' sent counts stand in). */
  hostRequests: number[] | null;
}

export class TimelineSampler {
  private readonly names: (string | null)[];
  private readonly taken: Taken[] = [];
  private recorder: TimelineRecorder | null = null;
  /** Where the previous sample stood, simulated and wall ms: the clock's achieved rate between samples. */
  private lastSimMs = 0;
  private lastWallMs: number;

  constructor(
    plan: FleetPlan,
    private readonly externalHosts: boolean,
    private readonly servers: readonly (KmsHostServer | null)[],
    private readonly slices: readonly { readonly latest: SliceProgress }[],
    private readonly clock: CompressedClock,
  ) {
    this.names = servers.map((s, k) => s?.name ?? (externalHosts && plan.dns.endpoints[k].hostIndex >= 0 ? plan.dns.endpoints[k].name : null));
    this.lastWallMs = clock.originEpochMs;
  }

  /** The samples, once `finish` wrote them. */
  get samples(): TimelineSample[] {
    return this.recorder?.samples ?? [];
  }

  take(nowMs: number): void {
    this.taken.push({ headline: this.headlineAt(nowMs), hostRequests: this.externalHosts ? null : this.hostRequests() });
  }

  /**
   * After the fleet stopped, with the slices that reported their totals: the samples, and
   * requests that arrived after the last one (late timers, answers in flight at the end)
   * in a final sample, or in the last one when it already stands at the end, so the
   * timeline adds up to the hosts' totals and to their expected requests.
   */
  finish(nowMs: number, totals: readonly SliceTotalsWire[]): void {
    const recorder = new TimelineRecorder(this.names);
    let expectedBefore = this.names.map(() => 0);
    const expectedSince = (soFar: number[]): number[] => {
      const since = soFar.map((n, k) => n - expectedBefore[k]);
      expectedBefore = soFar;
      return since;
    };
    this.taken.forEach(({ headline, hostRequests }, k) => {
      // A slice that stopped before this sample time (Ctrl-C, a limit) stood at its totals.
      const at = (t: SliceTotalsWire): SliceAtSample => t.atSamples[k] ?? { expectedBy: t.expectedRequests, sentBy: t.sentBy };
      const requests = hostRequests ?? this.sum(totals.map((t) => at(t).sentBy));
      recorder.take(headline, requests, expectedSince(this.sum(totals.map((t) => at(t).expectedBy))));
    });
    const requests = this.externalHosts ? this.sum(totals.map((t) => t.sentBy)) : this.hostRequests();
    const expected = expectedSince(this.sum(totals.map((t) => t.expectedRequests)));
    const last = recorder.samples[recorder.samples.length - 1];
    if (last === undefined || last.t * 1000 < nowMs) recorder.take(this.headlineAt(nowMs), requests, expected);
    else recorder.addToLast(this.headline(), requests, expected);
    this.recorder = recorder;
  }

  private headlineAt(nowMs: number): SampleHeadline {
    // When simulated time reached this sample (the timer may fire a little after).
    const wallMs = this.clock.wallAtMs(nowMs);
    const timeScale = wallMs > this.lastWallMs ? Math.round((nowMs - this.lastSimMs) / (wallMs - this.lastWallMs)) : this.clock.timeScale;
    [this.lastSimMs, this.lastWallMs] = [nowMs, wallMs];
    return { nowMs, ...this.headline(), timeScale };
  }

  private hostRequests(): number[] {
    return this.servers.map((s) => s?.requests ?? 0);
  }

  private headline(): { activated: number; licensed: number } {
    return {
      activated: this.slices.reduce((a, s) => a + s.latest.activated, 0),
      licensed: this.slices.reduce((a, s) => a + s.latest.licensed, 0),
    };
  }

  /** Per-endpoint counts of the slices added up, index by index. */
  private sum(counts: readonly (readonly number[])[]): number[] {
    return this.names.map((_, k) => counts.reduce((a, list) => a + (list[k] ?? 0), 0));
  }
}
