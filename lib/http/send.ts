import { NeuroportalError } from "../errors.js";
import { displayUrl } from "../core/redact.js";
import { parseRetryAfter } from "../core/retry.js";
import { HttpError, NetworkError, TimeoutError } from "./errors.js";
import { DEFAULT_TOTAL_TIMEOUT_MS, defaultTotalTimeoutMs, withDeadline } from "./deadline.js";
import { defaultTransport, type Transport, type TransportResponse } from "./transport.js";
import { assertNoUserInfo } from "./url.js";

export type Method = "GET" | "HEAD" | "POST" | "PUT" | "DELETE";

/** Options of {@link send}. */
export interface SendOptions {
  method?: Method | string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Milliseconds to wait for the response headers (default 30 s); then {@link TimeoutError}. */
  timeoutMs?: number;
  /**
   * Milliseconds the whole request may take, headers and body; the body is cut there with
   * {@link TimeoutError} (`phase: "total"`), however steadily it trickles. Default 5 min, plus
   * the declared Content-Length at 64 KiB/s (large files get time to arrive on slow links).
   */
  totalTimeoutMs?: number;
  signal?: AbortSignal;
  /** Statuses returned instead of raising {@link HttpError} (e.g. 401 for session handling); `"any"` returns every answer. */
  acceptStatus?: readonly number[] | "any";
  /** Where the request goes (default the shared keep-alive transport; see `transportFor` for a user's `fetch`). */
  transport?: Transport;
  /** Ask for and decode compressed bodies (default true; S3 objects are read as stored). */
  decompress?: boolean;
  /** What errors name instead of the URL, e.g. `s3://bucket/key`. */
  location?: string;
  /** Follow redirects (default true); S3 requests pass false: S3's 301/307 are errors that name the bucket's region. */
  followRedirects?: boolean;
}

/** Default time to wait for the response headers. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The transport seam: every HTTP request of the library goes through here. Refuses URLs with
 * user info, sends through the transport with one connect timeout, maps every failure to a
 * typed error ({@link NetworkError}, {@link TimeoutError}, {@link HttpError} with the server's
 * Retry-After as `retryAfterMs`) and returns once the headers are in; the body is still to be
 * read (see `bodyChunks` / `readBody`). Never retries: callers wrap it in `withRetry`.
 */
export async function send(url: string | URL, options: SendOptions = {}): Promise<TransportResponse> {
  assertNoUserInfo(url);
  const target = String(url);
  const location = options.location ?? target;
  const method = options.method ?? "GET";
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener("abort", onAbort, { once: true });
  const started = Date.now();
  let totalTimeoutMs = options.totalTimeoutMs ?? DEFAULT_TOTAL_TIMEOUT_MS;
  const connectMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = connectMs <= totalTimeoutMs ? new TimeoutError(location, connectMs, "connect") : new TimeoutError(location, totalTimeoutMs, "total");
  const timer = setTimeout(() => controller.abort(timeout), Math.min(connectMs, totalTimeoutMs));
  let response: TransportResponse;
  try {
    response = await (options.transport ?? defaultTransport.send)({
      url: target,
      method,
      headers: options.headers ?? {},
      body: options.body,
      signal: controller.signal,
      decompress: options.decompress ?? true,
      followRedirects: options.followRedirects,
    });
  } catch (error) {
    throw toTypedError(controller.signal.aborted ? controller.signal.reason : error, location, method, "connect");
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
  const accepted = options.acceptStatus === "any" || (response.status >= 200 && response.status < 300) || options.acceptStatus?.includes(response.status);
  if (!accepted) {
    const snippet = await snippetOf(response);
    throw new HttpError(response.status, method, location, snippet, hintForStatus(response.status), parseRetryAfter(response.headers.get("retry-after"), response.headers.get("date")));
  }
  if (method === "HEAD" || response.status === 204 || response.status === 304) return response;
  if (options.totalTimeoutMs === undefined) totalTimeoutMs = defaultTotalTimeoutMs(Number(response.headers.get("content-length")) || 0);
  return { ...response, body: withDeadline(response.body, started + totalTimeoutMs, location, totalTimeoutMs) };
}

/** The start of an error body (300 characters), read within a short bound; empty when it does not come. */
async function snippetOf(response: TransportResponse): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  const timer = setTimeout(() => response.body.destroy(), 5_000);
  try {
    for await (const chunk of response.body) {
      chunks.push(Buffer.from(chunk));
      bytes += chunk.byteLength;
      if (bytes >= 4096) break;
    }
  } catch {
    // the snippet only helps diagnose; the status is what counts
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(chunks).toString("utf8").slice(0, 300);
}

function hintForStatus(status: number): string | undefined {
  if (status === 401) return "check the user name and password";
  if (status === 403) return "your account has no access to this resource";
  if (status === 404) return "check the identifier or path; it does not exist on this server";
  if (status >= 500) return "the server failed; try again later";
  return undefined;
}

const DROPPED = new Set(["ECONNRESET", "ERR_STREAM_PREMATURE_CLOSE", "EPIPE", "ECONNABORTED", "UND_ERR_SOCKET"]);

/**
 * Maps anything a transport or a body stream threw into a typed error naming `location`:
 * aborts, unresolvable hosts, refused connections, connections dropped while the body arrived
 * (`phase: "body"`) and anything else as {@link NetworkError}; typed errors pass unchanged.
 */
export function toTypedError(error: unknown, location: string, method: string, phase: "connect" | "body" = "connect"): NeuroportalError {
  if (error instanceof NeuroportalError) return error;
  const err = error as { name?: string; message?: string; code?: string; cause?: { code?: string; message?: string } };
  if (err?.name === "AbortError") return new NetworkError(`${method} ${displayUrl(location)} was aborted`, location, undefined, "the operation was cancelled");
  const code = err?.code ?? err?.cause?.code;
  const detail = err?.cause?.message ?? err?.message ?? String(error);
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return new NetworkError(`cannot resolve the host of ${displayUrl(location)}`, location, undefined, "check the server address and your network");
  if (code === "HPE_HEADER_OVERFLOW") return new NetworkError(`the server sent response headers larger than this client accepts (16 KiB) for ${displayUrl(location)}`, location, undefined, "the server or a proxy in front of it is misbehaving; try again later or report it");
  if (code === "ECONNREFUSED") return new NetworkError(`nothing is listening at ${displayUrl(location)}`, location, undefined, "is the server (or `neuroportal demo`) running on that port?");
  if (phase === "body" || (code !== undefined && DROPPED.has(code)) || err?.message === "aborted" || err?.message === "terminated") {
    const what = phase === "body" ? `while reading ${displayUrl(location)}` : `before ${displayUrl(location)} answered`;
    return new NetworkError(`the connection dropped ${what}`, location, error, "the network or the server cut the transfer (it was retried when safe); run the same call again — downloads resume where they stopped");
  }
  return new NetworkError(`${method} ${displayUrl(location)} failed: ${detail}`, location, error);
}
