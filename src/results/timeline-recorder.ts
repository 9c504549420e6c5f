// Timeline samples for both drivers: per interval, the requests each host received, the
// requests the SRV records promised it (the expected-share ledger's, request by request)
// and the spread between the two.

import { spreadOfCounts } from "../core/metrics/spread.js";
import type { TimelineSample } from "./result.js";

/** What a sample says besides the hosts' counts. */
export interface SampleHeadline {
  /** Simulated ms since the start. */
  nowMs: number;
  activated: number;
  licensed: number;
  /** Realtime only: the clock's achieved rate over the interval. */
  timeScale?: number;
  /** Per endpoint, the products below their activation threshold at this instant (the Low Activation Count poll). */
  lowCount?: readonly (readonly string[])[];
}

export class TimelineRecorder {
  readonly samples: TimelineSample[] = [];
  private readonly requestsBefore: number[];
  /** The last sample's counts per endpoint: its spread again when late counts are added. */
  private lastRequests: number[] = [];
  private lastExpected: number[] = [];

  /** `names`: endpoint index → host name; null for an endpoint that is no scenario host (not in the samples). */
  constructor(private readonly names: readonly (string | null)[]) {
    this.requestsBefore = names.map(() => 0);
  }

  /**
   * `requestsSoFar`: each endpoint's requests since the start (cumulative);
   * `expected`: the requests the records promised each endpoint during this interval.
   */
  take(headline: SampleHeadline, requestsSoFar: ArrayLike<number>, expected: ArrayLike<number>): void {
    this.lastRequests = this.requestsSince(requestsSoFar);
    this.lastExpected = this.names.map((_, k) => expected[k] ?? 0);
    const { hostRequests, hostExpected } = this.byHost(this.lastRequests, this.lastExpected);
    this.samples.push({
      t: headline.nowMs / 1000,
      activated: headline.activated,
      licensed: headline.licensed,
      hostRequests,
      hostExpected,
      spread: spreadOfCounts(this.lastRequests, this.lastExpected),
      ...(headline.timeScale === undefined ? {} : { timeScale: headline.timeScale }),
      ...this.lowCountByHost(headline.lowCount),
    });
  }

  /** Only hosts with a product below its threshold, so a quiet timeline stays small. */
  private lowCountByHost(perEndpoint: SampleHeadline["lowCount"]): Pick<TimelineSample, "lowCount"> {
    const lowCount: Record<string, string[]> = {};
    this.names.forEach((name, k) => {
      const products = perEndpoint?.[k] ?? [];
      if (name !== null && products.length > 0) lowCount[name] = [...products];
    });
    return Object.keys(lowCount).length > 0 ? { lowCount } : {};
  }

  /**
   * Counts that came after the last sample (answers in flight at the end) go into it, so
   * the timeline adds up to the run's totals; the headline's counts replace its own.
   */
  addToLast(headline: Omit<SampleHeadline, "nowMs" | "timeScale" | "lowCount">, requestsSoFar: ArrayLike<number>, expected: ArrayLike<number>): void {
    const last = this.samples[this.samples.length - 1];
    if (last === undefined) throw new RangeError("addToLast: no sample yet");
    const added = this.requestsSince(requestsSoFar);
    this.lastRequests = this.lastRequests.map((n, k) => n + added[k]);
    this.lastExpected = this.lastExpected.map((n, k) => n + (expected[k] ?? 0));
    Object.assign(last, { activated: headline.activated, licensed: headline.licensed }, this.byHost(this.lastRequests, this.lastExpected));
    last.spread = spreadOfCounts(this.lastRequests, this.lastExpected);
  }

  /** Requests per endpoint since the previous sample; none for endpoints that are no host. */
  private requestsSince(requestsSoFar: ArrayLike<number>): number[] {
    return this.names.map((name, k) => {
      const soFar = requestsSoFar[k] ?? 0;
      const since = soFar - this.requestsBefore[k];
      this.requestsBefore[k] = soFar;
      return name === null ? 0 : since;
    });
  }

  private byHost(requests: readonly number[], expected: readonly number[]): Pick<TimelineSample, "hostRequests" | "hostExpected"> {
    const hostRequests: Record<string, number> = {};
    // Shards' sums stay meaningful: counts, not shares.
    const hostExpected: Record<string, number> = {};
    this.names.forEach((name, k) => {
      if (name === null) return;
      hostRequests[name] = requests[k];
      hostExpected[name] = expected[k];
    });
    return { hostRequests, hostExpected };
  }
}
