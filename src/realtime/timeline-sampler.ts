// Realtime timeline samples: the hosts' own request counters at each sample time (or, when
// the hosts run elsewhere, the requests this run's clients sent them) against what the
// records promised them, from each slice's expected-share ledger. The slices and the hosts'
// thread snapshot their counts at the sample times themselves and hand the snapshots over
// at the end, so the samples are written when the fleet has stopped.

import type { TimelineSample } from "../results/result.js";
import type { FleetPlan } from "../fleet-plan/fleet-plan.js";
import { TimelineRecorder, type SampleHeadline } from "../results/timeline-recorder.js";
import { IntervalTally, type IntervalTallyWire } from "../results/interval-tally.js";
import type { CompressedClock } from "./compressed-clock.js";
import type { SliceAtSample, SliceProgress } from "./fleet/fleet-driver.js";
import type { SliceTotalsWire } from "./fleet/slice-wire.js";

/** The hosts' own request counters (per endpoint) at each sample taken and at the end. */
export interface HostRequestSamples {
  samples: readonly (readonly number[])[];
  /** At each sample, per endpoint, the products below their activation threshold (absent: not known). */
  lowCounts?: readonly (readonly (readonly string[])[])[];
  requests: readonly number[];
}

/** What the main thread saw at a sample time; the slices' and hosts' side come at the end. */
type Taken = SampleHeadline;

export class TimelineSampler {
  private readonly names: (string | null)[];
  private readonly taken: Taken[] = [];
  private recorder: TimelineRecorder | null = null;
  /** Where the previous sample stood, simulated and wall ms: the clock's achieved rate between samples. */
  private lastSimMs = 0;
  private lastWallMs: number;

  /**
   * @param hostNames per endpoint, the host's name when its listener runs in this run
   *   (null elsewhere: with externalHosts the endpoint's name is used).
   */
  constructor(
    plan: FleetPlan,
    hostNames: readonly (string | null)[],
    externalHosts: boolean,
    private readonly slices: readonly { readonly latest: SliceProgress }[],
    private readonly clock: CompressedClock,
    /** Shard runs keep each interval's histograms (merge computes exact percentiles). */
    private readonly keepHistograms = false,
  ) {
    this.names = hostNames.map((name, k) => name ?? (externalHosts && plan.dns.endpoints[k].hostIndex >= 0 ? plan.dns.endpoints[k].name : null));
    this.lastWallMs = clock.originEpochMs;
  }

  /** The samples, once `finish` wrote them. */
  get samples(): TimelineSample[] {
    return this.recorder?.samples ?? [];
  }

  take(nowMs: number): void {
    this.taken.push(this.headlineAt(nowMs));
  }

  /**
   * After the fleet stopped, with the slices that reported their totals: the samples, and
   * requests that arrived after the last one (late timers, answers in flight at the end)
   * in a final sample, or in the last one when it already stands at the end, so the
   * timeline adds up to the hosts' totals and to their expected requests.
   */
  finish(nowMs: number, totals: readonly SliceTotalsWire[], hosts: HostRequestSamples | null): void {
    const recorder = new TimelineRecorder(this.names, this.keepHistograms);
    let expectedBefore = this.names.map(() => 0);
    const expectedSince = (soFar: number[]): number[] => {
      const since = soFar.map((n, k) => n - expectedBefore[k]);
      expectedBefore = soFar;
      return since;
    };
    // Without the hosts' own counts (they run elsewhere, or their thread died) the
    // requests the clients sent them stand in.
    this.taken.forEach((headline, k) => {
      // A slice (or the hosts) that stopped before this sample time (Ctrl-C, a limit) stood at its totals.
      const at = (t: SliceTotalsWire): SliceAtSample => t.atSamples[k] ?? { expectedBy: t.expectedRequests, sentBy: t.sentBy };
      const requests = hosts === null ? this.sum(totals.map((t) => at(t).sentBy)) : [...(hosts.samples[k] ?? hosts.requests)];
      const lowCount = hosts?.lowCounts?.[k];
      recorder.take(
        lowCount === undefined ? headline : { ...headline, lowCount },
        requests,
        expectedSince(this.sum(totals.map((t) => at(t).expectedBy))),
        this.tallyOf(totals.map((t) => t.atSamples[k]?.interval)),
      );
    });
    const requests = hosts === null ? this.sum(totals.map((t) => t.sentBy)) : [...hosts.requests];
    const expected = expectedSince(this.sum(totals.map((t) => t.expectedRequests)));
    const last = recorder.samples[recorder.samples.length - 1];
    // A slice may have reached a sample time the main thread no longer took (the run was
    // stopping): what it saw then belongs to the end, with what came after.
    const after = this.tallyOf(totals.flatMap((t) => [...t.atSamples.slice(this.taken.length).map((at) => at.interval), t.afterSamples]));
    if (last === undefined || last.t * 1000 < nowMs) recorder.take(this.headlineAt(nowMs), requests, expected, after);
    else recorder.addToLast(this.headline(), requests, expected, after);
    this.recorder = recorder;
  }

  private headlineAt(nowMs: number): SampleHeadline {
    // When simulated time reached this sample (the timer may fire a little after).
    const wallMs = this.clock.wallAtMs(nowMs);
    const timeScale = wallMs > this.lastWallMs ? Math.round((nowMs - this.lastSimMs) / (wallMs - this.lastWallMs)) : this.clock.timeScale;
    [this.lastSimMs, this.lastWallMs] = [nowMs, wallMs];
    return { nowMs, ...this.headline(), timeScale };
  }

  private headline(): { activated: number; licensed: number } {
    return {
      activated: this.slices.reduce((a, s) => a + s.latest.activated, 0),
      licensed: this.slices.reduce((a, s) => a + s.latest.licensed, 0),
    };
  }

  /** The slices' interval tallies added up (a slice that stopped earlier adds nothing). */
  private tallyOf(wires: readonly (IntervalTallyWire | undefined)[]): IntervalTally {
    const tally = new IntervalTally(this.names.length);
    for (const wire of wires) if (wire !== undefined) tally.addWire(wire);
    return tally;
  }

  /** Per-endpoint counts of the slices added up, index by index. */
  private sum(counts: readonly (readonly number[])[]): number[] {
    return this.names.map((_, k) => counts.reduce((a, list) => a + (list[k] ?? 0), 0));
  }
}
