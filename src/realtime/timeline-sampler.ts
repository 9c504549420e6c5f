// Realtime timeline samples: the hosts' own request counters (or, when the hosts run
// elsewhere, the requests this run's clients sent them), and what the records promised
// them from the slices' expected-share ledgers (running totals in their progress).

import type { TimelineSample } from "../output/result.js";
import type { FleetPlan } from "../plan/fleet-plan.js";
import { TimelineRecorder } from "../run/timeline-recorder.js";
import type { CompressedClock } from "./compressed-clock.js";
import type { SliceProgress } from "./fleet/fleet-driver.js";
import type { KmsHostServer } from "./host/host-server.js";

/** A slice as the sampler reads it: its latest progress, brought up to date where it can be (in-process). */
export interface SampledSlice {
  readonly latest: SliceProgress;
  refresh(): void;
}

export class TimelineSampler {
  private readonly recorder: TimelineRecorder;
  /** The slices' expected requests per endpoint at the previous sample. */
  private expectedBefore: number[];
  /** Where the previous sample stood, simulated and wall ms: the clock's achieved rate between samples. */
  private lastSimMs = 0;
  private lastWallMs: number;

  constructor(
    plan: FleetPlan,
    private readonly externalHosts: boolean,
    private readonly servers: readonly (KmsHostServer | null)[],
    private readonly slices: readonly SampledSlice[],
    private readonly clock: CompressedClock,
  ) {
    this.recorder = new TimelineRecorder(
      servers.map((s, k) => s?.name ?? (externalHosts && plan.dns.endpoints[k].hostIndex >= 0 ? plan.dns.endpoints[k].name : null)),
    );
    this.expectedBefore = servers.map(() => 0);
    this.lastWallMs = clock.originEpochMs;
  }

  get samples(): TimelineSample[] {
    return this.recorder.samples;
  }

  take(nowMs: number): void {
    this.slices.forEach((s) => s.refresh());
    this.record(nowMs);
  }

  private record(nowMs: number): void {
    // When simulated time reached this sample (the timer may fire a little after).
    const wallMs = this.clock.wallAtMs(nowMs);
    const timeScale = wallMs > this.lastWallMs ? Math.round((nowMs - this.lastSimMs) / (wallMs - this.lastWallMs)) : this.clock.timeScale;
    [this.lastSimMs, this.lastWallMs] = [nowMs, wallMs];
    this.recorder.take({ nowMs, ...this.headline(), timeScale }, this.requestCounts(), this.expectedSince());
  }

  /**
   * After the fleet stopped (each slice's latest holds its final counts): requests that
   * arrived after the last sample (late timers, answers in flight at the end) go into a
   * final sample, or into the last one when it already stands at the end, so the timeline
   * adds up to the hosts' totals.
   */
  finish(nowMs: number): void {
    const last = this.samples[this.samples.length - 1];
    if (last === undefined || last.t * 1000 < nowMs) this.record(nowMs);
    else this.recorder.addToLast(this.headline(), this.requestCounts(), this.expectedSince());
  }

  private headline(): { activated: number; licensed: number } {
    return {
      activated: this.slices.reduce((a, s) => a + s.latest.activated, 0),
      licensed: this.slices.reduce((a, s) => a + s.latest.licensed, 0),
    };
  }

  /** Cumulative requests per endpoint: the hosts' own, or the clients' sent counts. */
  private requestCounts(): number[] {
    if (!this.externalHosts) return this.servers.map((s) => s?.requests ?? 0);
    return sumByEndpoint(this.servers.length, this.slices.map((s) => s.latest.sentBy));
  }

  /** Expected requests per endpoint since the previous sample, all slices together. */
  private expectedSince(): number[] {
    const soFar = sumByEndpoint(this.servers.length, this.slices.map((s) => s.latest.expectedBy));
    const since = soFar.map((n, k) => n - this.expectedBefore[k]);
    this.expectedBefore = soFar;
    return since;
  }
}

/** Per-endpoint counts added up index by index, over the first `endpoints` endpoints. */
function sumByEndpoint(endpoints: number, counts: readonly (readonly number[])[]): number[] {
  const sum = new Array<number>(endpoints).fill(0);
  for (const list of counts) for (let k = 0; k < endpoints; k++) sum[k] += list[k] ?? 0;
  return sum;
}
