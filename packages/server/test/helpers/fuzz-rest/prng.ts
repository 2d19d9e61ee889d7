/**
 * A small seeded PRNG (mulberry32): the same seed gives the same inputs, so that a failure found by a
 * fuzz run is replayed with its `FUZZ_SEED`.
 */
export class Prng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from nothing');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** `length` characters drawn from `alphabet`. */
  string(length: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }
}

/** The seed of a run: `FUZZ_SEED`, else a fixed one (CI runs the same inputs each time). */
export function fuzzSeed(): number {
  const given = process.env.FUZZ_SEED;
  return given === undefined || given === '' ? 20261201 : Number(given) >>> 0;
}

/** `FUZZ_N` (inputs per endpoint), else `fallback`. */
export function fuzzCount(fallback: number): number {
  const given = Number(process.env.FUZZ_N);
  return Number.isInteger(given) && given > 0 ? given : fallback;
}
