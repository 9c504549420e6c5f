// Seeded randomness for the pure core. The core has no ambient randomness: every
// random choice draws from an Rng handed in by the driver.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
}

/** 32-bit avalanche mix (from MurmurHash3's finaliser). */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Derives an independent 32-bit stream seed from the scenario seed and a stream id. */
export function deriveSeed(seed: number, streamId: number): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 0x1_0000_0000) >>> 0;
  return mix32(mix32(lo ^ 0x9e3779b9) ^ mix32(hi + 0x7f4a7c15) ^ mix32(Math.imul(streamId + 1, 0x632be5ab)));
}

const MULBERRY_INCREMENT = 0x6d2b79f5;

/** mulberry32's output function: maps an advanced 32-bit state to [0, 1). */
export function mulberryOutput(state: number): number {
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** A small object Rng over one 32-bit state (tests, hosts, one-off streams). */
export class Mulberry32 implements Rng {
  // Stryker disable next-line BlockStatement: next() adds and truncates with >>> 0, which gives the same state mod 2^32 whether or not the seed was truncated first
  constructor(private state: number) {
    this.state >>>= 0;
  }
  next(): number {
    this.state = (this.state + MULBERRY_INCREMENT) >>> 0;
    return mulberryOutput(this.state);
  }
}

/**
 * Per-client streams kept in typed memory, so a million clients cost 4 MB and a
 * client's draws never depend on what other clients did (shards reproduce a run).
 * The states may live inside a larger per-client record (`stride`, `offset` in 32-bit
 * words) so that a client's data shares a cache line. `use(i)` points the shared Rng
 * view at client i's stream before calling the core.
 */
export class StreamTable implements Rng {
  private readonly states: Uint32Array;
  private current = 0;
  constructor(
    seed: number,
    count: number,
    private readonly stride = 1,
    private readonly offset = 0,
    states?: Uint32Array,
  ) {
    this.states = states ?? new Uint32Array(count * stride);
    for (let i = 0; i < count; i++) this.states[i * stride + offset] = deriveSeed(seed, i);
  }
  use(i: number): this {
    this.current = i * this.stride + this.offset;
    return this;
  }
  next(): number {
    const k = this.current;
    const s = (this.states[k] = (this.states[k] + MULBERRY_INCREMENT) >>> 0);
    return mulberryOutput(s);
  }
}
