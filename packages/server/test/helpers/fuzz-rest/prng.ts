/** How much a REST fuzz run does and from which seed (the generator is test/helpers/prng.ts). */

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
