/** The one seeded random generator of the tests, fuzzers and layout generator. */

/** mulberry32: a small, fast, seeded 32-bit PRNG, so that a seed replays a layout, a mutant or a byte pattern exactly. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** An integer in [0, 2^32). */
  u32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + (this.u32() % (max - min + 1));
  }

  chance(p: number): boolean {
    return this.u32() / 0x1_0000_0000 < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T;
  }

  /** A number in [0, 1). */
  unit(): number {
    return this.u32() / 0x1_0000_0000;
  }
}

/** A function returning numbers in [0, 1) from `seed`, for code that wants Math.random's shape. */
export function seededRandom(seed: number): () => number {
  const rng = new Random(seed);
  return () => rng.unit();
}
