import * as fs from "node:fs";
import type { RemoteFile } from "./download-types.js";
import { toLocalWriteError } from "./local-write.js";

/**
 * The files a download keeps beside its target while it is incomplete: `<target>.part` (the
 * bytes so far), `<target>.part.json` (which remote version they belong to) and
 * `<target>.part.lock` (which process writes them). Only the lock holder touches the first two.
 */
export interface PartFiles {
  target: string;
  part: string;
  sidecar: string;
  lock: string;
}

export function partFilesOf(target: string): PartFiles {
  return { target, part: `${target}.part`, sidecar: `${target}.part.json`, lock: `${target}.part.lock` };
}

interface Sidecar {
  key: string;
  validator?: string;
  size: number;
}

/**
 * Bytes of the part file that can be resumed: all of them when the sidecar names the same key,
 * size and validator (a version that cannot change under the same validator), else none. A file
 * without a validator is never resumed: its remote content may have changed.
 */
export function resumableOffset(files: PartFiles, file: RemoteFile): number {
  const stat = fs.lstatSync(files.part, { throwIfNoEntry: false });
  if (!stat?.isFile() || stat.size === 0 || stat.size > file.size || !file.validator) return 0;
  try {
    const sidecar = JSON.parse(fs.readFileSync(files.sidecar, "utf8")) as Sidecar & { etag?: string };
    const validator = sidecar.validator ?? sidecar.etag;
    return sidecar.key === file.key && sidecar.size === file.size && validator === file.validator ? stat.size : 0;
  } catch {
    return 0;
  }
}

/** Records which remote version the part file belongs to, in a new file: a link planted under its name is removed, never written through. */
export function writeSidecar(files: PartFiles, file: RemoteFile): void {
  try {
    fs.rmSync(files.sidecar, { force: true });
    fs.writeFileSync(files.sidecar, `${JSON.stringify({ key: file.key, validator: file.validator, size: file.size })}\n`, { flag: "wx" });
  } catch (error) {
    throw toLocalWriteError(error, files.sidecar);
  }
}

/** Removes the part file and its sidecar (not the lock). */
export function removePart(files: PartFiles): void {
  fs.rmSync(files.part, { force: true });
  fs.rmSync(files.sidecar, { force: true });
}
