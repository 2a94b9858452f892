import { displayUrl } from "../core/redact.js";
import type { RetryPolicy } from "../core/retry.js";
import { HttpError } from "../http/errors.js";
import { isRetryable } from "../http/request.js";
import type { DownloadSource, RemoteFile } from "../files/download-types.js";
import type { XnatFile } from "./file-listing.js";
import type { XnatSession } from "./session.js";

/** A file to download and the name it gets below the target folder. */
export interface PlannedFile {
  file: XnatFile;
  /** `/`-separated path below the target folder. */
  key: string;
}

/** The absolute URL of a listed file URI (root-relative, as XNAT lists it) below the server's base. */
export function fileUrl(session: XnatSession, uri: string): URL {
  return new URL(uri.replace(/^\/+/, ""), session.base);
}

/**
 * XNAT files as the download engine's files: the listing's `digest` is the expected MD5 and
 * the validator (a part file is resumed only for the same content), else size only and no resume.
 */
export function toRemoteFiles(session: XnatSession, planned: readonly PlannedFile[]): RemoteFile[] {
  return planned.map(({ file, key }) => ({
    key,
    size: file.size,
    md5: file.digest,
    verifiedBy: file.digest ? "md5-digest" : "size",
    validator: file.digest,
    location: displayUrl(fileUrl(session, file.uri).href),
  }));
}

/**
 * XNAT as a source of the download engine: each file is a GET of its listed URI through the
 * session (an expired session is renewed and the request replayed, even mid-download), from
 * byte `start` on with `Range` and `If-Range` carrying the listed MD5 as the validator, so a
 * server whose file changed answers with the whole new file. Failures the session's retry
 * policy names (5xx, 408, 429, drops, stalls, maintenance pages) are retried and resumed; 416
 * starts the file over.
 */
export function xnatFileSource(session: XnatSession, planned: readonly PlannedFile[], policy: RetryPolicy): DownloadSource {
  const byKey = new Map(planned.map((entry) => [entry.key, entry.file]));
  const files = toRemoteFiles(session, planned);
  return {
    name: session.base.href,
    list: async () => files,
    open: async (remote, range) => {
      const file = byKey.get(remote.key)!;
      const headers: Record<string, string> = {};
      if (range.start) {
        headers.range = `bytes=${range.start}-`;
        if (range.validator) headers["if-range"] = `"${range.validator}"`;
      }
      const response = await session.stream({
        url: fileUrl(session, file.uri),
        headers,
        signal: range.signal,
        what: `file ${JSON.stringify(file.path)} of resource ${JSON.stringify(file.resource)}`,
        htmlIsLogin: !/\.html?$/i.test(file.name),
      });
      return { status: response.status, body: response.body, location: remote.location };
    },
    isRetryable: (error) => isRetryable(error, policy),
    isStale: (error) => error instanceof HttpError && error.status === 416,
  };
}
