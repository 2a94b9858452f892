import type { XnatFile } from "./file-listing.js";
import { FileOwner } from "./file-owner.js";
import { scanPath } from "./paths.js";
import type { XnatSession } from "./session.js";

/**
 * One scan of an imaging session, by ID: its resources (`DICOM`, `NIFTI`, ...) and files as
 * DataFrames, and a verified download to `<dir>/<resource>/<path>`. No request is made until it
 * is used.
 */
export class Scan extends FileOwner {
  /** The scan ID (e.g. `"2"`). */
  readonly id: string;

  constructor(session: XnatSession, experimentPath: string, experimentWhat: string, id: string) {
    super(session, scanPath(experimentPath, id), () => `scan ${JSON.stringify(id)} of ${experimentWhat}`);
    this.id = id;
  }

  /** `<resource>/<path>`. */
  protected override downloadKey(file: XnatFile): string {
    return `${file.resource}/${file.path}`;
  }
}
