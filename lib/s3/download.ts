import * as fs from "node:fs";
import * as path from "node:path";
import { IntegrityError } from "../errors.js";
import { NetworkError, isNetworkError, isTimeoutError } from "../http/errors.js";
import { bodyChunks, type BodyReadOptions } from "../http/body.js";
import type { ResponseBody } from "../http/transport.js";
import { etagIsMd5 } from "./entries.js";
import { isS3Error, isTransientS3Error } from "./errors.js";
import { isLocalWriteFailure, toLocalWriteError } from "../files/local-write.js";
import { FileHashStream, md5OfFile, md5WhileWriting } from "../files/file-hasher.js";
import { localPathFor } from "./paths.js";
import { mapLimit } from "../core/pool.js";
import { DEFAULT_RETRY, withRetry, type RetryEvent, type RetryPolicy } from "../core/retry.js";

/** An object to fetch: its key and what the listing says about it. */
export interface RemoteObject {
  key: string;
  size: number;
  /** Unquoted ETag. */
  etag?: string;
}

/** A ranged GET: the one I/O call the downloader makes. */
export type ObjectGetter = (key: string, options: { start?: number; ifMatch?: string; signal?: AbortSignal }) => Promise<{ status: number; body: ResponseBody; location?: string }>;

/** Progress of a download: files and bytes done so far out of the totals. */
export interface DownloadProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  /** The file that just finished (on `file` events). */
  key?: string;
  event: "start" | "bytes" | "file" | "done";
}

/** How a file was checked. */
export type VerifiedBy = "md5-manifest" | "md5-etag" | "size";

/** What happened to one file. Every file has exactly one status. */
export interface DownloadedFile {
  key: string;
  path: string;
  size: number;
  status: "downloaded" | "resumed" | "skipped" | "failed";
  verifiedBy?: VerifiedBy;
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

/** Options of `download`. */
export interface DownloadOptions {
  /** Files fetched at once (default 8). */
  concurrency?: number;
  /** Check MD5 (manifest, else single-part ETag) or size before keeping a file (default true). */
  verify?: boolean;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Extra attempts per file after a dropped connection; each resumes where the last stopped (default 4). */
  retries?: number;
  /** Milliseconds without body data before a transfer counts as stalled and is resumed (default the bucket's, 60 s). */
  idleTimeoutMs?: number;
  /** Accept a prefix that holds no object (default false: `S3Error` with code `E_S3_NOT_FOUND`). */
  allowEmpty?: boolean;
  /** Called before each retry of a file (and of listings and small reads), for logging. */
  onRetry?: (event: RetryEvent) => void;
}

/** What {@link downloadObjects} takes besides the public options: the bucket's backoff. */
export interface DownloadRun extends DownloadOptions {
  /** Pauses between attempts (default `DEFAULT_RETRY`); the number of retries is `retries`. */
  retryPolicy?: RetryPolicy;
}

/** Expected MD5 per key, from `.xdlm` manifests. */
export type ChecksumIndex = ReadonlyMap<string, string>;

const PART_SUFFIX = ".part";
const SIDECAR_SUFFIX = ".part.json";
/** Progress events come at least every 100 ms or every 256 KiB, whichever is first. */
const PROGRESS_INTERVAL_MS = 100;
const PROGRESS_BYTES = 256 * 1024;

interface Sidecar {
  key: string;
  etag?: string;
  size: number;
}

class Progress {
  private last = 0;
  private bytesAtLast = 0;
  constructor(
    private readonly state: DownloadProgress,
    private readonly listener?: (progress: DownloadProgress) => void,
  ) {}
  bytes(delta: number) {
    this.state.bytesDone += delta;
    if (Date.now() - this.last >= PROGRESS_INTERVAL_MS || Math.abs(this.state.bytesDone - this.bytesAtLast) >= PROGRESS_BYTES) this.emit("bytes");
  }
  file(key: string) {
    this.state.filesDone++;
    this.emit("file", key);
  }
  emit(event: DownloadProgress["event"], key?: string) {
    this.last = Date.now();
    this.bytesAtLast = this.state.bytesDone;
    this.listener?.({ ...this.state, event, key });
  }
}

/**
 * Downloads objects to `<dir>/<key>` with bounded concurrency, streaming each to a `.part` file
 * (plus a `.part.json` sidecar with its ETag and size) that is renamed only once complete and
 * verified. The MD5 is taken from the bytes on disk as each batch lands, on a worker thread, so
 * verification runs beside the transfer rather than after it. Dropped connections resume with
 * range requests; verified files already present are skipped; a checksum mismatch deletes the
 * copy and fetches it once more before failing.
 */
export async function downloadObjects(objects: readonly RemoteObject[], dir: string, get: ObjectGetter, checksums: ChecksumIndex, options: DownloadRun = {}): Promise<DownloadSummary> {
  const verify = options.verify ?? true;
  const files = objects.filter((object) => !object.key.endsWith("/"));
  const state: DownloadProgress = { filesDone: 0, filesTotal: files.length, bytesDone: 0, bytesTotal: files.reduce((sum, f) => sum + f.size, 0), event: "start" };
  const progress = new Progress(state, options.onProgress);
  const received = { bytes: 0 };
  progress.emit("start");
  const results = await mapLimit(files, options.concurrency ?? 8, async (object) => {
    options.signal?.throwIfAborted();
    let target = "";
    try {
      target = localPathFor(dir, object.key);
      return await fetchOne(object, target, get, checksums.get(object.key), verify, options, progress, received);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      return { key: object.key, path: target, size: object.size, status: "failed", error: typedFailure(error, target) } as DownloadedFile;
    } finally {
      progress.file(object.key);
    }
  });
  progress.emit("done");
  const count = (status: DownloadedFile["status"]) => results.filter((file) => file.status === status).length;
  const failures = results.filter((file) => file.status === "failed").map((file) => ({ key: file.key, error: file.error! }));
  return {
    downloaded: count("downloaded"),
    skipped: count("skipped"),
    resumed: count("resumed"),
    failed: failures.length,
    bytes: received.bytes,
    ok: failures.length === 0,
    files: results,
    failures,
  };
}

async function fetchOne(
  object: RemoteObject,
  target: string,
  get: ObjectGetter,
  manifestMd5: string | undefined,
  verify: boolean,
  options: DownloadRun,
  progress: Progress,
  received: { bytes: number },
): Promise<DownloadedFile> {
  const expectedMd5 = !verify ? undefined : manifestMd5 ?? (etagIsMd5(object.etag) ? object.etag.toLowerCase() : undefined);
  const verifiedBy: VerifiedBy = !expectedMd5 ? "size" : manifestMd5 ? "md5-manifest" : "md5-etag";
  const done = (status: DownloadedFile["status"]): DownloadedFile => ({ key: object.key, path: target, size: object.size, status, verifiedBy });
  if (await alreadyPresent(target, object.size, expectedMd5)) {
    progress.bytes(object.size);
    return done("skipped");
  }
  const part = target + PART_SUFFIX;
  try {
    fs.mkdirSync(path.dirname(target), { recursive: true });
  } catch (error) {
    throw toLocalWriteError(error, path.dirname(target));
  }
  for (let round = 0; ; round++) {
    const counted = { bytes: 0 };
    const transfer = await transferToPart(object, part, get, options, progress, received, counted, expectedMd5 !== undefined);
    const size = fs.statSync(part).size;
    let problem: string | undefined;
    if (size !== object.size) {
      transfer.hash?.drop();
      problem = `size ${size} B, expected ${object.size} B`;
    } else if (expectedMd5) {
      const md5 = await (transfer.hash ? transfer.hash.digest() : md5OfFile(part));
      if (md5 !== expectedMd5) problem = `MD5 ${md5}, expected ${expectedMd5} (${verifiedBy})`;
    }
    if (!problem) {
      try {
        fs.renameSync(part, target);
      } catch (error) {
        throw toLocalWriteError(error, target);
      }
      fs.rmSync(target + SIDECAR_SUFFIX, { force: true });
      return done(transfer.resumed ? "resumed" : "downloaded");
    }
    removePart(target);
    progress.bytes(-counted.bytes);
    if (round >= 1) throw new IntegrityError(`s3 object ${object.key} failed verification twice: ${problem}`, undefined, "the copy was deleted; the object in the bucket may be damaged — report it to the data provider");
  }
}

async function alreadyPresent(target: string, size: number, md5: string | undefined): Promise<boolean> {
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (!stat?.isFile() || stat.size !== size) return false;
  return md5 === undefined || (await md5OfFile(target)) === md5;
}

async function transferToPart(
  object: RemoteObject,
  part: string,
  get: ObjectGetter,
  options: DownloadRun,
  progress: Progress,
  received: { bytes: number },
  counted: { bytes: number },
  hashing: boolean,
): Promise<{ resumed: boolean; hash?: FileHashStream }> {
  const sidecarFile = part.slice(0, -PART_SUFFIX.length) + SIDECAR_SUFFIX;
  let offset = resumableOffset(part, sidecarFile, object);
  if (offset === 0) fs.rmSync(part, { force: true });
  try {
    writeSidecar(sidecarFile, { key: object.key, etag: object.etag, size: object.size });
  } catch (error) {
    throw toLocalWriteError(error, sidecarFile);
  }
  let resumed = offset > 0;
  const recount = () => {
    offset = fs.statSync(part, { throwIfNoEntry: false })?.size ?? 0;
    progress.bytes(offset - counted.bytes);
    counted.bytes = offset;
  };
  recount();
  let hash = hashing ? md5WhileWriting(part) : undefined;
  const restartHash = () => {
    hash?.drop();
    hash = hashing ? md5WhileWriting(part) : undefined;
  };
  const policy = { ...(options.retryPolicy ?? DEFAULT_RETRY), retries: options.retries ?? 4 };
  /** One GET from `offset` on, appended to the part file; a 412/416 (the object changed, or the part is stale) starts the file over once within the attempt. */
  const attempt = async () => {
    for (let restarted = false; ; restarted = true) {
      try {
        const response = await get(object.key, { start: offset > 0 ? offset : undefined, ifMatch: offset > 0 ? object.etag : undefined, signal: options.signal });
        if (offset > 0 && response.status !== 206) {
          fs.rmSync(part, { force: true });
          restartHash();
          recount();
          resumed = false;
        }
        const location = response.location ?? object.key;
        const base = offset;
        const onChunk = (chunk: Uint8Array) => {
          received.bytes += chunk.byteLength;
          counted.bytes += chunk.byteLength;
          progress.bytes(chunk.byteLength);
        };
        const read = { location, idleTimeoutMs: options.idleTimeoutMs, signal: options.signal };
        await appendBody(response.body, part, base > 0, read, onChunk, (written) => hash?.advance(base + written));
        const size = fs.statSync(part).size;
        if (size < object.size) throw new NetworkError(`the body of ${location} ended after ${size} of ${object.size} bytes`, location, undefined, "the connection was cut; it is resumed automatically — run the download again if it keeps failing");
        offset = size;
        return;
      } catch (error) {
        if (!restarted && !options.signal?.aborted && isS3Error(error) && (error.status === 416 || error.status === 412)) {
          fs.rmSync(part, { force: true });
          restartHash();
          recount();
          continue;
        }
        recount();
        if (offset > 0) resumed = true;
        throw error;
      }
    }
  };
  try {
    if (offset < object.size || (object.size === 0 && !fs.existsSync(part))) await withRetry(attempt, { policy, isRetryable, signal: options.signal, onRetry: options.onRetry });
  } catch (error) {
    hash?.drop();
    throw error;
  }
  return { resumed, hash };
}

/** Body chunks are gathered up to this size, or for at most this long, before each write: fewer, larger writes, and a stalled body still reaches the disk (resume loses nothing). */
const WRITE_BATCH_BYTES = 1 << 20;
const WRITE_BATCH_MS = 20;

/**
 * Streams a body to the end of `file` with backpressure, calling `onWritten` with the bytes
 * this call has written once each batch is on disk. The body is read by the seam's one body
 * reader (idle timeout, abort, dropped connections typed). Whatever arrived before an error or
 * an abort is flushed to disk before the error propagates, so a resume loses nothing.
 */
async function appendBody(
  body: ResponseBody,
  file: string,
  append: boolean,
  read: BodyReadOptions,
  onChunk: (chunk: Uint8Array) => void,
  onWritten: (bytesWritten: number) => void,
): Promise<void> {
  const out = fs.createWriteStream(file, { flags: append ? "a" : "w", highWaterMark: WRITE_BATCH_BYTES });
  let writeError: Error | undefined;
  out.on("error", (error) => {
    writeError ??= error;
    body.destroy(error);
  });
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let flushTimer: NodeJS.Timeout | undefined;
  const flush = (): boolean => {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    if (pendingBytes === 0 || out.destroyed) return true;
    const batch = pending;
    pending = [];
    pendingBytes = 0;
    const last = batch.length - 1;
    out.cork();
    for (let index = 0; index < last; index++) out.write(batch[index]);
    const ok = out.write(batch[last], (error) => error || onWritten(out.bytesWritten));
    out.uncork();
    return ok;
  };
  try {
    for await (const chunk of bodyChunks(body, read)) {
      onChunk(chunk);
      pending.push(chunk);
      pendingBytes += chunk.byteLength;
      if (pendingBytes >= WRITE_BATCH_BYTES) {
        if (!flush()) await drained(out);
      } else {
        flushTimer ??= setTimeout(flush, WRITE_BATCH_MS);
        if (out.writableNeedDrain) await drained(out);
      }
      if (writeError) throw writeError;
    }
    if (writeError) throw writeError;
  } catch (error) {
    throw writeError ? toLocalWriteError(writeError, file) : error;
  } finally {
    if (!writeError) flush();
    clearTimeout(flushTimer);
    await new Promise<void>((resolve, reject) => {
      if (out.destroyed) return resolve();
      out.end((error?: Error | null) => (error && !writeError ? reject(toLocalWriteError(error, file)) : resolve()));
    });
  }
}

/** Resolves once `out` drained, or closed after an error. */
function drained(out: fs.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off("drain", done);
      out.off("close", done);
      resolve();
    };
    out.on("drain", done);
    out.on("close", done);
  });
}

/** The error of a failed file, typed: local write failures as {@link LocalWriteError}, the rest as raised (the seam types network failures). */
function typedFailure(error: unknown, target: string): Error {
  return (isLocalWriteFailure(error) ? toLocalWriteError(error, target) : error) as Error;
}

/** A transfer worth another attempt (resumed from where it stopped): dropped, stalled, or refused by an overloaded or failing server. */
function isRetryable(error: unknown): boolean {
  if (isS3Error(error)) return isTransientS3Error(error);
  return isNetworkError(error) || isTimeoutError(error);
}

function resumableOffset(part: string, sidecarFile: string, object: RemoteObject): number {
  const stat = fs.statSync(part, { throwIfNoEntry: false });
  if (!stat?.isFile() || stat.size === 0 || stat.size > object.size) return 0;
  try {
    const sidecar = JSON.parse(fs.readFileSync(sidecarFile, "utf8")) as Sidecar;
    return sidecar.key === object.key && sidecar.size === object.size && sidecar.etag === object.etag && object.etag ? stat.size : 0;
  } catch {
    return 0;
  }
}

function writeSidecar(file: string, sidecar: Sidecar): void {
  fs.writeFileSync(file, `${JSON.stringify(sidecar)}\n`);
}

function removePart(target: string): void {
  fs.rmSync(target + PART_SUFFIX, { force: true });
  fs.rmSync(target + SIDECAR_SUFFIX, { force: true });
}

