/** Uniform numbers in [0, 1) from a deterministic source. */
export type Random = () => number;

/** mulberry32: one 32-bit seed, one repeatable stream of numbers in [0, 1). */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a hash of a string to 32 bits, to derive independent seeds from names. */
export function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A repeatable stream seeded by a number, or by any text (hashed), so each demo file has its own. */
export function seededRandom(seed: number | string): Random {
  return mulberry32(typeof seed === "string" ? hash32(seed) : seed);
}

/** A standard normal draw (Box-Muller) from a uniform source. */
export function gaussian(random: Random): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
