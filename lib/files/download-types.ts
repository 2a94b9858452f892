import type { RetryEvent, RetryPolicy } from "../core/retry.js";
import type { ResponseBody } from "../http/transport.js";

/**
 * How a file was checked before it got its final name: an MD5 from an HCP `.xdlm` manifest, from
 * a single-part S3 ETag, from an XNAT file listing's `digest`, or only its size.
 */
export type VerifiedBy = "md5-manifest" | "md5-etag" | "md5-digest" | "size";

/** One file a source offers: where it goes, how big it is, and how to check and resume it. */
export interface RemoteFile {
  /** The file's name below the target folder (`/`-separated, checked by `localPathFor`); progress and summaries name files by it. */
  key: string;
  /** Bytes, as the source lists them. */
  size: number;
  /** The expected MD5 as lower-case hex, when the source knows one. */
  md5?: string;
  /** Where `md5` came from (`"size"` when there is none). */
  verifiedBy: VerifiedBy;
  /** A validator of this version of the file (an ETag): a part file is resumed only if it was written for the same one, and range requests carry it. */
  validator?: string;
  /** What errors call the file: `s3://bucket/key`, a URL. */
  location: string;
}

/** A read of one file from byte `start` on, allowed only while the file still has `validator`. */
export interface ByteRange {
  start?: number;
  validator?: string;
  signal?: AbortSignal;
  /** The read's deadline in milliseconds (default the seam's: 5 min plus the body's length at 64 KiB/s). */
  totalTimeoutMs?: number;
}

/** An opened read: 206 when the range was honoured, 200 when the whole file comes. */
export interface OpenedBody {
  status: number;
  body: ResponseBody;
  /** The location errors name while the body is read (default the file's). */
  location?: string;
  /** False when the bytes come from this machine (a member of a zip already downloaded): they are not counted as received. */
  fromNetwork?: boolean;
}

/**
 * Where files come from. The engine lists them once, opens ranged reads, and asks the source how
 * to read its failures; everything else (part files, locks, resume, verification, renames,
 * concurrency, progress) is the engine's.
 */
export interface DownloadSource {
  /** Names the source in messages, e.g. `s3://bucket/prefix/`. */
  readonly name: string;
  /** The files to fetch, with sizes and, where known, digests and validators. */
  list(signal?: AbortSignal): Promise<RemoteFile[]>;
  /** Opens a read of `file` (see {@link ByteRange}); failures raise typed errors. */
  open(file: RemoteFile, range: ByteRange): Promise<OpenedBody>;
  /** A failure worth another attempt, resumed where the last one stopped. */
  isRetryable(error: unknown): boolean;
  /** A failure meaning the part file no longer fits the remote version (412, 416): the file starts over once. */
  isStale?(error: unknown): boolean;
}

/** What another process holding a part file is known by. */
export interface LockOwner {
  pid: number;
  host: string;
  /** When it took the lock (ISO time). */
  since: string;
}

/** Progress of a download: files and bytes done so far out of the totals. */
export interface DownloadProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  /** The file concerned (on `file` and `waiting` events). */
  key?: string;
  /** `waiting`: another process is writing `key`; this one waits for it (once nothing else is left to do). */
  event: "start" | "bytes" | "file" | "waiting" | "done";
}

/** What happened to one file. Every file has exactly one status. */
export interface DownloadedFile {
  key: string;
  path: string;
  size: number;
  status: "downloaded" | "resumed" | "skipped" | "failed";
  verifiedBy?: VerifiedBy;
  /** Set when another process was writing this file: who it was and how long this one waited for it. */
  waitedFor?: LockOwner & { ms: number };
  error?: Error;
}

/** The outcome of a download. */
export interface DownloadSummary {
  downloaded: number;
  skipped: number;
  /** Files completed from a partial copy with range requests (counted here, not in `downloaded`). */
  resumed: number;
  failed: number;
  /** Bytes received over the network. */
  bytes: number;
  ok: boolean;
  files: DownloadedFile[];
  failures: { key: string; error: Error }[];
}

/** What to do when another process is writing the same file into the same folder. */
export type BusyPolicy = "wait" | "fail";

/** Options every download takes, whatever the source. */
export interface TransferOptions {
  /** Files fetched at once (default 8). */
  concurrency?: number;
  /** Check the MD5 (where the source knows one) or the size before keeping a file (default true). */
  verify?: boolean;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Extra attempts per file after a dropped connection; each resumes where the last stopped (default 4). */
  retries?: number;
  /** Milliseconds without body data before a transfer counts as stalled and is resumed (default the client's, 60 s). */
  idleTimeoutMs?: number;
  /** Milliseconds one read may take in all before it is cut and resumed (default the client's, else 5 min plus the body's length at 64 KiB/s). */
  totalTimeoutMs?: number;
  /** Called before each retry of a file, for logging. */
  onRetry?: (event: RetryEvent) => void;
  /**
   * Another process writing the same file into the same folder (two notebooks, two array tasks):
   * `"wait"` (default) does the other files first, then waits for it and skips the file once
   * that process's copy verifies (or takes over its part file if it stopped); `"fail"` reports
   * the file as failed with `PartFileBusyError`.
   */
  onBusy?: BusyPolicy;
  /** Longest wait for another process's file before `PartFileBusyError` (default 30 minutes). */
  busyTimeoutMs?: number;
}

/** What the engine takes besides the public options: the client's backoff between attempts. */
export interface EngineOptions extends TransferOptions {
  /** Pauses between attempts (default `DEFAULT_RETRY`); the number of retries is `retries`. */
  retryPolicy?: RetryPolicy;
}
