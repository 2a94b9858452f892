import { NeuroportalError } from "../errors.js";
import { HttpError, NetworkError, TimeoutError } from "../http/errors.js";
import { idleGuard, openResponse, RequestOptions, toTypedError } from "../http/request.js";
import { DEFAULT_RETRY, NO_RETRY, retryDelay, sleep } from "../http/retry.js";

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
  const policy = http.retry === false ? NO_RETRY : http.retry ?? DEFAULT_RETRY;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetchOnce(url, options);
    } catch (error) {
      const typed = toTypedError(error, url, "GET");
      if (!isRetryable(typed, policy.statuses) || attempt >= policy.retries || http.signal?.aborted) throw typed;
      const delayMs = retryDelay(policy, attempt + 1);
      http.onRetry?.({ attempt: attempt + 1, delayMs, error: typed });
      await sleep(delayMs, http.signal);
    }
  }
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

function isRetryable(error: NeuroportalError, statuses: readonly number[]): boolean {
  if (error instanceof HttpError) return statuses.includes(error.status);
  return error instanceof NetworkError || error instanceof TimeoutError;
}
