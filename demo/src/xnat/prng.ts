import { gaussian, hash32, mulberry32 } from "../prng.js";

/** A small seeded pseudo-random generator (mulberry32) with the draws the demo data needs. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** Normal draw (Box-Muller). */
  normal(mean: number, sd: number): number;
  /** Normal draw rounded to an integer and clipped to [min, max]. */
  normalInt(mean: number, sd: number, min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of `items`. */
  pick<T>(items: readonly T[]): T;
}

/** A generator seeded from a base seed and a name (e.g. a subject label and a score group). */
export function randomFrom(seed: number, ...names: string[]): Random {
  const next = mulberry32(hash32(`${seed}/${names.join("/")}`) || 1);
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    normal: (mean, sd) => mean + sd * gaussian(next),
    normalInt: (mean, sd, min, max) => Math.min(max, Math.max(min, Math.round(random.normal(mean, sd)))),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)],
  };
  return random;
}
