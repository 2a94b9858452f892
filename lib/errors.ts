import { inspect, type InspectOptions } from "node:util";
import { redact } from "./core/redact.js";

/** Base class of every error neuroportal raises; its message is already redacted. */
export class NeuroportalError extends Error {
  /** Machine-readable error code, stable across releases. */
  readonly code: string;
  /** The URL involved, redacted, when there is one. */
  readonly url?: string;
  /** What the user can do about it. */
  readonly hint?: string;
  /** Attempts made before giving up, when the operation was retried (set by the retry loop). */
  attempts?: number;
  /** Milliseconds from the first attempt until giving up, when the operation was retried. */
  elapsedMs?: number;

  constructor(code: string, message: string, options: { url?: string; hint?: string; cause?: unknown } = {}) {
    const url = options.url === undefined ? undefined : redact(options.url);
    const parts = [message];
    if (url && !message.includes(url)) parts.push(`(${url})`);
    if (options.hint) parts.push(`— ${options.hint}`);
    super(redact(parts.join(" ")), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.url = url;
    this.hint = options.hint ? redact(options.hint) : undefined;
  }

  /**
   * `util.inspect` (console.log, a notebook showing the error) prints the error as usual, its
   * `cause` chain included, with registered secrets and URL user info removed: a cause from a
   * lower layer may quote a server's answer or a request verbatim.
   */
  [inspect.custom](_depth: number, options: InspectOptions, show: typeof inspect = inspect): string {
    return redact(show(this, { ...options, customInspect: false }));
  }
}

/** A value given by the caller is not acceptable; nothing was sent. */
export class InvalidArgumentError extends NeuroportalError {
  constructor(message: string, hint?: string) {
    super("E_ARGUMENT", message, { hint });
  }
}

/**
 * A path or key from data would escape the folder it belongs in: written outside the target
 * (zip slip, `..` in an S3 key) or read outside a header's folder (a MetaImage `ElementDataFile`
 * of `/etc/passwd` or `../..`).
 */
export class UnsafePathError extends NeuroportalError {
  readonly path: string;
  /** `reason` says why when it is not "outside the folder" (e.g. an empty segment that would make two names one file); `action` is what was refused. */
  constructor(path: string, where: string, reason = `it would land outside ${where}`, action: "write" | "read" = "write") {
    super("E_UNSAFE_PATH", `refusing to ${action} ${JSON.stringify(path)}: ${reason}`, {
      hint: action === "write" ? "the archive or bucket holds an unsafe name; nothing was written for it" : "the file names a data file elsewhere on this machine; data files must sit in the header's folder — nothing was read",
    });
    this.path = path;
  }
}

/** Data arrived but failed verification (size or checksum). */
export class IntegrityError extends NeuroportalError {
  constructor(message: string, url?: string, hint = "the file was not kept; run the download again") {
    super("E_INTEGRITY", message, { url, hint });
  }
}

export const isNeuroportalError = (e: unknown): e is NeuroportalError => e instanceof NeuroportalError;
export const isInvalidArgumentError = (e: unknown): e is InvalidArgumentError => e instanceof InvalidArgumentError;
export const isUnsafePathError = (e: unknown): e is UnsafePathError => e instanceof UnsafePathError;
export const isIntegrityError = (e: unknown): e is IntegrityError => e instanceof IntegrityError;
