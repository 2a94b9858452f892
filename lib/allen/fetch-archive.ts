import { NetworkError } from "../http/errors.js";
import { idleGuard, isRetryable, openResponse, RequestOptions, toTypedError } from "../http/request.js";
import { toRetryPolicy, withRetry } from "../core/retry.js";

/** Download progress: bytes so far, and the total when the server announced it. */
export interface DownloadProgress {
  url: string;
  bytes: number;
  totalBytes?: number;
}

/** Options for fetching a file body. */
export interface FetchArchiveOptions {
  onProgress?: (progress: DownloadProgress) => void;
  /** Timeouts, retry policy and abort signal. */
  http?: RequestOptions;
}

/**
 * GETs a whole file into memory, reporting progress, checking Content-Length, and retrying
 * cut connections, timeouts and 5xx answers with backoff.
 */
export async function fetchArchive(url: string, options: FetchArchiveOptions = {}): Promise<Buffer> {
  const http = options.http ?? {};
  const policy = toRetryPolicy(http.retry);
  const attempt = () => fetchOnce(url, options).catch((error: unknown) => Promise.reject(toTypedError(error, url, "GET")));
  return withRetry(attempt, { policy, isRetryable: (error) => isRetryable(error, policy), signal: http.signal, onRetry: http.onRetry });
}

async function fetchOnce(url: string, options: FetchArchiveOptions): Promise<Buffer> {
  const http = options.http ?? {};
  const response = await openResponse(url, { ...http, method: "GET" });
  const declared = response.headers.get("content-length");
  const totalBytes = declared !== null && !response.headers.get("content-encoding") ? Number(declared) : undefined;
  const chunks: Buffer[] = [];
  let bytes = 0;
  options.onProgress?.({ url, bytes, totalBytes });
  if (response.body) {
    for await (const chunk of idleGuard(response.body, url, http.idleTimeoutMs ?? 60_000)) {
      chunks.push(Buffer.from(chunk));
      bytes += chunk.byteLength;
      options.onProgress?.({ url, bytes, totalBytes });
    }
  }
  if (totalBytes !== undefined && bytes !== totalBytes) {
    throw new NetworkError(`the download ended after ${bytes} of ${totalBytes} bytes`, url, undefined, "the connection was cut; nothing was written; run the download again");
  }
  return Buffer.concat(chunks, bytes);
}
