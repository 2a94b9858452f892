import * as fs from "node:fs";
import * as path from "node:path";
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

/**
 * Files and bytes below `dir`, to check a download's result outside the timing. Part files and
 * their sidecars (`.part`, `.json`) are left out unless `leftovers` is true, which counts them
 * so that a run leaving them behind shows.
 */
export function tally(dir: string, { leftovers = false }: { leftovers?: boolean } = {}): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const visit = (folder: string) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.isFile() && (leftovers || (!entry.name.endsWith(".part") && !entry.name.endsWith(".json")))) {
        files++;
        bytes += fs.statSync(full).size;
      }
    }
  };
  if (fs.existsSync(dir)) visit(dir);
  return { files, bytes };
}
