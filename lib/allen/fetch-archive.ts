import { toRetryPolicy, withRetry } from "../core/retry.js";
import { declaredLength, readBody } from "../http/body.js";
import { isRetryable, type HttpOptions } from "../http/request.js";
import { send } from "../http/send.js";
import { transportFor, type FetchLike } from "../http/transport.js";

/** Progress of an archive download: bytes so far, and the total when the server announced it. */
export interface ArchiveProgress {
  url: string;
  bytes: number;
  totalBytes?: number;
}

/** Options for fetching an archive. */
export interface ArchiveOptions {
  onProgress?: (progress: ArchiveProgress) => void;
  /** Timeouts, retry policy and abort signal. */
  http?: HttpOptions;
  /** The `fetch` to send with instead of the default keep-alive transport. */
  fetch?: FetchLike;
}

/**
 * GETs a whole file into memory, reporting progress, checking Content-Length, and retrying
 * cut connections, timeouts and 5xx answers with backoff.
 */
export async function fetchArchive(url: string, options: ArchiveOptions = {}): Promise<Buffer> {
  const http = options.http ?? {};
  const policy = toRetryPolicy(http.retry);
  const transport = transportFor(options.fetch);
  const attempt = async () => {
    const response = await send(url, { headers: http.headers, timeoutMs: http.timeoutMs, totalTimeoutMs: http.totalTimeoutMs, signal: http.signal, transport });
    const totalBytes = declaredLength(response.headers);
    options.onProgress?.({ url, bytes: 0, totalBytes });
    const onChunk = options.onProgress && ((bytes: number) => options.onProgress!({ url, bytes, totalBytes }));
    return readBody(response.body, { location: url, idleTimeoutMs: http.idleTimeoutMs, maxBytes: http.maxBodyBytes, signal: http.signal, headers: response.headers, onChunk });
  };
  return withRetry(attempt, { policy, isRetryable: (error) => isRetryable(error, policy), signal: http.signal, onRetry: http.onRetry });
}
