import * as fs from "node:fs";
import * as path from "node:path";
import { NeuroportalError } from "../errors.js";

/** Node error codes that mean "this machine cannot write there", with what to do about each. */
const WRITE_PROBLEMS: Readonly<Record<string, { problem: string; hint: string }>> = {
  ENOSPC: { problem: "the disk is full", hint: "free some space or choose a folder on another disk, then run the download again (complete files are kept and skipped)" },
  EFBIG: { problem: "the file is larger than this system allows (file-size limit or a full disk)", hint: "raise the file-size limit (ulimit -f) or choose another disk, then run the download again" },
  EDQUOT: { problem: "the disk quota is exhausted", hint: "free some space in your quota or choose another folder, then run the download again" },
  EACCES: { problem: "permission denied", hint: "choose a folder you can write to, or change its permissions" },
  EPERM: { problem: "the operation is not permitted", hint: "choose a folder you can write to, or change its permissions" },
  EROFS: { problem: "the file system is read-only", hint: "choose a folder on a writable disk" },
  ENOTDIR: { problem: "a file stands where a folder is needed", hint: "choose another target folder, or move that file away" },
  EEXIST: { problem: "a file stands where a folder is needed", hint: "choose another target folder, or move that file away" },
  EISDIR: { problem: "a folder stands where a file is to be written", hint: "choose another target folder, or move that folder away" },
  ENAMETOOLONG: { problem: "the path is too long for this file system", hint: "choose a target folder with a shorter path" },
};

/** Writing to the local disk failed (full disk, no permission, a file where a folder should be); nothing was left half-written. */
export class LocalWriteError extends NeuroportalError {
  /** The local path that could not be written. */
  readonly path: string;
  /** The Node error code, e.g. `ENOSPC`. */
  readonly osCode: string;
  constructor(target: string, osCode: string, cause?: unknown) {
    const known = WRITE_PROBLEMS[osCode];
    super("E_LOCAL_WRITE", `cannot write ${target}: ${known?.problem ?? `the system refused (${osCode})`}`, {
      hint: known?.hint ?? "check the target folder and the free disk space, then run the download again",
      cause,
    });
    this.path = target;
    this.osCode = osCode;
  }
}

export const isLocalWriteError = (e: unknown): e is LocalWriteError => e instanceof LocalWriteError;

/** True for a Node file-system error that {@link LocalWriteError} describes. */
export function isLocalWriteFailure(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" && code in WRITE_PROBLEMS && !(error instanceof NeuroportalError);
}

/** `error` as a {@link LocalWriteError} when it is a local write failure; otherwise unchanged. */
export function toLocalWriteError(error: unknown, target: string): unknown {
  if (!isLocalWriteFailure(error)) return error;
  const e = error as { code: string; path?: string };
  return new LocalWriteError(e.path ?? target, e.code, error);
}

/**
 * Checks, before any request and without creating anything, that files can be written below
 * `dir`: the folder (or, when it does not exist yet, its nearest existing parent) must be a
 * folder this process may write to. Raises {@link LocalWriteError} otherwise.
 */
export function assertWritableFolder(dir: string): void {
  let folder = path.resolve(dir);
  for (;;) {
    const stat = statOf(folder);
    if (stat) {
      if (!stat.isDirectory()) throw new LocalWriteError(folder, "ENOTDIR");
      try {
        fs.accessSync(folder, fs.constants.W_OK | fs.constants.X_OK);
      } catch (error) {
        throw toLocalWriteError(error, folder);
      }
      return;
    }
    const parent = path.dirname(folder);
    if (parent === folder) return;
    folder = parent;
  }
}

function statOf(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw toLocalWriteError(error, file);
  }
}

/**
 * Writes `text` to `file` through a temporary file beside it and a rename, so a reader never
 * sees half a file; on failure the temporary file is removed and the error is a
 * {@link LocalWriteError} where the machine refused the write.
 */
export function writeFileAtomically(file: string, text: string, mode = 0o644): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temp, text, { mode });
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw toLocalWriteError(error, file);
  }
}
