// Shared helpers of the selection tests (not a test file itself).
import fc from "fast-check";
import { Mulberry32, type Rng } from "../../src/core/rng.js";
import type { SrvCandidate } from "../../src/core/selection/srv-candidate.js";

/** An Rng that counts its draws. */
export class CountingRng implements Rng {
  draws = 0;
  private readonly inner: Rng;
  constructor(seed: number) {
    this.inner = new Mulberry32(seed);
  }
  next(): number {
    this.draws++;
    return this.inner.next();
  }
}

/** An Rng that returns the given values in turn (then repeats the last). */
export class FixedRng implements Rng {
  draws = 0;
  constructor(private readonly values: number[]) {}
  next(): number {
    const v = this.values[Math.min(this.draws, this.values.length - 1)];
    this.draws++;
    return v;
  }
}

export const candidateArb = (maxHost = 31): fc.Arbitrary<SrvCandidate> =>
  fc.record({
    host: fc.integer({ min: 0, max: maxHost }),
    priority: fc.integer({ min: 0, max: 3 }),
    // Zero weights are common on purpose: they exercise the RFC 2782 weight-0 rule.
    weight: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100 })),
  });

export const candidatesArb = (maxHost = 31): fc.Arbitrary<SrvCandidate[]> => fc.array(candidateArb(maxHost), { minLength: 0, maxLength: 12 });

export const maskArb: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: 0, max: 0xffff_ffff }),
  fc.constant(0),
  fc.integer({ min: 0, max: 31 }).map((h) => (1 << h) >>> 0),
);

export const isSet = (mask: number, host: number): boolean => ((mask >>> host) & 1) === 1;

/** Empirical frequency per endpoint of `draws` selections. */
export function frequencies(select: (rng: Rng) => number, seed: number, draws: number, endpointCount: number): number[] {
  const rng = new Mulberry32(seed);
  const counts = new Array<number>(endpointCount).fill(0);
  for (let i = 0; i < draws; i++) counts[select(rng)]++;
  return counts.map((c) => c / draws);
}
