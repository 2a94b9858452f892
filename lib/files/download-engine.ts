import * as fs from "node:fs";
import * as path from "node:path";
import { IntegrityError, isIntegrityError } from "../errors.js";
import { NetworkError, UnexpectedContentError } from "../http/errors.js";
import { mapLimit } from "../core/pool.js";
import { DEFAULT_RETRY, withRetry } from "../core/retry.js";
import { appendBody } from "./append-body.js";
import type { DownloadedFile, DownloadSource, DownloadSummary, EngineOptions, LockOwner, RemoteFile, VerifiedBy } from "./download-types.js";
import { md5OfFile, md5WhileWriting, type FileHashStream } from "./file-hasher.js";
import { localPathFor } from "./local-path.js";
import { isLocalWriteFailure, toLocalWriteError } from "./local-write.js";
import { partFilesOf, removePart, resumableOffset, writeSidecar, type PartFiles } from "./part-file.js";
import { currentOwner, isPartLock, PartFileBusyError, tryLock, waitForLock, type PartLock } from "./part-lock.js";
import { ProgressState } from "./progress-state.js";

/** Default longest wait for another process's file. */
const DEFAULT_BUSY_TIMEOUT_MS = 30 * 60_000;

/** A file left for the second pass: another process was writing it. */
const DEFERRED = Symbol("deferred");

/**
 * Lists `source` and downloads its files below `dir`; see {@link downloadFiles}.
 */
export async function downloadFrom(source: DownloadSource, dir: string, options: EngineOptions = {}): Promise<DownloadSummary> {
  return downloadFiles(await source.list(options.signal), dir, source, options);
}

/**
 * The one download engine. Each file goes to `<dir>/<key>` through `<key>.part`, written by one
 * process at a time (`<key>.part.lock`, see `part-lock.ts`), with a `.part.json` sidecar naming
 * the remote version; it gets its final name (an atomic rename) only once complete and verified
 * (MD5 where the source knows one, taken on a worker thread as each batch lands, else size).
 * Dropped, stalled or refused transfers are retried and resumed with range requests (carrying
 * the file's validator); a copy that fails verification is deleted and fetched once more before
 * the file fails with `IntegrityError`; files already present and verified are skipped. At most
 * `concurrency` files move at once. Files another process is writing are done last: this
 * process waits for them and skips each once that copy verifies (or fails them with
 * `PartFileBusyError` when `onBusy` is `"fail"`). Every file ends with one status; failures are
 * typed; an abort rejects the whole download and keeps the part files for later.
 */
export async function downloadFiles(files: readonly RemoteFile[], dir: string, source: DownloadSource, options: EngineOptions = {}): Promise<DownloadSummary> {
  const progress = new ProgressState(files.length, files.reduce((sum, f) => sum + (hasListedSize(f) ? f.size : 0), 0), options.onProgress);
  const received = { bytes: 0 };
  const concurrency = options.concurrency ?? 8;
  progress.emit("start");
  const attempt = async (file: RemoteFile, wait: boolean): Promise<DownloadedFile | typeof DEFERRED> => {
    options.signal?.throwIfAborted();
    let target = "";
    let result: DownloadedFile | typeof DEFERRED;
    try {
      target = localPathFor(dir, file.key);
      if (!hasListedSize(file)) {
        throw new UnexpectedContentError("a listed size in bytes", "text", file.location, `${file.key} is listed with size ${String(file.size)}`, "the listing is damaged or does not say how large the file is; nothing was fetched for it");
      }
      result = await fetchOne(file, target, source, options, progress, received, wait);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      result = { key: file.key, path: target, size: file.size, status: "failed", error: typedFailure(error, target) };
    }
    if (result !== DEFERRED) progress.file(file.key);
    return result;
  };
  const results = await mapLimit(files, concurrency, (file) => attempt(file, false));
  const deferred = results.flatMap((result, index) => (result === DEFERRED ? [index] : []));
  const waited = await mapLimit(deferred, concurrency, (index) => attempt(files[index], true));
  deferred.forEach((index, i) => (results[index] = waited[i]));
  progress.emit("done");
  return summarize(results as DownloadedFile[], received.bytes);
}

/** A size the engine can bound the body by, verify against and resume from: a whole number of bytes. */
function hasListedSize(file: RemoteFile): boolean {
  return Number.isSafeInteger(file.size) && file.size >= 0;
}

function summarize(files: DownloadedFile[], bytes: number): DownloadSummary {
  const count = (status: DownloadedFile["status"]) => files.filter((file) => file.status === status).length;
  const failures = files.filter((file) => file.status === "failed").map((file) => ({ key: file.key, error: file.error! }));
  return { downloaded: count("downloaded"), skipped: count("skipped"), resumed: count("resumed"), failed: failures.length, bytes, ok: failures.length === 0, files, failures };
}

async function fetchOne(
  file: RemoteFile,
  target: string,
  source: DownloadSource,
  options: EngineOptions,
  progress: ProgressState,
  received: { bytes: number },
  wait: boolean,
): Promise<DownloadedFile | typeof DEFERRED> {
  const expectedMd5 = options.verify === false ? undefined : file.md5;
  const verifiedBy: VerifiedBy = expectedMd5 ? file.verifiedBy : "size";
  const done = (status: DownloadedFile["status"], waitedFor?: DownloadedFile["waitedFor"]): DownloadedFile => ({ key: file.key, path: target, size: file.size, status, verifiedBy, ...(waitedFor ? { waitedFor } : {}) });
  if (await alreadyPresent(target, file.size, expectedMd5)) {
    progress.bytes(file.size);
    return done("skipped");
  }
  try {
    fs.mkdirSync(path.dirname(target), { recursive: true });
  } catch (error) {
    throw toLocalWriteError(error, path.dirname(target));
  }
  const parts = partFilesOf(target);
  let lock: PartLock;
  let waitedFor: (LockOwner & { ms: number }) | undefined;
  if (!wait) {
    const got = tryLock(parts.lock);
    if (!isPartLock(got)) {
      if (options.onBusy === "fail") throw new PartFileBusyError(target, got, "busy");
      return DEFERRED;
    }
    lock = got;
  } else {
    ({ lock, waitedFor } = await waitForLock(parts.lock, target, {
      timeoutMs: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
      signal: options.signal,
      onWait: () => progress.emit("waiting", file.key),
    }));
  }
  try {
    if (fs.existsSync(target) && (await alreadyPresent(target, file.size, expectedMd5))) {
      progress.bytes(file.size);
      return done("skipped", waitedFor);
    }
    for (let round = 0; ; round++) {
      const counted = { bytes: 0 };
      let problem: string | undefined;
      let transfer: { resumed: boolean; hash?: FileHashStream } = { resumed: false };
      try {
        transfer = await transferToPart(file, parts, source, options, progress, received, counted, expectedMd5 !== undefined);
      } catch (error) {
        if (!isIntegrityError(error)) throw error;
        problem = error.message;
      }
      if (!problem) {
        const size = fs.statSync(parts.part).size;
        if (size !== file.size) {
          transfer.hash?.drop();
          problem = `size ${size} B, expected ${file.size} B`;
        } else if (expectedMd5) {
          const md5 = await (transfer.hash ? transfer.hash.digest() : md5OfFile(parts.part));
          if (md5 !== expectedMd5) problem = `MD5 ${md5}, expected ${expectedMd5} (${verifiedBy})`;
        }
      }
      if (!problem) {
        if (!lock.held()) throw new PartFileBusyError(target, currentOwner(parts.lock) ?? { pid: 0, host: "unknown", since: "" }, "lost");
        try {
          fs.renameSync(parts.part, target);
        } catch (error) {
          throw toLocalWriteError(error, target);
        }
        fs.rmSync(parts.sidecar, { force: true });
        return done(transfer.resumed ? "resumed" : "downloaded", waitedFor);
      }
      removePart(parts);
      progress.bytes(-counted.bytes);
      if (round >= 1) throw new IntegrityError(`${file.location} failed verification twice: ${problem}`, undefined, "the copy was deleted; the file at the source may be damaged — report it to the data provider");
    }
  } finally {
    lock.release();
  }
}

async function alreadyPresent(target: string, size: number, md5: string | undefined): Promise<boolean> {
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (!stat?.isFile() || stat.size !== size) return false;
  return md5 === undefined || (await md5OfFile(target)) === md5;
}

/**
 * Brings the part file to the listed size: resumes it when its sidecar names the same version,
 * else starts it afresh; each attempt is one ranged read appended to it, retried with backoff
 * while the source calls the failure retryable. Returns whether bytes from an earlier attempt
 * or run were kept, and the MD5 stream fed as the bytes landed.
 */
async function transferToPart(
  file: RemoteFile,
  parts: PartFiles,
  source: DownloadSource,
  options: EngineOptions,
  progress: ProgressState,
  received: { bytes: number },
  counted: { bytes: number },
  hashing: boolean,
): Promise<{ resumed: boolean; hash?: FileHashStream }> {
  let offset = resumableOffset(parts, file);
  if (offset === 0) fs.rmSync(parts.part, { force: true });
  writeSidecar(parts, file);
  let resumed = offset > 0;
  const recount = () => {
    offset = fs.statSync(parts.part, { throwIfNoEntry: false })?.size ?? 0;
    progress.bytes(offset - counted.bytes);
    counted.bytes = offset;
  };
  recount();
  let hash = hashing ? md5WhileWriting(parts.part) : undefined;
  const restart = () => {
    fs.rmSync(parts.part, { force: true });
    hash?.drop();
    hash = hashing ? md5WhileWriting(parts.part) : undefined;
    recount();
    resumed = false;
  };
  const policy = { ...(options.retryPolicy ?? DEFAULT_RETRY), retries: options.retries ?? 4 };
  /** One read from `offset` on, appended to the part file; a stale part (412/416: the file changed) starts over once within the attempt. */
  const attempt = async () => {
    for (let restarted = false; ; restarted = true) {
      try {
        const response = await source.open(file, { start: offset > 0 ? offset : undefined, validator: offset > 0 ? file.validator : undefined, signal: options.signal, totalTimeoutMs: options.totalTimeoutMs });
        if (offset > 0 && response.status !== 206) restart();
        const location = response.location ?? file.location;
        const base = offset;
        const network = response.fromNetwork !== false;
        const onChunk = (chunk: Uint8Array) => {
          if (network) received.bytes += chunk.byteLength;
          counted.bytes += chunk.byteLength;
          progress.bytes(chunk.byteLength);
        };
        const read = { location, idleTimeoutMs: options.idleTimeoutMs, signal: options.signal };
        await appendBody(response.body, parts.part, base > 0, read, onChunk, (written) => hash?.advance(base + written), file.size - base);
        const size = fs.statSync(parts.part).size;
        if (size < file.size) throw new NetworkError(`the body of ${location} ended after ${size} of ${file.size} bytes`, location, undefined, "the connection was cut; it is resumed automatically — run the download again if it keeps failing");
        offset = size;
        return;
      } catch (error) {
        if (!restarted && !options.signal?.aborted && source.isStale?.(error)) {
          restart();
          continue;
        }
        recount();
        if (offset > 0) resumed = true;
        throw error;
      }
    }
  };
  try {
    if (offset < file.size || (file.size === 0 && !fs.existsSync(parts.part))) await withRetry(attempt, { policy, isRetryable: (error) => source.isRetryable(error), signal: options.signal, onRetry: options.onRetry });
  } catch (error) {
    hash?.drop();
    throw error;
  }
  return { resumed, hash };
}

/** The error of a failed file, typed: local write failures as `LocalWriteError`, the rest as raised (the seam types network failures). */
function typedFailure(error: unknown, target: string): Error {
  return (isLocalWriteFailure(error) ? toLocalWriteError(error, target) : error) as Error;
}
