import { NeuroportalError } from "../errors.js";

/**
 * Why an archive could not be used: `damaged` (truncated or corrupt bytes, worth downloading
 * again), `unsupported` (zip64, encryption, other compression), `missing-member` (a readable
 * archive without the expected files), `too-large` (a member larger than expected or than
 * deflate can produce: a zip bomb).
 */
export type ZipProblem = "damaged" | "unsupported" | "missing-member" | "too-large";

/** The bytes are not a readable zip archive (truncated, corrupt, or a page that is not a zip). */
export class ZipFormatError extends NeuroportalError {
  readonly problem: ZipProblem;
  constructor(message: string, source?: string, problem: ZipProblem = "damaged", hint = problem === "damaged" ? "the archive is damaged or incomplete; download it again" : undefined) {
    super("E_ZIP", message, { url: source, hint });
    this.problem = problem;
  }
}

export const isZipFormatError = (e: unknown): e is ZipFormatError => e instanceof ZipFormatError;
