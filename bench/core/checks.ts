import { isDeepStrictEqual } from "node:util";

/**
 * Fails the benchmark when the two sides did not produce the same answer: a fast wrong
 * answer must never count as a win.
 */
export function assertSameAnswer(what: string, anchor: unknown, neuroportal: unknown): void {
  if (!isDeepStrictEqual(anchor, neuroportal)) {
    throw new Error(`${what} differ: anchor ${JSON.stringify(anchor)?.slice(0, 300)} vs neuroportal ${JSON.stringify(neuroportal)?.slice(0, 300)}`);
  }
}

/** Fails the benchmark when a side's report lacks a figure or it is not what was expected. */
export function assertEqual(what: string, actual: unknown, expected: unknown): void {
  if (!isDeepStrictEqual(actual, expected)) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}
