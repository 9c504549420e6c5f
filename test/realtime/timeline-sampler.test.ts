// The realtime timeline's last sample after a stop (Ctrl-C, a failure): the main thread
// stops taking samples there, but a slice may still reach one more sample time before the
// stop reaches it. What its clients saw in that interval must not vanish from the timeline.

import { describe, expect, it } from "vitest";
import { planFleet } from "../../src/fleet-plan/fleet-plan.js";
import { IntervalTally } from "../../src/results/interval-tally.js";
import { CompressedClock } from "../../src/realtime/compressed-clock.js";
import type { SliceTotalsWire } from "../../src/realtime/fleet/slice-wire.js";
import { TimelineSampler } from "../../src/realtime/timeline-sampler.js";
import { scenarioFrom } from "../sim/helpers.js";

const H = 3_600_000;

/** `n` activations answered ok by endpoint 0, as a slice's interval tally. */
function answered(n: number): ReturnType<IntervalTally["toWire"]> {
  const tally = new IntervalTally(1);
  for (let k = 0; k < n; k++) tally.record(false, 0, 0, 1);
  return tally.toWire();
}

describe("TimelineSampler", () => {
  it("a slice's sample past the main thread's last one goes into the final sample", () => {
    const plan = planFleet(
      scenarioFrom(`
mode: realtime
duration: 1d
sampleInterval: 6h
hosts: [{ name: kms1 }]
clients: [{ name: c, count: 10 }]
`),
    );
    const slice = { latest: { activated: 7, licensed: 7 } };
    const sampler = new TimelineSampler(plan, ["kms1"], false, [slice as never], new CompressedClock(0, 86_400));
    // The main thread took the 6 h sample, then the run was stopped at 9 h; the slice had
    // already reached 12 h (the stop was on its way), then saw 1 more answer.
    sampler.take(6 * H);
    const at = (sent: number, n: number) => ({ expectedBy: [sent], sentBy: [sent], interval: answered(n) });
    const totals = { atSamples: [at(3, 3), at(6, 3)], afterSamples: answered(1), expectedRequests: [7], sentBy: [7] };
    sampler.finish(9 * H, [totals as unknown as SliceTotalsWire], null);

    expect(sampler.samples.map((s) => s.t)).toEqual([6 * 3600, 9 * 3600]);
    expect(sampler.samples.map((s) => s.rpc?.activation.completed)).toEqual([3, 4]);
    expect(sampler.samples.map((s) => s.hostRequests.kms1)).toEqual([3, 4]);
  });
});
