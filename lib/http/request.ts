import { NO_RETRY, parseRetryAfter, toRetryPolicy, withRetry, type RetryEvent, type RetryPolicy } from "../core/retry.js";
import { bodyKind, unparsedKind } from "./body-kind.js";
import { readBody } from "./body.js";
import { HttpError, NetworkError, TimeoutError, UnexpectedContentError } from "./errors.js";
import { send, toTypedError, type Method } from "./send.js";
import { transportFor, type FetchLike, type ResponseHeaders, type Transport } from "./transport.js";

/** Transport settings a client takes for its requests: timeouts, retries, abort signal. */
export interface HttpOptions {
  /** Milliseconds to wait for the response headers (default 30 s). */
  timeoutMs?: number;
  /** Milliseconds without body data before giving up (default 60 s). */
  idleTimeoutMs?: number;
  /** Milliseconds one request may take in all, headers and body (default 5 min; larger for big downloads); a trickling body is cut there. */
  totalTimeoutMs?: number;
  /** The most bytes a body held in memory may have, counted after decompression (default 512 MiB). */
  maxBodyBytes?: number;
  /** Retry policy for idempotent requests (missing fields from `DEFAULT_RETRY`); `false` never retries; other requests are never retried. */
  retry?: Partial<RetryPolicy> | false;
  signal?: AbortSignal;
  /** Called before each retry, for logging or progress. */
  onRetry?: (event: RetryEvent) => void;
  headers?: Record<string, string>;
}

/** Options of {@link request} and its helpers. */
export interface RequestOptions extends HttpOptions {
  method?: Method;
  body?: string | Uint8Array;
  /** Allows retrying a POST that has no side effects (an XNAT search). */
  idempotent?: boolean;
  /** Statuses returned to the caller instead of raising {@link HttpError} (e.g. 401 for session handling). */
  acceptStatus?: readonly number[];
  /**
   * Treat a 2xx HTML page that is not a login page (a maintenance page) as a transient failure:
   * retried under the policy (honouring Retry-After), then raised as {@link UnexpectedContentError}.
   * Default true in {@link requestJson}; false elsewhere.
   */
  retryHtml?: boolean;
  /** What the body should be, for the error message of {@link retryHtml} (default "data"). */
  expected?: string;
  /** The `fetch` to send with instead of the default keep-alive transport. */
  fetch?: FetchLike;
  /** A client's own transport (used when no `fetch` is given). */
  transport?: Transport;
}

/** A complete response whose body has been read and checked against Content-Length. */
export interface BufferedResponse {
  url: string;
  status: number;
  headers: ResponseHeaders;
  body: Buffer;
}

const IDEMPOTENT: ReadonlySet<string> = new Set(["GET", "HEAD", "PUT", "DELETE"]);

/**
 * Sends a request through the seam, reads the whole body with an idle timeout, checks its
 * length, and retries what is safe to retry (idempotent requests; see {@link isRetryable}).
 */
export async function request(url: string | URL, options: RequestOptions = {}): Promise<BufferedResponse> {
  const method = options.method ?? "GET";
  const location = String(url);
  const retrySafe = IDEMPOTENT.has(method) || options.idempotent === true;
  const policy = retrySafe ? toRetryPolicy(options.retry) : NO_RETRY;
  const transport = transportFor(options.fetch, options.transport);
  const attempt = async (): Promise<BufferedResponse> => {
    const response = await send(url, { method, headers: options.headers, body: options.body, timeoutMs: options.timeoutMs, totalTimeoutMs: options.totalTimeoutMs, signal: options.signal, acceptStatus: options.acceptStatus, transport });
    const bodiless = method === "HEAD" || response.status === 204 || response.status === 304;
    const read = { location, idleTimeoutMs: options.idleTimeoutMs, maxBytes: options.maxBodyBytes, signal: options.signal, headers: bodiless ? undefined : response.headers };
    const body = await readBody(response.body, read).catch((error: unknown) => {
      throw options.signal?.aborted ? toTypedError(error, location, method) : error;
    });
    if (options.retryHtml && response.status < 300 && isTransientHtml(body)) {
      throw new UnexpectedContentError(options.expected ?? "data", "html", location, body.subarray(0, 120).toString("utf8"), undefined, {
        transient: true,
        retryAfterMs: parseRetryAfter(response.headers.get("retry-after"), response.headers.get("date")),
      });
    }
    return { url: location, status: response.status, headers: response.headers, body };
  };
  return withRetry(attempt, { policy, isRetryable: (error) => isRetryable(error, policy), signal: options.signal, onRetry: options.onRetry });
}

/** GET (or send) and return the body as text. */
export async function requestText(url: string | URL, options: RequestOptions = {}): Promise<string> {
  const response = await request(url, options);
  return response.body.toString("utf8");
}

/**
 * Sends a request and parses a JSON body. HTML or any other non-JSON answer (a login or
 * maintenance page served with status 200) raises {@link UnexpectedContentError}.
 */
export async function requestJson<T = unknown>(url: string | URL, options: RequestOptions = {}): Promise<T> {
  const response = await request(url, { retryHtml: true, expected: "JSON", ...options, headers: { accept: "application/json", ...options.headers } });
  return parseJsonBody<T>(response.body.toString("utf8"), String(url));
}

/** Parses a body that should be JSON, naming what arrived instead when it is not. */
export function parseJsonBody<T>(text: string, url: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new UnexpectedContentError("JSON", unparsedKind(text), url, text.slice(0, 120));
  }
}

/** An HTML page that is not a login form: a maintenance or proxy page worth another try. */
function isTransientHtml(body: Buffer): boolean {
  const head = body.subarray(0, 2000).toString("utf8");
  return bodyKind(head) === "html" && !/type=["']?password|Login\.vm/i.test(head);
}

/** Failures worth another attempt: statuses the policy names, dropped connections, timeouts and maintenance pages. */
export function isRetryable(error: unknown, policy: RetryPolicy): boolean {
  if (error instanceof UnexpectedContentError) return error.transient;
  if (error instanceof HttpError) return policy.statuses.includes(error.status);
  return error instanceof NetworkError || error instanceof TimeoutError;
}
