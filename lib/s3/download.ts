import { isNetworkError, isTimeoutError } from "../http/errors.js";
import type { ResponseBody } from "../http/transport.js";
import { downloadFiles } from "../files/download-engine.js";
import type { DownloadSource, DownloadSummary, EngineOptions, RemoteFile, TransferOptions } from "../files/download-types.js";
import { etagIsMd5 } from "./entries.js";
import { isS3Error, isTransientS3Error } from "./errors.js";

export type { DownloadProgress, DownloadSummary, DownloadedFile, VerifiedBy } from "../files/download-types.js";

/** An object to fetch: its key and what the listing says about it. */
export interface RemoteObject {
  key: string;
  size: number;
  /** Unquoted ETag. */
  etag?: string;
}

/** A ranged GET (only while the ETag is still `ifMatch`): the one I/O call an S3 download makes. */
export type ObjectGetter = (key: string, options: { start?: number; ifMatch?: string; signal?: AbortSignal; totalTimeoutMs?: number }) => Promise<{ status: number; body: ResponseBody; location?: string }>;

/** Options of `Bucket.download`: those of every download (see `TransferOptions`) and S3's own. */
export interface DownloadOptions extends TransferOptions {
  /** Accept a prefix that holds no object (default false: `S3Error` with code `E_S3_NOT_FOUND`). */
  allowEmpty?: boolean;
}

/** What {@link downloadObjects} takes besides the public options: the bucket's backoff and name. */
export interface DownloadRun extends DownloadOptions, EngineOptions {
  /** Names files `s3://<bucket>/<key>` in errors. */
  bucket?: string;
}

/** Expected MD5 per key, from `.xdlm` manifests. */
export type ChecksumIndex = ReadonlyMap<string, string>;

/**
 * S3 objects as the download engine's files: the MD5 from the `.xdlm` manifest, else from a
 * single-part ETag, else none (size only); the ETag is the validator that range requests carry
 * (`If-Match`). Folder markers (keys ending in `/`) are left out.
 */
export function toRemoteFiles(objects: readonly RemoteObject[], checksums: ChecksumIndex, bucket?: string): RemoteFile[] {
  return objects
    .filter((object) => !object.key.endsWith("/"))
    .map((object) => {
      const manifestMd5 = checksums.get(object.key);
      const md5 = manifestMd5 ?? (etagIsMd5(object.etag) ? object.etag.toLowerCase() : undefined);
      return {
        key: object.key,
        size: object.size,
        md5,
        verifiedBy: !md5 ? "size" : manifestMd5 ? "md5-manifest" : "md5-etag",
        validator: object.etag,
        location: locationOf(object.key, bucket),
      };
    });
}

/**
 * S3 as a source of the download engine: each file is a GET of its key from byte `start` on,
 * allowed only while the ETag is unchanged; transient S3 errors, dropped and stalled transfers
 * are retried; 412 (the object changed) and 416 (the part is longer than the object) start the
 * file over.
 */
export function s3Source(name: string, files: readonly RemoteFile[], get: ObjectGetter): DownloadSource {
  const keys = new Map(files.map((file) => [file.key, file]));
  return {
    name,
    list: async () => [...keys.values()],
    open: (file, range) => get(file.key, { start: range.start, ifMatch: range.validator, signal: range.signal, totalTimeoutMs: range.totalTimeoutMs }),
    isRetryable,
    isStale: (error) => isS3Error(error) && (error.status === 416 || error.status === 412),
  };
}

/**
 * Downloads objects to `<dir>/<key>` through the download engine (`lib/files/download-engine.ts`:
 * one writer per part file, resume, verification, atomic rename, bounded concurrency).
 */
export async function downloadObjects(objects: readonly RemoteObject[], dir: string, get: ObjectGetter, checksums: ChecksumIndex, options: DownloadRun = {}): Promise<DownloadSummary> {
  const files = toRemoteFiles(objects, checksums, options.bucket);
  return downloadFiles(files, dir, s3Source(sourceName(options.bucket), files, get), options);
}

/** A file whose size and MD5 are known beforehand (from a download plan or a manifest). */
export interface KnownObject {
  key: string;
  size: number;
  md5: string;
}

/**
 * Downloads files of known size and MD5 (a download plan's) through the download engine, with
 * no listing, HEAD or manifest read. The MD5 is also the validator: a part file is resumed only
 * for the same MD5, and its range request carries it as `If-Match`, which an object uploaded in
 * one part (its ETag is its MD5) honours; a multipart object answers 412 and the file starts over.
 */
export async function downloadKnownObjects(objects: readonly KnownObject[], dir: string, get: ObjectGetter, options: DownloadRun = {}): Promise<DownloadSummary> {
  const files: RemoteFile[] = objects.map(({ key, size, md5 }) => ({ key, size, md5: md5.toLowerCase(), verifiedBy: "md5-manifest", validator: md5.toLowerCase(), location: locationOf(key, options.bucket) }));
  return downloadFiles(files, dir, s3Source(sourceName(options.bucket), files, get), options);
}

/** How errors name an object: `s3://<bucket>/<key>` when the bucket is known. */
function locationOf(key: string, bucket: string | undefined): string {
  return bucket ? `s3://${bucket}/${key}` : `s3 object ${key}`;
}

/** The engine's name for the source: the bucket's URL when known. */
function sourceName(bucket: string | undefined): string {
  return bucket ? `s3://${bucket}/` : "s3";
}

/** A transfer worth another attempt (resumed from where it stopped): dropped, stalled, or refused by an overloaded or failing server. */
function isRetryable(error: unknown): boolean {
  if (isS3Error(error)) return isTransientS3Error(error);
  return isNetworkError(error) || isTimeoutError(error);
}
