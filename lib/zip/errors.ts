import { NeuroportalError } from "../http/errors.js";

/** The bytes are not a readable zip archive (truncated, corrupt, or a page that is not a zip). */
export class ZipFormatError extends NeuroportalError {
  constructor(message: string, source?: string, hint = "the archive is damaged or incomplete; download it again") {
    super("E_ZIP", message, { url: source, hint });
  }
}

export const isZipFormatError = (e: unknown): e is ZipFormatError => e instanceof ZipFormatError;
